package io.parley.chat.send;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.common.protocol.ClientFrame;
import io.parley.common.protocol.ServerFrame;
import org.junit.jupiter.api.Test;

class SendValidationTest {

    private static final int MAX = 10;

    @Test
    void acceptsAConversationSend() {
        var result = SendValidation.validate(new ClientFrame.Send("c1", "42", null, "hello"), MAX);
        assertThat(result).isEqualTo(new SendValidation.Valid("c1", 42L, null, "hello", false));
    }

    @Test
    void acceptsADirectSend() {
        var result = SendValidation.validate(new ClientFrame.Send("c1", null, "7", "hi"), MAX);
        assertThat(result).isEqualTo(new SendValidation.Valid("c1", null, 7L, "hi", false));
    }

    @Test
    void aResendIsMarkedAsOne() {
        var result = SendValidation.validate(new ClientFrame.Send("c1", "42", null, "hello", true), MAX);
        assertThat(result).isEqualTo(new SendValidation.Valid("c1", 42L, null, "hello", true));
        var explicitFirst = SendValidation.validate(new ClientFrame.Send("c1", "42", null, "hello", false), MAX);
        assertThat(explicitFirst).isEqualTo(new SendValidation.Valid("c1", 42L, null, "hello", false));
    }

    @Test
    void missingIdIsMissingFieldWithoutRef() {
        assertError(new ClientFrame.Send(null, "1", null, "x"), "missing_field", "id", null);
        assertError(new ClientFrame.Send("", "1", null, "x"), "missing_field", "id", null);
    }

    @Test
    void idLongerThan64CharactersIsInvalid() {
        assertError(new ClientFrame.Send("a".repeat(65), "1", null, "x"), "invalid_field", "id", null);
        assertThat(SendValidation.validate(new ClientFrame.Send("a".repeat(64), "1", null, "x"), MAX))
                .isInstanceOf(SendValidation.Valid.class);
    }

    @Test
    void anUnpairedSurrogateInTheIdOrTextIsInvalidAndTheIdIsNeverEchoed() {
        assertError(new ClientFrame.Send("bad \uDC00 id", "1", null, "x"), "invalid_field", "id", null);
        assertError(new ClientFrame.Send("c1", "1", null, "bad \uDC00 text"), "invalid_field", "text", "c1");
        assertError(new ClientFrame.Send("c1", "1", null, "cut \uD83D"), "invalid_field", "text", "c1");
        assertThat(SendValidation.validate(new ClientFrame.Send("c1", "1", null, "ok \uD83D\uDE00"), MAX))
                .isInstanceOf(SendValidation.Valid.class);
    }

    @Test
    void needsExactlyOneTarget() {
        assertError(new ClientFrame.Send("c1", null, null, "x"), "missing_field", "conversationId", "c1");
        assertError(new ClientFrame.Send("c1", "1", "2", "x"), "invalid_field", "to", "c1");
    }

    @Test
    void idsMustBePositiveDecimalLongs() {
        assertError(new ClientFrame.Send("c1", "abc", null, "x"), "invalid_field", "conversationId", "c1");
        assertError(new ClientFrame.Send("c1", "-5", null, "x"), "invalid_field", "conversationId", "c1");
        assertError(new ClientFrame.Send("c1", "0", null, "x"), "invalid_field", "conversationId", "c1");
        assertError(new ClientFrame.Send("c1", "9223372036854775808", null, "x"), "invalid_field", "conversationId", "c1");
        assertError(new ClientFrame.Send("c1", null, " 7", "x"), "invalid_field", "to", "c1");
        assertThat(SendValidation.parseId("9223372036854775807")).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void textIsRequiredAndNotBlank() {
        assertError(new ClientFrame.Send("c1", "1", null, null), "missing_field", "text", "c1");
        assertError(new ClientFrame.Send("c1", "1", null, " \n\t"), "invalid_field", "text", "c1");
    }

    @Test
    void textLengthCountsCodePointsNotUtf16Units() {
        String tenEmoji = "\uD83D\uDE00".repeat(10); // 10 code points, 20 UTF-16 units
        assertThat(SendValidation.validate(new ClientFrame.Send("c1", "1", null, tenEmoji), MAX))
                .isInstanceOf(SendValidation.Valid.class);
        assertError(new ClientFrame.Send("c1", "1", null, tenEmoji + "a"), "text_too_long", "text", "c1");
    }

    private static void assertError(ClientFrame.Send frame, String code, String field, String ref) {
        var result = SendValidation.validate(frame, MAX);
        assertThat(result).isInstanceOf(SendValidation.Invalid.class);
        ServerFrame.Error error = ((SendValidation.Invalid) result).error();
        assertThat(error.code()).isEqualTo(code);
        assertThat(error.field()).isEqualTo(field);
        assertThat(error.ref()).isEqualTo(ref);
        assertThat(error.message()).isNotBlank();
    }
}
