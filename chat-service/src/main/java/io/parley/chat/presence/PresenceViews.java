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
     * @param visible whether the viewer shares a conversation with the user (or is the user): a
     *                stranger learns nothing, not even whether the user exists
     */
    static UserPresence view(long userId, PresenceStore.State state, boolean visible) {
        String id = Long.toString(userId);
        if (!visible) {
            return new UserPresence(id, UNKNOWN, null);
        }
        if (state.hidden()) {
            return new UserPresence(id, OFFLINE, null);
        }
        if (state.online()) {
            return new UserPresence(id, ONLINE, null);
        }
        return new UserPresence(id, OFFLINE, state.lastSeen() == null ? null : state.lastSeen().toEpochMilli());
    }

    /** A pushed change as a frame entry (the announcer already applied the hidden rule). */
    static UserPresence change(long userId, boolean online, Long lastSeen) {
        return new UserPresence(Long.toString(userId), online ? ONLINE : OFFLINE, online ? null : lastSeen);
    }
}
