package io.parley.api.user;

import java.util.Locale;

/**
 * Username rules, in one place. A username is 3-32 characters of {@code [a-z0-9_.]}; input is
 * case-insensitive and stored lowercase, so "Alice" and "alice" are the same account. The ASCII
 * pattern is checked on the input as typed, before lowercasing, so no Unicode case mapping (the
 * Kelvin sign lowercases to "k") can sneak a look-alike past it.
 */
public final class Usernames {

    public static final int MIN_LENGTH = 3;
    public static final int MAX_LENGTH = 32;
    /** As typed: either case. */
    public static final String INPUT_PATTERN = "[A-Za-z0-9_.]*";

    private Usernames() {
    }

    public static String normalize(String username) {
        return username.toLowerCase(Locale.ROOT);
    }

    /** True when {@code username} could name an account (so lookups of junk skip Cassandra). */
    public static boolean isValid(String username) {
        return username != null && username.length() >= MIN_LENGTH && username.length() <= MAX_LENGTH
                && username.matches(INPUT_PATTERN);
    }
}
