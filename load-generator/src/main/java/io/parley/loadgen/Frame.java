package io.parley.loadgen;

import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;

/**
 * The fields of a server frame (docs/protocol.md) that the generator needs, read with a streaming
 * parser: a group run receives tens of thousands of frames a second on a machine it shares with
 * the system under test, so no tree and no binding.
 *
 * @param type             {@code welcome}, {@code ack}, {@code message}, {@code error}, {@code pong}, ...
 * @param id               {@code ack}: the client message id
 * @param ref              {@code error}: the refused frame's id
 * @param code             {@code error}: the code; {@code reconnect}: the reason
 * @param conversationId   {@code ack} or {@code message}: the conversation
 * @param clientMessageId  {@code message}: the sender's id of it (absent for system messages)
 * @param seq              {@code message}: its seq (-1 when absent)
 * @param sessionId        {@code welcome}
 * @param node             {@code welcome}: the chat node's id
 * @param heartbeatSeconds {@code welcome}: how often to ping (-1 when absent)
 */
record Frame(String type, String id, String ref, String code, String conversationId, String clientMessageId,
             long seq, String sessionId, String node, int heartbeatSeconds) {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    static Frame parse(String text) {
        String type = null, id = null, ref = null, code = null, conversationId = null, clientMessageId = null;
        String sessionId = null, node = null;
        long seq = -1;
        int heartbeat = -1;
        try (JsonParser p = JSON.createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("not a JSON object: " + abbreviate(text));
            }
            while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "type" -> type = p.getString();
                    case "id" -> id = p.getString();
                    case "ref" -> ref = value == JsonToken.VALUE_NULL ? null : p.getString();
                    case "code", "reason" -> code = p.getString();
                    case "conversationId" -> conversationId = p.getString();
                    case "sessionId" -> sessionId = p.getString();
                    case "node" -> node = p.getString();
                    case "heartbeatIntervalSeconds" -> heartbeat = p.getIntValue();
                    case "message" -> {
                        if (value != JsonToken.START_OBJECT) {
                            break; // error frames have a string "message"
                        }
                        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                            String field = p.currentName();
                            JsonToken v = p.nextToken();
                            switch (field) {
                                case "conversationId" -> conversationId = p.getString();
                                case "clientMessageId" -> clientMessageId = v == JsonToken.VALUE_NULL ? null : p.getString();
                                case "seq" -> seq = p.getLongValue();
                                default -> p.skipChildren();
                            }
                        }
                    }
                    default -> p.skipChildren();
                }
            }
        }
        if (type == null) {
            throw new IllegalArgumentException("frame without a type: " + abbreviate(text));
        }
        return new Frame(type, id, ref, code, conversationId, clientMessageId, seq, sessionId, node, heartbeat);
    }

    private static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }
}
