package io.parley.testsupport.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.CharBuffer;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The fuzz generators themselves, as jqwik properties (this also proves the build runs jqwik's
 * engine next to Jupiter): what they render can always be sent, and the same seed draws the same cases.
 */
class FuzzJsonTest {

    @Provide
    Arbitrary<Object> values() {
        return FuzzJson.anyValue(3);
    }

    @Property(tries = 300, seed = "20261207")
    void renderedJsonIsAlwaysValidUtf16SoItCanBeSentAsText(@ForAll("values") Object value) throws CharacterCodingException {
        String json = FuzzJson.render(value);
        // An unpaired surrogate may only appear escaped: the text itself encodes to UTF-8 without loss.
        StandardCharsets.UTF_8.newEncoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).encode(CharBuffer.wrap(json));
    }

    @org.junit.jupiter.api.Test
    void theSameSeedDrawsTheSameCases() {
        long seed = 42;
        List<String> first = FuzzJson.sample(FuzzJson.object(Map.of("a", FuzzJson.anyValue(1))).map(FuzzJson::render), 20, seed);
        List<String> again = FuzzJson.sample(FuzzJson.object(Map.of("a", FuzzJson.anyValue(1))).map(FuzzJson::render), 20, seed);
        assertThat(again).isEqualTo(first);
        assertThat(FuzzJson.sample(FuzzJson.object(Map.of("a", FuzzJson.anyValue(1))).map(FuzzJson::render), 20, seed + 1))
                .isNotEqualTo(first);
    }
}
