package io.parley.chat.session;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.parley.common.protocol.ClientFrame;
import io.parley.common.protocol.ServerFrame;
import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.exc.InvalidTypeIdException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.json.JsonMapper;

/**
 * JSON text of protocol v1 frames. Unknown fields are ignored (so clients and servers can add
 * fields without breaking each other); absent optional fields are left out of server frames
 * rather than sent as null.
 */
final class FrameCodec {

    private final ObjectReader reader;
    private final ObjectWriter writer;

    FrameCodec() {
        JsonMapper mapper = JsonMapper.builder()
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .changeDefaultPropertyInclusion(include -> include.withValueInclusion(JsonInclude.Include.NON_NULL))
                .build();
        this.reader = mapper.readerFor(ClientFrame.class);
        this.writer = mapper.writerFor(ServerFrame.class);
    }

    /** Parses a client frame, or throws {@link BadFrame} saying what is wrong with it. */
    ClientFrame read(String text) {
        if (!text.stripLeading().startsWith("{")) {
            throw new BadFrame(SessionErrors.INVALID_FRAME, "a frame must be a JSON object with a type", null);
        }
        ClientFrame frame;
        try {
            frame = reader.readValue(text);
        } catch (InvalidTypeIdException e) {
            throw new BadFrame(SessionErrors.INVALID_FRAME,
                    "unknown or missing frame type; expected one of send, sync, ping, receipt, typing, presence_subscribe, presence_query, presence_settings", "type");
        } catch (MismatchedInputException e) {
            // Valid JSON of the wrong shape: a string where an object was expected, and so on.
            String field = e.getPath().stream()
                    .map(ref -> ref.getPropertyName() != null ? ref.getPropertyName() : String.valueOf(ref.getIndex()))
                    .collect(Collectors.joining("."));
            if (field.isEmpty()) {
                throw new BadFrame(SessionErrors.INVALID_FRAME, "a frame must be a JSON object with a type", null);
            }
            throw new BadFrame(SessionErrors.INVALID_FIELD, "field has the wrong JSON type", field);
        } catch (JacksonException e) {
            throw new BadFrame(SessionErrors.INVALID_FRAME, "not a JSON object", null);
        }
        if (frame == null) {
            throw new BadFrame(SessionErrors.INVALID_FRAME, "a frame must be a JSON object with a type", null);
        }
        return frame;
    }

    String write(ServerFrame frame) {
        return writer.writeValueAsString(frame);
    }

    /** A frame that cannot be handled; becomes an {@code error} frame and changes nothing. */
    static final class BadFrame extends RuntimeException {
        final String code;
        final String field;

        BadFrame(String code, String message, String field) {
            super(message, null, false, false);
            this.code = code;
            this.field = field;
        }

        ServerFrame.Error toError() {
            return new ServerFrame.Error(code, getMessage(), null, field);
        }
    }
}
