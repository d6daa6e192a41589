package io.github.eegstream.wire;

import java.util.regex.Pattern;

/** Validation of user ids: the {@code {id}} in {@code user:{id}:raw}. */
public final class UserId {

    /** No ':' (the channel separator) and no glob characters, so ids never collide with patterns. */
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_.\\-]{1,64}");

    /** Every character a user id may start with (or contain). */
    static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_.-";

    private UserId() {}

    public static boolean isValid(String id) {
        return id != null && VALID.matcher(id).matches();
    }

    /**
     * Returns {@code id} if valid.
     *
     * @throws IllegalArgumentException naming the id and the rule it breaks
     */
    public static String requireValid(String id) {
        if (!isValid(id)) {
            throw new IllegalArgumentException(
                    "invalid user id '" + id + "': use 1 to 64 characters from A-Z a-z 0-9 _ . -");
        }
        return id;
    }
}
