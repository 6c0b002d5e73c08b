package io.parley.chat.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parley.common.protocol.ClientFrame;
import io.parley.common.protocol.ServerFrame;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FrameCodecTest {

    private final FrameCodec codec = new FrameCodec();

    @Test
    void readsEachClientFrameType() {
        assertThat(codec.read("{\"type\":\"ping\"}")).isInstanceOf(ClientFrame.Ping.class);
        assertThat(codec.read("{\"type\":\"send\",\"id\":\"a\",\"to\":\"5\",\"text\":\"hi\"}"))
                .isEqualTo(new ClientFrame.Send("a", null, "5", "hi"));
        assertThat(codec.read("{\"type\":\"send\",\"id\":\"a\",\"to\":\"5\",\"text\":\"hi\",\"resend\":true}"))
                .isEqualTo(new ClientFrame.Send("a", null, "5", "hi", true));
        assertThat(codec.read("{\"type\":\"sync\",\"cursors\":{\"1\":\"4\"},\"limit\":10}"))
                .isEqualTo(new ClientFrame.Sync(Map.of("1", "4"), 10));
    }

    @Test
    void ignoresUnknownFields() {
        assertThat(codec.read("{\"type\":\"ping\",\"future\":{\"x\":1}}")).isInstanceOf(ClientFrame.Ping.class);
    }

    @Test
    void notJsonIsInvalidFrame() {
        assertBad("hello", "invalid_frame", null);
        assertBad("{\"type\":\"ping\"", "invalid_frame", null);
        assertBad("{\"type\":\"ping\"} trailing", "invalid_frame", null);
    }

    @Test
    void unknownOrMissingTypeIsInvalidFrameNamingType() {
        assertBad("{\"type\":\"launch\"}", "invalid_frame", "type");
        assertBad("{\"id\":\"x\"}", "invalid_frame", "type");
    }

    @Test
    void nonObjectIsInvalidFrame() {
        assertBad("null", "invalid_frame", null);
        assertBad("[1,2]", "invalid_frame", null);
        assertBad("42", "invalid_frame", null);
    }

    @Test
    void wrongJsonTypeOfAFieldNamesTheField() {
        assertBad("{\"type\":\"sync\",\"cursors\":[1]}", "invalid_field", "cursors");
        assertBad("{\"type\":\"sync\",\"limit\":\"many\"}", "invalid_field", "limit");
    }

    @Test
    void aFieldOfTheWrongJsonTypeIsInvalidFieldNotCoerced() {
        // A numeric id used to be acked and stored as "123"; a numeric to answered unknown_recipient.
        assertBad("{\"type\":\"send\",\"id\":123,\"to\":\"5\",\"text\":\"hi\"}", "invalid_field", "id", null);
        assertBad("{\"type\":\"send\",\"id\":\"c1\",\"to\":7252611122334455667,\"text\":\"hi\"}", "invalid_field", "to", "c1");
        assertBad("{\"type\":\"send\",\"id\":\"c1\",\"conversationId\":5.0,\"text\":\"hi\"}", "invalid_field", "conversationId", "c1");
        assertBad("{\"type\":\"send\",\"id\":\"c1\",\"to\":\"5\",\"text\":true}", "invalid_field", "text", "c1");
        assertBad("{\"type\":\"send\",\"id\":\"c1\",\"to\":\"5\",\"text\":\"hi\",\"resend\":1}", "invalid_field", "resend", "c1");
        assertBad("{\"type\":\"send\",\"id\":\"c1\",\"to\":\"5\",\"text\":\"hi\",\"resend\":\"true\"}", "invalid_field", "resend", "c1");
        assertBad("{\"type\":\"receipt\",\"id\":\"r1\",\"conversationId\":\"5\",\"status\":\"read\",\"seq\":\"42\"}",
                "invalid_field", "seq", "r1");
        assertBad("{\"type\":\"receipt\",\"conversationId\":\"5\",\"status\":\"read\",\"seq\":4.5}", "invalid_field", "seq", null);
        assertBad("{\"type\":\"sync\",\"limit\":\"10\"}", "invalid_field", "limit", null);
        assertBad("{\"type\":\"sync\",\"cursors\":{\"1\":41}}", "invalid_field", "cursors", null);
        assertBad("{\"type\":\"presence_settings\",\"id\":\"s\",\"hidden\":1}", "invalid_field", "hidden", "s");
        assertBad("{\"type\":\"presence_settings\",\"hidden\":\"true\"}", "invalid_field", "hidden", null);
        assertBad("{\"type\":\"presence_settings\",\"id\":\"s\",\"visibility\":1}", "invalid_field", "visibility", "s");
        assertBad("{\"type\":\"presence_query\",\"userIds\":[5]}", "invalid_field", "userIds", null);
        assertBad("{\"type\":\"typing\",\"conversationId\":5}", "invalid_field", "conversationId", null);
    }

    @Test
    void anUnpairedSurrogateInAnyStringOfAFrameIsInvalidFieldAndNeverEchoed() {
        assertBad("{\"type\":\"send\",\"id\":\"c1\",\"to\":\"5\",\"text\":\"bad \\udc00 text\"}", "invalid_field", "text", "c1");
        assertBad("{\"type\":\"send\",\"id\":\"bad \\udc00\",\"to\":\"5\",\"text\":\"hi\"}", "invalid_field", "id", null);
        assertBad("{\"type\":\"receipt\",\"id\":\"\\ud800\",\"conversationId\":\"5\",\"status\":\"read\",\"seq\":1}",
                "invalid_field", "id", null);
        assertBad("{\"type\":\"receipt\",\"id\":\"r\",\"conversationId\":\"5\",\"status\":\"re\\udc00\",\"seq\":1}",
                "invalid_field", "status", "r");
        assertBad("{\"type\":\"sync\",\"cursors\":{\"\\udc00\":\"1\"}}", "invalid_field", "cursors", null);
        assertBad("{\"type\":\"presence_query\",\"id\":\"q\",\"userIds\":[\"1\",\"\\udfff\"]}", "invalid_field", "userIds", "q");
        assertBad("{\"type\":\"presence_settings\",\"id\":\"s\",\"visibility\":\"no\\udc00\"}",
                "invalid_field", "visibility", "s");
        assertBad("{\"type\":\"typing\",\"conversationId\":\"5\",\"state\":\"\\ud83d\"}", "invalid_field", "state", null);
        // A paired surrogate (an emoji spelled as escapes) is ordinary text.
        assertThat(codec.read("{\"type\":\"send\",\"id\":\"c1\",\"to\":\"5\",\"text\":\"\\ud83d\\ude00\"}"))
                .isEqualTo(new ClientFrame.Send("c1", null, "5", "\uD83D\uDE00"));
        // The error frame itself can be written: nothing of the bad text is in it.
        FrameCodec.BadFrame bad = catchBad("{\"type\":\"send\",\"id\":\"x\\udc00\",\"to\":\"5\",\"text\":\"hi\"}");
        assertThat(codec.write(bad.toError())).contains("\"code\":\"invalid_field\"").contains("\"field\":\"id\"")
                .doesNotContain("\"ref\"");
    }

    @Test
    void writesServerFramesWithTypeAndWithoutNulls() {
        String json = codec.write(new ServerFrame.Error("invalid_frame", "bad", null, null));
        assertThat(json).contains("\"type\":\"error\"").contains("\"code\":\"invalid_frame\"").doesNotContain("null");
        assertThat(json).doesNotContain("retryAfterMs");
        String limited = codec.write(new ServerFrame.Error("too_many_requests", "slow down", "c1", null, 1250L));
        assertThat(limited).contains("\"code\":\"too_many_requests\"").contains("\"ref\":\"c1\"")
                .contains("\"retryAfterMs\":1250").doesNotContain("null");
        String result = codec.write(new ServerFrame.SyncResult(List.of(
                new ServerFrame.WireMessage("9", "2", 3, "4", "c", "t", 5)), true));
        assertThat(result).contains("\"type\":\"sync_result\"").contains("\"messageId\":\"9\"").contains("\"seq\":3")
                .contains("\"more\":true");
    }

    private void assertBad(String text, String code, String field, String ref) {
        FrameCodec.BadFrame bad = catchBad(text);
        assertThat(bad.code).as(text).isEqualTo(code);
        assertThat(bad.field).as(text).isEqualTo(field);
        assertThat(bad.ref).as(text).isEqualTo(ref);
    }

    private FrameCodec.BadFrame catchBad(String text) {
        try {
            codec.read(text);
        } catch (FrameCodec.BadFrame bad) {
            return bad;
        }
        throw new AssertionError("not refused: " + text);
    }

    private void assertBad(String text, String code, String field) {
        assertThatThrownBy(() -> codec.read(text))
                .isInstanceOfSatisfying(FrameCodec.BadFrame.class, bad -> {
                    assertThat(bad.code).isEqualTo(code);
                    assertThat(bad.field).isEqualTo(field);
                });
    }
}
