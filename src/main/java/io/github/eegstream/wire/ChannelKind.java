package io.github.eegstream.wire;

import java.util.Locale;

/** The per-user channels, {@code user:{id}:<kind>}. */
public enum ChannelKind {
    RAW("raw"),
    FEATURES("features"),
    PREDICTIONS("predictions"),
    COMMANDS("commands"),
    ALERTS("alerts");

    private static final ChannelKind[] KINDS = values();

    private final String suffix;

    ChannelKind(String suffix) {
        this.suffix = suffix;
    }

    /** The last segment of the channel name, e.g. {@code raw}. */
    public String suffix() {
        return suffix;
    }

    /** The Redis glob pattern matching this kind for every user, e.g. {@code user:*:raw}. */
    public String patternForAllUsers() {
        return Channel.PREFIX + "*:" + suffix;
    }

    /**
     * Parses a suffix such as {@code raw} or {@code predictions}.
     *
     * @throws IllegalArgumentException listing the valid kinds
     */
    public static ChannelKind fromSuffix(String suffix) {
        // The exact suffix first: every message's channel is parsed, and lowercasing each was 5 %
        // of the job's task thread (docs/performance.md).
        for (ChannelKind kind : KINDS) {
            if (kind.suffix.equals(suffix)) {
                return kind;
            }
        }
        String s = suffix == null ? "" : suffix.toLowerCase(Locale.ROOT);
        for (ChannelKind kind : KINDS) {
            if (kind.suffix.equals(s)) {
                return kind;
            }
        }
        throw new IllegalArgumentException(
                "unknown channel kind '" + suffix + "': use one of raw, features, predictions, commands, alerts");
    }
}
