package io.github.eegstream.dsp;

import java.io.Serializable;

/** A frequency band, {@code [low, high)} Hz, e.g. alpha 8 to 13 Hz. */
public record Band(String name, double low, double high) implements Serializable {

    public Band {
        if (!(low >= 0 && high > low)) {
            throw new IllegalArgumentException("band " + name + " needs 0 <= low < high, was [" + low + ", " + high + ")");
        }
    }
}
