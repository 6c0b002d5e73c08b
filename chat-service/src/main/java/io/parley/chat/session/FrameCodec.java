package io.parley.chat.session;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.parley.common.protocol.ClientFrame;
import io.parley.common.protocol.ServerFrame;
import io.parley.common.text.TextRules;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.exc.InvalidTypeIdException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.type.LogicalType;

/**
 * JSON text of protocol v1 frames. Unknown fields are ignored (so clients and servers can add
 * fields without breaking each other); absent optional fields are left out of server frames
 * rather than sent as null.
 *
 * <p>Two rules hold for every field of every client frame, before any handler sees it
 * (docs/protocol.md, "Global rules"):
 * <ul>
 *   <li><b>Strict JSON types.</b> A field has the JSON type the protocol names, or the frame is
 *       {@code invalid_field}: no number where a string belongs (a numeric {@code id} used to be
 *       acked and stored), no string where a number belongs, no number as a boolean, no 4.5 as a seq.</li>
 *   <li><b>Valid Unicode.</b> No string of a known field holds an unpaired surrogate (JSON can spell
 *       one as {@code \udc00}); common's {@link TextRules}. Such a text could be acked and then
 *       never stored, nor even echoed back in an answer.</li>
 * </ul>
 * The error names the field and carries {@code ref} when the frame has a usable {@code id}.
 */
final class FrameCodec {

    private final ObjectReader treeReader;
    private final ObjectReader reader;
    private final ObjectWriter writer;

    FrameCodec() {
        JsonMapper mapper = JsonMapper.builder()
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .withCoercionConfig(LogicalType.Textual, strict(CoercionInputShape.Integer, CoercionInputShape.Float,
                        CoercionInputShape.Boolean))
                .withCoercionConfig(LogicalType.Integer, strict(CoercionInputShape.String, CoercionInputShape.EmptyString,
                        CoercionInputShape.Float, CoercionInputShape.Boolean))
                .withCoercionConfig(LogicalType.Boolean, strict(CoercionInputShape.String, CoercionInputShape.EmptyString,
                        CoercionInputShape.Integer, CoercionInputShape.Float))
                .changeDefaultPropertyInclusion(include -> include.withValueInclusion(JsonInclude.Include.NON_NULL))
                .build();
        this.treeReader = mapper.readerFor(JsonNode.class);
        this.reader = mapper.readerFor(ClientFrame.class);
        this.writer = mapper.writerFor(ServerFrame.class);
    }

    private static java.util.function.Consumer<tools.jackson.databind.cfg.MutableCoercionConfig> strict(
            CoercionInputShape... shapes) {
        return config -> {
            for (CoercionInputShape shape : shapes) {
                config.setCoercion(shape, CoercionAction.Fail);
            }
        };
    }

    /** Parses a client frame, or throws {@link BadFrame} saying what is wrong with it. */
    ClientFrame read(String text) {
        if (!text.stripLeading().startsWith("{")) {
            throw new BadFrame(SessionErrors.INVALID_FRAME, "a frame must be a JSON object with a type", null);
        }
        JsonNode tree;
        try {
            tree = treeReader.readValue(text);
        } catch (JacksonException e) {
            throw new BadFrame(SessionErrors.INVALID_FRAME, "not a JSON object", null);
        }
        if (tree == null || !tree.isObject()) {
            throw new BadFrame(SessionErrors.INVALID_FRAME, "a frame must be a JSON object with a type", null);
        }
        String ref = usableId(tree.get("id"));
        ClientFrame frame;
        try {
            frame = reader.readValue(tree);
        } catch (InvalidTypeIdException e) {
            throw new BadFrame(SessionErrors.INVALID_FRAME,
                    "unknown or missing frame type; expected one of send, sync, ping, receipt, typing, presence_subscribe, presence_query, presence_settings", "type");
        } catch (MismatchedInputException e) {
            // Valid JSON of the wrong shape: a number where a string belongs, and so on. The field is
            // the frame's own (cursors, userIds), not the key or index inside it.
            String field = e.getPath().isEmpty() ? null : e.getPath().get(0).getPropertyName();
            if (field == null) {
                throw new BadFrame(SessionErrors.INVALID_FRAME, "a frame must be a JSON object with a type", null);
            }
            throw new BadFrame(SessionErrors.INVALID_FIELD, field + " has the wrong JSON type", field,
                    field.equals("id") ? null : ref);
        } catch (JacksonException e) {
            throw new BadFrame(SessionErrors.INVALID_FRAME, "not a JSON object", null);
        }
        if (frame == null) {
            throw new BadFrame(SessionErrors.INVALID_FRAME, "a frame must be a JSON object with a type", null);
        }
        requireValidUnicode(frame, ref);
        return frame;
    }

