package io.github.eegstream.dsp;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How features are computed (the {@code features} section of a job spec).
 *
 * @param sampleRate Hz; 0 means the stream's own rate
 * @param welchSegment Welch segment length (capped at the window)
 * @param welchOverlap overlap of Welch segments, in [0, 1)
 * @param bands name to [low, high) Hz
 * @param notch power-line frequency to remove before the spectrum (50 or 60), or 0 for none
 * @param notchQuality the notch's quality factor Q
 * @param quality signal quality limits
 */
public record FeatureSettings(
        double sampleRate, Length welchSegment, double welchOverlap, Map<String, List<Double>> bands,
        double notch, double notchQuality, QualityLimits quality)
        implements Serializable {

    public FeatureSettings {
        bands = bands == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(bands));
        quality = quality == null ? QualityLimits.DEFAULT : quality;
    }

    public List<Band> bandList() {
        List<Band> out = new ArrayList<>();
        bands.forEach((name, edges) -> out.add(new Band(name, edges.get(0), edges.get(1))));
        return out;
    }
}
