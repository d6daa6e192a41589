package io.github.eegstream.connector.redis.source.pubsub;

import java.util.ArrayList;
import java.util.List;

/**
 * A set of channels of one family ({@code prefix*suffix}, e.g. {@code user:*:raw}) that one Redis
 * glob pattern matches, chosen by how the channel's middle part (the user id) <em>ends</em>. The
 * classes a source reads always partition the family: every channel matches exactly one, so a
 * message is delivered to exactly one reader, and a channel never seen before is read from its
 * first message.
 *
 * <ul>
 *   <li>{@link Kind#ALL}: ids ending in {@code tail} ({@code user:*01:raw}); the root has an empty tail;
 *   <li>{@link Kind#EXACT}: the id {@code tail} itself ({@code user:01:raw});
 *   <li>{@link Kind#IN}: ids ending in one of {@code chars} followed by {@code tail} ({@code user:*[ab]01:raw});
 *   <li>{@link Kind#NOT_IN}: ids ending in any other character followed by {@code tail}
 *       ({@code user:*[^ab]01:raw}), bytes outside ASCII included.
 * </ul>
 *
 * <p>A class splits into classes that partition it ({@link #splitByNextCharacter}, {@link #splitChars}),
 * so a busy class can be cut finer until its parts balance over the readers.
 *
 * @param chars the characters of {@code IN} and {@code NOT_IN}, printable ASCII; empty otherwise
 */
public record ChannelClass(String prefix, String suffix, Kind kind, String chars, String tail) implements java.io.Serializable {

    /** How a class constrains the character before its tail. */
    public enum Kind { ALL, EXACT, IN, NOT_IN }

    /** The characters {@link #initial} deals out: what user ids end in (digits first, then letters, case-folded). */
    static final String DEALT = "0123456789abcdefghijklmnopqrstuvwxyz_.-";

    public ChannelClass {
        if (prefix == null || suffix == null || kind == null || chars == null || tail == null) {
            throw new IllegalArgumentException("a channel class needs a prefix, suffix, kind, chars and tail");
        }
        boolean named = kind == Kind.IN || kind == Kind.NOT_IN;
        if (named == chars.isEmpty()) {
            throw new IllegalArgumentException(kind + " class with chars '" + chars + "'");
        }
        if (!printable(tail) || !printable(chars)) {
            throw new IllegalArgumentException("a channel class's tail and chars must be printable ASCII");
        }
    }

    /** Every channel of the family {@code prefix*suffix}. */
    public static ChannelClass root(String prefix, String suffix) {
        return new ChannelClass(prefix, suffix, Kind.ALL, "", "");
    }

    /**
     * The root dealt into about {@code n} classes by the last character of the id, for a first
     * assignment before any load is known: digits, then letters (a letter and its capital
     * together), then {@code _ . -}, each group going on where the one before ended; plus the
     * empty id and every other last character, in one class each.
     */
    public static List<ChannelClass> initial(String prefix, String suffix, int n) {
        if (n <= 1) {
            return List.of(root(prefix, suffix));
        }
        int groups = Math.min(n, DEALT.length());
        StringBuilder[] chars = new StringBuilder[groups];
        for (int i = 0; i < groups; i++) {
            chars[i] = new StringBuilder();
        }
        for (int i = 0; i < DEALT.length(); i++) {
            char c = DEALT.charAt(i);
            chars[i % groups].append(c);
            if (Character.isLetter(c)) {
                chars[i % groups].append(Character.toUpperCase(c));
            }
        }
        List<ChannelClass> out = new ArrayList<>();
        StringBuilder all = new StringBuilder();
        for (StringBuilder c : chars) {
            out.add(new ChannelClass(prefix, suffix, Kind.IN, c.toString(), ""));
            all.append(c);
        }
        out.add(new ChannelClass(prefix, suffix, Kind.NOT_IN, all.toString(), ""));
        out.add(new ChannelClass(prefix, suffix, Kind.EXACT, "", ""));
        return List.copyOf(out);
    }

    /** The Redis glob pattern that matches exactly this class's channels. */
    public String pattern() {
        return switch (kind) {
            case ALL -> prefix + "*" + escape(tail) + suffix;
            case EXACT -> prefix + escape(tail) + suffix;
            case IN -> prefix + "*[" + escapeInSet(chars) + "]" + escape(tail) + suffix;
            case NOT_IN -> prefix + "*[^" + escapeInSet(chars) + "]" + escape(tail) + suffix;
        };
    }

    /** Whether Redis would deliver {@code channel} to a subscriber of {@link #pattern()}. */
    public boolean matches(String channel) {
        String id = middle(channel);
        if (id == null) {
            return false;
        }
        return switch (kind) {
            case ALL -> id.endsWith(tail);
            case EXACT -> id.equals(tail);
            case IN, NOT_IN -> {
                int at = id.length() - tail.length() - 1;
                yield at >= 0 && id.endsWith(tail) && (chars.indexOf(id.charAt(at)) >= 0) == (kind == Kind.IN);
            }
        };
    }

