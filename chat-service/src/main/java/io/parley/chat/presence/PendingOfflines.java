package io.parley.chat.presence;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Grace timers: users whose last local session closed, and when each may be checked for going
 * offline. A reconnect before that time cancels the check, so a phone switching networks is never
 * shown offline. Polled by a tick rather than one scheduled task per user: a storm of closes is a
 * map of longs, not thousands of timer tasks.
 */
final class PendingOfflines {

    private final Map<Long, Long> dueAt = new ConcurrentHashMap<>();

    /** (Re)starts the user's grace period: checked at {@code due} unless cancelled first. */
    void start(long userId, long due) {
        dueAt.put(userId, due);
    }

    void cancel(long userId) {
        dueAt.remove(userId);
    }

    boolean isPending(long userId) {
        return dueAt.containsKey(userId);
    }

    /** Removes and returns the users whose grace period ended at or before {@code now}. */
    List<Long> takeDue(long now) {
        List<Long> due = new ArrayList<>();
        dueAt.forEach((user, at) -> {
            if (at <= now && dueAt.remove(user, at)) {
                due.add(user);
            }
        });
        return due;
    }
}
