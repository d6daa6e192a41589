/**
 * The live dashboard: a web page, served by this process, that shows every live user's EEG
 * traces, band powers, signal quality, predictions and alerts as they arrive on Redis.
 */
package io.github.eegstream.dashboard;
