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
    void writesServerFramesWithTypeAndWithoutNulls() {
        String json = codec.write(new ServerFrame.Error("invalid_frame", "bad", null, null));
        assertThat(json).contains("\"type\":\"error\"").contains("\"code\":\"invalid_frame\"").doesNotContain("null");
        String result = codec.write(new ServerFrame.SyncResult(List.of(
                new ServerFrame.WireMessage("9", "2", 3, "4", "c", "t", 5)), true));
        assertThat(result).contains("\"type\":\"sync_result\"").contains("\"messageId\":\"9\"").contains("\"seq\":3")
                .contains("\"more\":true");
    }

    private void assertBad(String text, String code, String field) {
        assertThatThrownBy(() -> codec.read(text))
                .isInstanceOfSatisfying(FrameCodec.BadFrame.class, bad -> {
                    assertThat(bad.code).isEqualTo(code);
                    assertThat(bad.field).isEqualTo(field);
                });
    }
}
