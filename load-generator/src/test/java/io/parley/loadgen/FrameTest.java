package io.parley.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The frames as docs/protocol.md shows them. */
class FrameTest {

    @Test
    void welcome() {
        Frame f = Frame.parse("{\"type\":\"welcome\",\"protocolVersion\":1,\"sessionId\":\"7252620000000000001\","
                + "\"userId\":\"7252611122334455667\",\"node\":\"chat-1-8181\",\"maxFrameBytes\":16384,\"maxTextLength\":4000,"
                + "\"heartbeatIntervalSeconds\":15,\"receiptsShared\":true,\"typingIntervalSeconds\":3}");
        assertThat(f.type()).isEqualTo("welcome");
        assertThat(f.node()).isEqualTo("chat-1-8181");
        assertThat(f.sessionId()).isEqualTo("7252620000000000001");
        assertThat(f.heartbeatSeconds()).isEqualTo(15);
    }

    @Test
    void ack() {
        Frame f = Frame.parse("{\"type\":\"ack\",\"id\":\"c5a1f0e2-1\",\"messageId\":\"7252620000000000042\","
                + "\"conversationId\":\"7252614310987239424\",\"sentAt\":1764082800123}");
        assertThat(f.type()).isEqualTo("ack");
        assertThat(f.id()).isEqualTo("c5a1f0e2-1");
        assertThat(f.conversationId()).isEqualTo("7252614310987239424");
    }

    @Test
    void message() {
        Frame f = Frame.parse("{\"type\":\"message\",\"message\":{\"messageId\":\"7252620000000000042\","
                + "\"conversationId\":\"7252614310987239424\",\"seq\":42,\"senderId\":\"7252611122334455667\","
                + "\"clientMessageId\":\"c5a1f0e2-1\",\"text\":\"Hello {\\\"seq\\\":1}!\",\"sentAt\":1764082800123}}");
        assertThat(f.type()).isEqualTo("message");
        assertThat(f.seq()).isEqualTo(42);
        assertThat(f.clientMessageId()).isEqualTo("c5a1f0e2-1");
        assertThat(f.conversationId()).isEqualTo("7252614310987239424");
    }

    @Test
    void systemMessageHasNoClientMessageId() {
        Frame f = Frame.parse("{\"type\":\"message\",\"message\":{\"messageId\":\"7252620000000000043\","
                + "\"conversationId\":\"7252614310987239424\",\"seq\":43,\"senderId\":\"1\",\"sentAt\":1,\"kind\":\"system\","
                + "\"system\":{\"event\":\"member_added\",\"actorId\":\"1\",\"targetIds\":[\"2\",\"3\"]}}}");
        assertThat(f.seq()).isEqualTo(43);
        assertThat(f.clientMessageId()).isNull();
    }

    @Test
    void errorWithAStringMessage() {
        Frame f = Frame.parse("{\"type\":\"error\",\"code\":\"text_too_long\",\"message\":\"text is longer than 4000"
                + " characters\",\"ref\":\"c5a1f0e2-3\",\"field\":\"text\"}");
        assertThat(f.type()).isEqualTo("error");
        assertThat(f.code()).isEqualTo("text_too_long");
        assertThat(f.ref()).isEqualTo("c5a1f0e2-3");
    }

    @Test
    void framesTheGeneratorIgnoresStillParse() {
        assertThat(Frame.parse("{\"type\":\"pong\"}").type()).isEqualTo("pong");
        assertThat(Frame.parse("{\"type\":\"reconnect\",\"reason\":\"draining\"}").code()).isEqualTo("draining");
        assertThat(Frame.parse("{\"type\":\"sync_result\",\"messages\":[{\"seq\":1,\"conversationId\":\"9\"}],"
                + "\"more\":false}").seq()).isEqualTo(-1);
        assertThat(Frame.parse("{\"type\":\"presence\",\"users\":[{\"userId\":\"1\",\"status\":\"online\"}]}").type())
                .isEqualTo("presence");
    }

    @Test
    void notAFrame() {
        assertThatThrownBy(() -> Frame.parse("[1]")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Frame.parse("{\"id\":\"x\"}")).isInstanceOf(IllegalArgumentException.class);
    }
}
