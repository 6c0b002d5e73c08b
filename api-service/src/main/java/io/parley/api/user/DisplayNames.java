package io.parley.api.user;

/** Display-name rules shared by sign-up and profile update. */
final class DisplayNames {

    static final int MAX_LENGTH = 64;
    // The characters a display name may hold: common's TextRules.nameProblem, through @ValidName.

    private DisplayNames() {
    }

    static String trim(String displayName) {
        return displayName == null ? null : displayName.strip();
    }
}
