package io.parley.chat.presence;

import java.util.Locale;

/**
 * Who may see a user's presence (online state and last-seen), the user's own choice
 * ({@code presence_settings}). Every value is narrower than "everyone": a user who shares no
 * conversation with the viewer is {@code unknown} to them whatever the setting.
 *
 * <p>The default is {@link #CONTACTS} because it is the only one that needs an action of the user
 * themself: anyone can message a user or add them to a group, and neither may be a way to watch
 * when they are online.
 */
enum PresenceVisibility {

    /** Users this user has sent a message to in a 1:1 conversation. */
    CONTACTS,
    /** Everyone who shares a conversation (1:1 or group, not removed) with this user. */
    CONVERSATIONS,
    /** Nobody: everyone sees this user offline, with no last-seen. */
    NOBODY;

    static final PresenceVisibility DEFAULT = CONTACTS;

    /** The value as it is written on the wire and stored. */
    String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The value of a wire or stored name; null if the name is not one. */
    static PresenceVisibility fromWire(String name) {
        if (name == null) {
            return null;
        }
        for (PresenceVisibility value : values()) {
            if (value.wireName().equals(name)) {
                return value;
            }
        }
        return null;
    }

    /**
     * The older boolean of {@code presence_settings}: {@code hidden:true} is {@link #NOBODY};
     * {@code hidden:false} ("show my presence again") returns to the default, never to something
     * wider than the default.
     */
    static PresenceVisibility fromHidden(boolean hidden) {
        return hidden ? NOBODY : DEFAULT;
    }

    /**
     * Whether a viewer may see this user's real state. The caller has established that the
     * viewer is not the user and shares a conversation with them (otherwise the answer is
     * {@code unknown}, decided before this rule).
     *
     * @param viewerIsContact whether the user has sent the viewer a 1:1 message
     */
    boolean allows(boolean viewerIsContact) {
        return switch (this) {
            case NOBODY -> false;
            case CONVERSATIONS -> true;
            case CONTACTS -> viewerIsContact;
        };
    }
}
