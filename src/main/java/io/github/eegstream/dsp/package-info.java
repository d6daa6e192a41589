/** Signal processing of EEG windows: power spectra, band powers and channel quality. */
package io.github.eegstream.dsp;
