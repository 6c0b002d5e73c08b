package io.parley.chat.typing;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Typing indicators ({@code parley.chat.typing.*}).
 *
 * @param interval     clients repeat {@code typing start} this often while the user types (told in
 *                     {@code welcome}); the server forwards at most one {@code start} per interval per
 *                     session and conversation, whatever a client sends
 * @param expiry       how long a forwarded {@code start} holds on the receiving side without a newer one:
 *                     longer than the interval plus delivery jitter, so a steady typist does not flicker,
 *                     short enough that a client that vanished mid-word is not "typing" for long
 * @param fanOutLimit  typing is forwarded in conversations of at most this many members (in a
 *                     thousand-member group "someone is typing" is noise that costs a write per member)
 */
@ConfigurationProperties("parley.chat.typing")
public record TypingSettings(
        @DefaultValue("3s") Duration interval,
        @DefaultValue("6s") Duration expiry,
        @DefaultValue("100") int fanOutLimit) {

    public TypingSettings {
        if (interval.isNegative() || interval.isZero() || expiry.compareTo(interval) <= 0) {
            throw new IllegalArgumentException("parley.chat.typing.expiry must be longer than a positive interval");
        }
    }
}
