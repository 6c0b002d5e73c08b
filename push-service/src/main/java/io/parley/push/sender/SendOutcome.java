package io.parley.push.sender;

import java.time.Duration;

/** What became of one {@link PushMessage}, sorted by what the caller must do about it. */
public sealed interface SendOutcome {

    /** The provider accepted it; {@code name} is its id (FCM: {@code projects/…/messages/…}). */
    record Sent(String name) implements SendOutcome {
    }

    /**
     * A temporary failure (429, 5xx, network): try again later. {@code retryAfter} is what the
     * provider asked for (its Retry-After header), or null if it said nothing.
     */
    record Retry(Duration retryAfter, String reason) implements SendOutcome {
    }

    /** The token will never work again (unregistered app, invalid token): forget the device's token. */
    record InvalidToken(String reason) implements SendOutcome {
    }

    /** A permanent failure that is not about the token (auth, payload): log it, do not retry. */
    record Failed(String reason) implements SendOutcome {
    }
}
