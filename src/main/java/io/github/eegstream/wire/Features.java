package io.github.eegstream.wire;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The features of one window of a user's stream, on {@code user:{id}:features}.
 *
 * @param timestamp the window's last sample, seconds since the epoch (as on predictions)
 * @param rate the sampling rate the features were computed at, Hz
 * @param channels channel names; the per-channel arrays below follow this order
 * @param bandPower band name to absolute power per channel (µV²)
 * @param relativePower band name to power per channel as a share of all bands
 * @param quality per channel, in [0, 1]
 * @param qualityProblems per channel: "" or a comma-separated list such as {@code flat} or
 *     {@code artifact,line_noise}
 * @param indices band-ratio indices before calibration (see docs/design.md)
 * @param confidence mean channel quality, in [0, 1]
 */
public record Features(
        double timestamp, double windowStart, double windowEnd, int sampleCount, double rate,
        List<String> channels, Map<String, double[]> bandPower, Map<String, double[]> relativePower,
        double[] quality, List<String> qualityProblems, Map<String, Double> indices, double confidence,
        String source)
        implements WireMessage {

    public static final String TYPE = "features";

    public Features {
        channels = List.copyOf(channels);
        bandPower = Collections.unmodifiableMap(new LinkedHashMap<>(bandPower));
        relativePower = Collections.unmodifiableMap(new LinkedHashMap<>(relativePower));
        qualityProblems = List.copyOf(qualityProblems);
        indices = Collections.unmodifiableMap(new LinkedHashMap<>(indices));
        if (quality.length != channels.size() || qualityProblems.size() != channels.size()) {
            throw new WireException(RejectReason.WRONG_TYPE, "'quality' and 'quality_problems' need one entry per channel");
        }
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Features f
                && timestamp == f.timestamp && windowStart == f.windowStart && windowEnd == f.windowEnd
                && sampleCount == f.sampleCount && rate == f.rate && channels.equals(f.channels)
                && sameArrays(bandPower, f.bandPower) && sameArrays(relativePower, f.relativePower)
                && Arrays.equals(quality, f.quality) && qualityProblems.equals(f.qualityProblems)
                && indices.equals(f.indices) && confidence == f.confidence && java.util.Objects.equals(source, f.source);
    }

    private static boolean sameArrays(Map<String, double[]> a, Map<String, double[]> b) {
        if (!a.keySet().equals(b.keySet())) {
            return false;
        }
        for (String k : a.keySet()) {
            if (!Arrays.equals(a.get(k), b.get(k))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(timestamp, channels, sampleCount);
    }
}
