/** Prediction models: from a window's features to named prediction values. */
package io.github.eegstream.model;
