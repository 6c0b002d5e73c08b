package io.parley.push.mute;

import java.time.Instant;

/**
 * A muted conversation. {@code until} is null for "until unmuted".
 */
public record Mute(long conversationId, Instant until) {

    /** Whether it silences notifications at {@code now}. */
    public boolean activeAt(Instant now) {
        return until == null || until.isAfter(now);
    }
}
