package io.parley.api.user;

/** Display-name rules shared by sign-up and profile update. */
final class DisplayNames {

    static final int MAX_LENGTH = 64;
    /** No control characters: they break other clients' layouts and logs. */
    static final String PATTERN = "[^\\p{Cntrl}]*";
    static final String PATTERN_MESSAGE = "must not contain control characters";

    private DisplayNames() {
    }

    static String trim(String displayName) {
        return displayName == null ? null : displayName.strip();
    }
}
