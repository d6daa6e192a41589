/**
 * Recording file formats: BDF+ ({@link io.github.eegstream.recording.BdfWriter},
 * {@link io.github.eegstream.recording.BdfRecording}), which EEG tools (MNE, EEGLAB, EDFbrowser)
 * open directly, and CSV ({@link io.github.eegstream.recording.CsvRecording}), read as raw samples
 * for replay and offline analysis. Depends on nothing of ours but the wire format's samples, and
 * never on Flink.
 */
package io.github.eegstream.recording;
