package io.github.eegstream.model;

import java.io.Serializable;

/**
 * Per-user calibration of the indices (the {@code calibration} section of a job spec).
 *
 * @param enabled false maps indices to [0, 1] by a fixed rule only
 * @param baselineWindows how many recent windows the running baseline spans
 * @param warmupWindows until this many windows were seen, the fixed rule is blended in
 */
public record CalibrationSettings(boolean enabled, int baselineWindows, int warmupWindows) implements Serializable {

    public CalibrationSettings {
        if (baselineWindows < 2 || warmupWindows < 1) {
            throw new IllegalArgumentException("calibration needs baseline-windows >= 2 and warmup-windows >= 1");
        }
    }
}
