/**
 * Recording to BDF+ files, which EEG tools (MNE, EEGLAB, EDFbrowser) open directly, and reading
 * them back for replay.
 */
package io.github.eegstream.record;
