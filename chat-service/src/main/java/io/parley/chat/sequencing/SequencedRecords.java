package io.parley.chat.sequencing;

import io.parley.common.events.StoredMessage;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** The value of a {@code parley.messages.sequenced} record: a {@link StoredMessage} as plain JSON. */
final class SequencedRecords {

    private static final JsonMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private SequencedRecords() {
    }

    static byte[] write(StoredMessage message) {
        return JSON.writeValueAsBytes(message);
    }

    static StoredMessage read(byte[] value) {
        return JSON.readValue(value, StoredMessage.class);
    }
}
