package io.github.eegstream.wire;

import java.util.Locale;

/** The per-user channels, {@code user:{id}:<kind>}. */
public enum ChannelKind {
    RAW("raw"),
    FEATURES("features"),
    PREDICTIONS("predictions"),
    COMMANDS("commands"),
    ALERTS("alerts");

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
     * {@code shards} disjoint Redis glob patterns that together match this kind's channel of every
     * valid user id, each exactly once: the first character of the id decides, e.g.
     * {@code user:[0Gi]*:raw}. Subscribers to different shards never receive the same message, so
     * reading with more subscribers does not multiply what Redis sends.
     */
    public java.util.List<String> shardedPatterns(int shards) {
        if (shards < 1 || shards > UserId.ALPHABET.length()) {
            throw new IllegalArgumentException("shards must be between 1 and " + UserId.ALPHABET.length() + ", was " + shards);
        }
        if (shards == 1) {
            return java.util.List.of(patternForAllUsers());
        }
        StringBuilder[] classes = new StringBuilder[shards];
        for (int i = 0; i < shards; i++) {
            classes[i] = new StringBuilder();
        }
        for (int i = 0; i < UserId.ALPHABET.length(); i++) {
            char c = UserId.ALPHABET.charAt(i);
            classes[i % shards].append(c == '-' ? "\\-" : String.valueOf(c)); // '-' would read as a range
        }
        java.util.List<String> out = new java.util.ArrayList<>();
        for (StringBuilder cls : classes) {
            out.add(Channel.PREFIX + "[" + cls + "]*:" + suffix);
        }
        return out;
    }

    /**
     * Parses a suffix such as {@code raw} or {@code predictions}.
     *
     * @throws IllegalArgumentException listing the valid kinds
     */
    public static ChannelKind fromSuffix(String suffix) {
        String s = suffix == null ? "" : suffix.toLowerCase(Locale.ROOT);
        for (ChannelKind kind : values()) {
            if (kind.suffix.equals(s)) {
                return kind;
            }
        }
        throw new IllegalArgumentException(
                "unknown channel kind '" + suffix + "': use one of raw, features, predictions, commands, alerts");
    }
}
