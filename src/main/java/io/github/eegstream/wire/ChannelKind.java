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
     * valid user id, each exactly once: the <em>last</em> character of the id decides, e.g.
     * {@code user:*[0Aa]:raw}. Subscribers to different shards never receive the same message, so
     * reading with more subscribers does not multiply what Redis sends.
     *
     * <p>The last character, because ids made by people and programs differ there: {@code sub-001}
     * to {@code sub-040}, {@code P001}, UUIDs. Characters are dealt out to the shards in groups,
     * each group starting where the one before ended: digits, then hex letters, then the other
     * letters, then {@code _ . -}; a letter and its capital go to the same shard. So ten digits,
     * sixteen hex digits and twenty-six letters each spread as evenly as they can over any number of
     * shards (see {@link #shardOf}).
     */
    public java.util.List<String> shardedPatterns(int shards) {
        if (shards < 1 || shards > MAX_SHARDS) {
            throw new IllegalArgumentException("shards must be between 1 and " + MAX_SHARDS + ", was " + shards);
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
            classes[shardOf(c, shards)].append(c == '-' ? "\\-" : String.valueOf(c)); // '-' would read as a range
        }
        java.util.List<String> out = new java.util.ArrayList<>();
        for (StringBuilder cls : classes) {
            out.add(Channel.PREFIX + "*[" + cls + "]:" + suffix);
        }
        return out;
    }

    /** Which of {@code shards} patterns matches the channels of {@code userId}. */
    public static int shardOf(String userId, int shards) {
        return shardOf(userId.charAt(userId.length() - 1), shards);
    }

    private static final String DIGITS = "0123456789";
    /** As many shards as there are last characters, a letter and its capital counting once. */
    public static final int MAX_SHARDS = 39;
    private static final String HEX_LETTERS = "abcdef";
    private static final String OTHER_LETTERS = "ghijklmnopqrstuvwxyz";
    private static final String SYMBOLS = "_.-";

    private static int shardOf(char c, int shards) {
        char lower = Character.toLowerCase(c);
        int slot;
        if (DIGITS.indexOf(lower) >= 0) {
            slot = DIGITS.indexOf(lower);
        } else if (HEX_LETTERS.indexOf(lower) >= 0) {
            slot = DIGITS.length() + HEX_LETTERS.indexOf(lower);
        } else if (OTHER_LETTERS.indexOf(lower) >= 0) {
            slot = DIGITS.length() + HEX_LETTERS.length() + OTHER_LETTERS.indexOf(lower);
        } else {
            slot = DIGITS.length() + HEX_LETTERS.length() + OTHER_LETTERS.length() + Math.max(0, SYMBOLS.indexOf(lower));
        }
        return slot % shards;
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
