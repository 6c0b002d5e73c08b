package io.parley.chat.sequencing;

import io.parley.common.events.MessageSubmitted;
import io.parley.common.events.SystemEvent;
import io.parley.common.text.TextRules;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a record of {@code parley.messages.submitted} and tells whether it can ever be sequenced.
 * A record that cannot (not JSON of a {@link MessageSubmitted}, no ids, or a string that is not
 * valid UTF-16 by the edges' one rule, {@link TextRules}, which Cassandra's text codec refuses on
 * every attempt) is a permanent failure:
 * retrying it would stop every conversation of its partition for good, so it is set aside before
 * any seq is given to it, and the conversation's order stays dense.
 */
final class SequencerInput {

    private static final JsonMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private SequencerInput() {
    }

    /** Either a message to sequence or the reason it never can be. */
    sealed interface Read permits Readable, Poison {
    }

    record Readable(MessageSubmitted message) implements Read {
    }

    record Poison(String reason) implements Read {
    }

    static Read read(byte[] value) {
        if (value == null) {
            return new Poison("empty record (no value)");
        }
        MessageSubmitted message;
        try {
            message = JSON.readValue(value, MessageSubmitted.class);
        } catch (JacksonException e) {
            return new Poison("not JSON of a MessageSubmitted: " + e.getOriginalMessage());
        }
        if (message == null) {
            return new Poison("not JSON of a MessageSubmitted: null");
        }
        return problem(message).<Read>map(Poison::new).orElseGet(() -> new Readable(message));
    }

    /** What makes a parsed message impossible to store, if anything. */
    static Optional<String> problem(MessageSubmitted message) {
        if (message.messageId() == 0 || message.conversationId() == 0) {
            return Optional.of("no message id or conversation id");
        }
        if (message.hasSystemEvent()) {
            SystemEvent event = message.system();
            if (event.targetIds() == null) {
                return Optional.of("system event without target ids");
            }
            Optional<String> bad = firstInvalid("system.event", event.event(), "system.name", event.name(),
                    "system.role", event.role());
            if (bad.isPresent()) {
                return bad;
            }
        }
        return firstInvalid("text", message.text(), "clientMessageId", message.clientMessageId(),
                "senderSessionId", message.senderSessionId(), "kind", message.kind());
    }

    private static Optional<String> firstInvalid(String... namesAndValues) {
        for (int i = 0; i < namesAndValues.length; i += 2) {
            if (!TextRules.isValidUnicode(namesAndValues[i + 1])) {
                return Optional.of(namesAndValues[i] + " is not valid Unicode (unpaired surrogate)");
            }
        }
        return Optional.empty();
    }
}
