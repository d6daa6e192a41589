package io.github.eegstream.dsp;

import java.io.Serializable;

/**
 * When a channel's signal is not to be trusted, in microvolts of a window.
 *
 * @param flatMicrovolts a standard deviation below this is a flat line: electrode off or dead
 * @param railMicrovolts an absolute value at or above this is a railed (saturated) amplifier
 * @param artifactMicrovolts a peak-to-peak swing above this is an artifact: blink, movement
 * @param lineNoiseRatio line-frequency power (50 and 60 Hz, ±1 Hz) above this share of the
 *     1-45 Hz power is excessive mains pickup: poor contact
 */
public record QualityLimits(double flatMicrovolts, double railMicrovolts, double artifactMicrovolts, double lineNoiseRatio)
        implements Serializable {

    public static final QualityLimits DEFAULT = new QualityLimits(0.1, 1000, 200, 0.5);
}
