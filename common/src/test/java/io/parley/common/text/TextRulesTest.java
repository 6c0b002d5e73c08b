package io.parley.common.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TextRulesTest {

    @Test
    void pairedSurrogatesEmojiAndEveryScriptAreValidText() {
        for (String text : new String[] {"", "hello", "Grüße", "日本語", "مرحبا", "👍🏽 family: 👨‍👩‍👧", "a\u0000b", "\uD83D\uDE00"}) {
            assertThat(TextRules.isValidUnicode(text)).as(text).isTrue();
            assertThat(TextRules.textProblem(text)).as(text).isNull();
        }
        assertThat(TextRules.isValidUnicode(null)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"bad \uDC00 text", "\uD800", "end \uD83D", "\uDE00 start", "two \uD800\uD800\uDC00", "rev \uDC00\uD800"})
    void anUnpairedSurrogateIsNotText(String text) {
        assertThat(TextRules.isValidUnicode(text)).isFalse();
        assertThat(TextRules.textProblem(text)).isEqualTo(TextRules.INVALID_UNICODE);
        assertThat(TextRules.nameProblem(text)).isEqualTo(TextRules.INVALID_UNICODE);
    }

    @Test
    void namesMayUseAnyScriptAndEmoji() {
        for (String name : new String[] {"Alice", "Zoë O'Brien", "李小龍", "محمد", "Hikers 🥾", "Ana-María"}) {
            assertThat(TextRules.nameProblem(name)).as(name).isNull();
        }
    }

    @ParameterizedTest
    @ValueSource(chars = {'\u0000', '\u0007', '\n', '\t', '\u001F', '\u007F', '\u0080', '\u009F'})
    void namesRefuseC0AndC1Controls(char control) {
        assertThat(TextRules.nameProblem("Al" + control + "ice")).isEqualTo(TextRules.CONTROL_CHARACTER);
    }

    @ParameterizedTest
    @ValueSource(chars = {'\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069',
            '\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF'})
    void namesRefuseBidiControlsZeroWidthCharactersAndTheBom(char invisible) {
        assertThat(TextRules.nameProblem("admin" + invisible)).isEqualTo(TextRules.INVISIBLE_OR_BIDI);
        // The same characters are fine in message text: only names are shown as identities.
        assertThat(TextRules.textProblem("admin" + invisible)).isNull();
    }

    @Test
    void neighboursOfTheRefusedRangesAreFine() {
        for (char c : new char[] {'\u00A0', '\u2029', '\u202F', '\u2065', '\u206A', '\u200A', '\u200E', '\u2061', '\uFEFE', '\uFF00'}) {
            assertThat(TextRules.nameProblem("x" + c + "y")).as("U+%04X", (int) c).isNull();
        }
    }
}
