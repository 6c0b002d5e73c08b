package io.parley.chat.sequencing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SequencerInputTest {

    private static SequencerInput.Read read(String json) {
        return SequencerInput.read(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aWellFormedMessageIsReadable() {
        SequencerInput.Read read = read("""
                {"messageId":1,"conversationId":2,"senderId":3,"clientMessageId":"c-1","text":"hi \\ud83d\\ude00","sentAt":4}""");

        assertThat(read).isInstanceOfSatisfying(SequencerInput.Readable.class,
                r -> assertThat(r.message().text()).isEqualTo("hi \uD83D\uDE00"));
    }

    @Test
    void anUnpairedSurrogateInAnyStoredStringIsPoison() {
        assertThat(read("""
                {"messageId":1,"conversationId":2,"senderId":3,"text":"bad \\udc00 text","sentAt":4}"""))
                .isInstanceOfSatisfying(SequencerInput.Poison.class, p -> assertThat(p.reason()).startsWith("text "));
        assertThat(read("""
                {"messageId":1,"conversationId":2,"senderId":3,"clientMessageId":"x\\ud800","text":"ok","sentAt":4}"""))
                .isInstanceOfSatisfying(SequencerInput.Poison.class,
                        p -> assertThat(p.reason()).startsWith("clientMessageId "));
    }

    @Test
    void bytesThatAreNoMessageArePoison() {
        assertThat(read("{not json")).isInstanceOf(SequencerInput.Poison.class);
        assertThat(SequencerInput.read(null)).isInstanceOf(SequencerInput.Poison.class);
        assertThat(read("{\"text\":\"no ids\"}")).isInstanceOf(SequencerInput.Poison.class);
    }
}