    /** The frame's {@code id} if it can be echoed as {@code ref}: a string of valid Unicode, at most 64 code points. */
    private static String usableId(JsonNode id) {
        if (id == null || !id.isString()) {
            return null;
        }
        String value = id.asString();
        if (value.isEmpty() || !TextRules.isValidUnicode(value) || value.codePointCount(0, value.length()) > 64) {
            return null;
        }
        return value;
    }

    /** Every string of every known field, map keys and list elements included. */
    private static void requireValidUnicode(ClientFrame frame, String ref) {
        if (frame instanceof ClientFrame.Send send) {
            unicode("id", send.id(), null);
            unicode("conversationId", send.conversationId(), ref);
            unicode("to", send.to(), ref);
            unicode("text", send.text(), ref);
        } else if (frame instanceof ClientFrame.Sync sync && sync.cursors() != null) {
            for (Map.Entry<String, String> cursor : sync.cursors().entrySet()) {
                unicode("cursors", cursor.getKey(), ref);
                unicode("cursors", cursor.getValue(), ref);
            }
        } else if (frame instanceof ClientFrame.PresenceSubscribe subscribe) {
            unicode("id", subscribe.id(), null);
        } else if (frame instanceof ClientFrame.PresenceQuery query) {
            unicode("id", query.id(), null);
            List<String> userIds = query.userIds();
            if (userIds != null) {
                for (String userId : userIds) {
                    unicode("userIds", userId, ref);
                }
            }
        } else if (frame instanceof ClientFrame.PresenceSettings settings) {
            unicode("id", settings.id(), null);
            unicode("visibility", settings.visibility(), ref);
        } else if (frame instanceof ClientFrame.Receipt receipt) {
            unicode("id", receipt.id(), null);
            unicode("conversationId", receipt.conversationId(), ref);
            unicode("status", receipt.status(), ref);
        } else if (frame instanceof ClientFrame.Typing typing) {
            unicode("conversationId", typing.conversationId(), null);
            unicode("state", typing.state(), null);
        }
    }

    private static void unicode(String field, String value, String ref) {
        if (!TextRules.isValidUnicode(value)) {
            throw new BadFrame(SessionErrors.INVALID_FIELD, field + " " + TextRules.INVALID_UNICODE, field, ref);
        }
    }

    String write(ServerFrame frame) {
        return writer.writeValueAsString(frame);
    }

    /** A frame that cannot be handled; becomes an {@code error} frame and changes nothing. */
    static final class BadFrame extends RuntimeException {
        final String code;
        final String field;
        /** The frame's id when it had a usable one (never a text that failed a check), else null. */
        final String ref;

        BadFrame(String code, String message, String field) {
            this(code, message, field, null);
        }

        BadFrame(String code, String message, String field, String ref) {
            super(message, null, false, false);
            this.code = code;
            this.field = field;
            this.ref = ref;
        }

        ServerFrame.Error toError() {
            return new ServerFrame.Error(code, getMessage(), ref, field);
        }
    }
}
