package io.parley.chat.presence;

import io.parley.common.protocol.ServerFrame.UserPresence;

/** What one user may see of another's presence; pure, so the privacy rules are unit-tested. */
final class PresenceViews {

    static final String ONLINE = "online";
    static final String OFFLINE = "offline";
    static final String UNKNOWN = "unknown";

    private PresenceViews() {
    }

    /**
     * Whether the viewer may see the user's real state: always themself; otherwise only someone
     * who shares a conversation with the user and whom the user's visibility admits.
     *
     * @param sharesConversation whether viewer and user are both (still) members of a conversation
     * @param viewerIsContact    whether the user has sent the viewer a 1:1 message
     */
    static boolean allowed(long viewer, long userId, boolean sharesConversation, PresenceVisibility visibility,
                           boolean viewerIsContact) {
        if (viewer == userId) {
            return true;
        }
        return sharesConversation && visibility.allows(viewerIsContact);
    }

    /**
     * @param sharesConversation whether the viewer shares a conversation with the user (or is the
     *                user): a stranger learns nothing, not even whether the user exists
     * @param allowed whether the user's visibility admits the viewer ({@link #allowed}); a viewer
     *                not admitted sees "offline, no last-seen", exactly what a user who never came
     *                online looks like, so nobody learns that they in particular are shut out
     */
    static UserPresence view(long userId, PresenceStore.State state, boolean sharesConversation, boolean allowed) {
        String id = Long.toString(userId);
        if (!sharesConversation) {
            return new UserPresence(id, UNKNOWN, null);
        }
        if (!allowed) {
            return masked(userId);
        }
        if (state.online()) {
            return new UserPresence(id, ONLINE, null);
        }
        return new UserPresence(id, OFFLINE, state.lastSeen() == null ? null : state.lastSeen().toEpochMilli());
    }

    /** What a viewer who may not see the user is shown. */
    static UserPresence masked(long userId) {
        return new UserPresence(Long.toString(userId), OFFLINE, null);
    }

    /** A pushed change as a frame entry (the announcer already chose who may receive it). */
    static UserPresence change(long userId, boolean online, Long lastSeen) {
        return new UserPresence(Long.toString(userId), online ? ONLINE : OFFLINE, online ? null : lastSeen);
    }
}
