package io.parley.api.group;

import java.util.Locale;

/** A member's role in a group; stored and sent in lower case. Permissions: {@link GroupPermissions}. */
enum Role {
    OWNER, ADMIN, MEMBER;

    String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The stored role; a member row without one (never written so by this code) counts as a plain member. */
    static Role fromStored(String value) {
        return value == null ? MEMBER : valueOf(value.toUpperCase(Locale.ROOT));
    }

    /** A role from a request, or null when the text names none. */
    static Role parse(String value) {
        if (value == null) {
            return null;
        }
        for (Role role : values()) {
            if (role.wire().equals(value.trim())) {
                return role;
            }
        }
        return null;
    }
}
