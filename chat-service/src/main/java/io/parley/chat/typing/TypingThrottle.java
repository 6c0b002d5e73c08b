package io.parley.chat.typing;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides which typing frames of a session are forwarded: the first {@code start}, then at most one
 * per interval; a {@code stop} only if a {@code start} was forwarded and has not expired yet (a stop
 * for something nobody was shown is noise). Keyed by (session, conversation); entries go away on
 * stop or when they are older than the expiry, so the map holds only currently-typing sessions.
 */
final class TypingThrottle {

    /** Above this many entries, expired ones are swept on the next call. */
    private static final int SWEEP_ABOVE = 10_000;

    private final long intervalMillis;
    private final long expiryMillis;
    private final ConcurrentHashMap<Key, Long> lastForwardedStart = new ConcurrentHashMap<>();

    TypingThrottle(long intervalMillis, long expiryMillis) {
        this.intervalMillis = intervalMillis;
        this.expiryMillis = expiryMillis;
    }

    /** Whether to forward a {@code start}; records it if so. */
    boolean start(String sessionId, long conversationId, long now) {
        sweepIfLarge(now);
        boolean[] forward = {false};
        lastForwardedStart.compute(new Key(sessionId, conversationId), (key, last) -> {
            if (last == null || now - last >= intervalMillis) {
                forward[0] = true;
                return now;
            }
            return last;
        });
        return forward[0];
    }

    /** Whether to forward a {@code stop}; forgets the session's start either way. */
    boolean stop(String sessionId, long conversationId, long now) {
        Long last = lastForwardedStart.remove(new Key(sessionId, conversationId));
        return last != null && now - last < expiryMillis;
    }

    int size() {
        return lastForwardedStart.size();
    }

    private void sweepIfLarge(long now) {
        if (lastForwardedStart.size() > SWEEP_ABOVE) {
            lastForwardedStart.values().removeIf(last -> now - last >= expiryMillis);
        }
    }

    private record Key(String sessionId, long conversationId) {
    }
}