    /** The id part of a channel of this family, or null if it is not one. */
    String middle(String channel) {
        if (channel.length() < prefix.length() + suffix.length() || !channel.startsWith(prefix) || !channel.endsWith(suffix)) {
            return null;
        }
        return channel.substring(prefix.length(), channel.length() - suffix.length());
    }

    /**
     * The character before the tail in {@code channel} (a channel of this class), the key that
     * {@link #splitByNextCharacter} and {@link #splitChars} divide by; -1 if the id is the tail.
     */
    int keyOf(String channel) {
        String id = middle(channel);
        int at = id.length() - tail.length() - 1;
        return at < 0 ? -1 : id.charAt(at);
    }

    /** True if this class can be cut finer: every class but one exact id. */
    public boolean splittable() {
        return kind != Kind.EXACT;
    }

    /**
     * An {@code IN} class of one character {@code c} is the same set as {@code ALL} with tail
     * {@code c + tail}: the form in which the next character can divide it.
     */
    ChannelClass normalized() {
        if (kind == Kind.IN && chars.length() == 1) {
            return new ChannelClass(prefix, suffix, Kind.ALL, "", chars + tail);
        }
        return this;
    }

    /**
     * An {@code ALL} class cut by the character before its tail: the id that is the tail itself,
     * ids with one of {@code chars} there, and ids with any other character there.
     */
    List<ChannelClass> splitByNextCharacter(String chars) {
        if (kind != Kind.ALL || chars.isEmpty()) {
            throw new IllegalStateException("only an ALL class splits by a non-empty set of next characters: " + this);
        }
        return List.of(new ChannelClass(prefix, suffix, Kind.EXACT, "", tail),
                new ChannelClass(prefix, suffix, Kind.IN, chars, tail),
                new ChannelClass(prefix, suffix, Kind.NOT_IN, chars, tail));
    }

    /**
     * An {@code IN} class cut into {@code part} and the rest of its characters, or a
     * {@code NOT_IN} class into {@code part} (characters it holds) and the characters it still holds.
     */
    List<ChannelClass> splitChars(String part) {
        if (kind == Kind.IN) {
            String rest = without(chars, part);
            if (part.isEmpty() || rest.isEmpty() || rest.length() + part.length() != chars.length()) {
                throw new IllegalStateException("cannot cut " + this + " into '" + part + "' and the rest");
            }
            return List.of(new ChannelClass(prefix, suffix, Kind.IN, part, tail), new ChannelClass(prefix, suffix, Kind.IN, rest, tail));
        }
        if (kind == Kind.NOT_IN) {
            for (int i = 0; i < part.length(); i++) {
                if (chars.indexOf(part.charAt(i)) >= 0) {
                    throw new IllegalStateException(this + " does not hold '" + part.charAt(i) + "'");
                }
            }
            return List.of(new ChannelClass(prefix, suffix, Kind.IN, part, tail),
                    new ChannelClass(prefix, suffix, Kind.NOT_IN, chars + part, tail));
        }
        throw new IllegalStateException("only IN and NOT_IN classes cut by characters: " + this);
    }

    private static String without(String chars, String part) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < chars.length(); i++) {
            if (part.indexOf(chars.charAt(i)) < 0) {
                out.append(chars.charAt(i));
            }
        }
        return out.toString();
    }

    /** Characters a class may name: printable ASCII, so a pattern is the same in bytes and in chars. */
    static boolean printable(int c) {
        return c > 0x20 && c < 0x7f;
    }

    private static boolean printable(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (!printable(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** A literal in a glob: these are special there. */
    private static String escape(String literal) {
        return escape(literal, "*?[]\\^");
    }

    /** Characters inside a glob's {@code [...]}: these are special there. */
    private static String escapeInSet(String chars) {
        return escape(chars, "[]\\^-");
    }

    private static String escape(String text, String special) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (special.indexOf(c) >= 0) {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }

    /**
     * Parses the family pattern {@code prefix*suffix}: exactly one {@code *} and no other glob
     * character.
     */
    public static ChannelClass rootOf(String familyPattern) {
        int star = familyPattern.indexOf('*');
        if (star < 0 || familyPattern.indexOf('*', star + 1) >= 0) {
            throw new IllegalArgumentException("a channel family is prefix*suffix with one '*', was " + familyPattern);
        }
        String prefix = familyPattern.substring(0, star);
        String suffix = familyPattern.substring(star + 1);
        for (String part : List.of(prefix, suffix)) {
            for (int i = 0; i < part.length(); i++) {
                if ("?[]\\^".indexOf(part.charAt(i)) >= 0) {
                    throw new IllegalArgumentException("a channel family's prefix and suffix are literal, was " + familyPattern);
                }
            }
        }
        return root(prefix, suffix);
    }

    @Override
    public String toString() {
        return pattern();
    }
}
