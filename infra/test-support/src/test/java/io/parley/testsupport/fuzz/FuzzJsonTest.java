package io.parley.testsupport.fuzz;

import static io.parley.testsupport.fuzz.Gen.weight;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The fuzz generators themselves: what they render can always be sent, the same seed draws the same
 * cases, and the hostile kinds the security suite relies on (unpaired surrogates, deep nesting,
 * non-objects, boundary numbers, empty and full objects) are really drawn.
 */
class FuzzJsonTest {

    private static final long SEED = 20261207L;

    // ---- Gen ----

    @Test
    void theSameSeedDrawsTheSameCases() {
        Gen<String> objects = FuzzJson.object(Map.of("a", FuzzJson.anyValue(1), "b", FuzzJson.oddNumbers()))
                .map(FuzzJson::render);
        List<String> first = Gen.sample(objects, 50, 42);
        assertThat(Gen.sample(objects, 50, 42)).isEqualTo(first);
        assertThat(Gen.sample(objects, 50, 43)).isNotEqualTo(first);
    }

    @Test
    void anObjectsCasesDoNotDependOnTheIterationOrderOfItsFields() {
        // Map.of iterates in an order that changes from one JVM to the next: the seed alone must decide.
        Map<String, Gen<Object>> forwards = new LinkedHashMap<>();
        Map<String, Gen<Object>> backwards = new LinkedHashMap<>();
        for (String name : List.of("a", "b", "c", "d")) {
            forwards.put(name, Gen.constant(name));
        }
        for (String name : List.of("d", "c", "b", "a")) {
            backwards.put(name, Gen.constant(name));
        }
        assertThat(Gen.sample(FuzzJson.object(backwards).map(FuzzJson::render), 100, SEED))
                .isEqualTo(Gen.sample(FuzzJson.object(forwards).map(FuzzJson::render), 100, SEED));
    }

    @Test
    void numbersStayWithinTheirBoundsIncludingTheExtremes() {
        assertThat(Gen.sample(Gen.ints(-3, 3), 500, SEED)).allMatch(i -> i >= -3 && i <= 3).contains(-3, 3);
        assertThat(Gen.sample(Gen.longs(1, Long.MAX_VALUE), 500, SEED)).allMatch(l -> l >= 1);
        assertThat(Gen.sample(Gen.longs(Long.MAX_VALUE - 1, Long.MAX_VALUE), 100, SEED))
                .contains(Long.MAX_VALUE - 1, Long.MAX_VALUE);
        assertThat(Gen.sample(Gen.longs(Long.MIN_VALUE, Long.MIN_VALUE + 1), 100, SEED))
                .contains(Long.MIN_VALUE, Long.MIN_VALUE + 1);
        assertThat(Gen.sample(Gen.longs(Long.MIN_VALUE, Long.MAX_VALUE), 500, SEED))
                .anyMatch(l -> l < Integer.MIN_VALUE).anyMatch(l -> l > Integer.MAX_VALUE);
        BigInteger min = BigInteger.ONE.shiftLeft(64).negate();
        BigInteger max = BigInteger.ONE.shiftLeft(70);
        List<BigInteger> bigs = Gen.sample(Gen.bigIntegers(min, max), 500, SEED);
        assertThat(bigs).allMatch(b -> b.compareTo(min) >= 0 && b.compareTo(max) <= 0)
                .anyMatch(b -> b.bitLength() > 64);
        assertThat(Gen.sample(Gen.bigIntegers(BigInteger.TEN, BigInteger.TEN), 5, SEED)).containsOnly(BigInteger.TEN);
    }

    @Test
    void stringsListsAndMapsHaveTheSizesAsked() {
        assertThat(Gen.sample(Gen.strings(Gen.chars('a', 'c'), 2, 5), 500, SEED))
                .allMatch(s -> s.length() >= 2 && s.length() <= 5 && s.chars().allMatch(c -> c >= 'a' && c <= 'c'))
                .anyMatch(s -> s.length() == 2).anyMatch(s -> s.length() == 5);
        assertThat(Gen.sample(Gen.strings(Gen.charsOf("xy"), 0, 3), 200, SEED)).contains("")
                .allMatch(s -> s.chars().allMatch(c -> c == 'x' || c == 'y'));
        assertThat(Gen.sample(Gen.ints(0, 9).list(99, 102), 100, SEED))
                .allMatch(l -> l.size() >= 99 && l.size() <= 102);
        assertThat(Gen.sample(Gen.maps(Gen.ints(0, 1000), Gen.constant("v"), 4), 200, SEED))
                .allMatch(m -> m.size() <= 4).anyMatch(Map::isEmpty).anyMatch(m -> m.size() == 4);
    }

    @Test
    void frequencyFollowsTheWeights() {
        List<String> drawn = Gen.sample(Gen.frequency(weight(3, Gen.constant("often")), weight(1, Gen.constant("rare"))),
                4000, SEED);
        long rare = drawn.stream().filter("rare"::equals).count();
        assertThat(rare).isBetween(850L, 1150L); // 1000 expected
        assertThat(Gen.sample(Gen.of("a", "b", "c"), 300, SEED)).contains("a", "b", "c");
    }

    @Test
    void subsetsKeepTheOrderOfTheItems() {
        List<String> items = List.of("a", "b", "c", "d", "e");
        List<List<String>> subsets = Gen.sample(Gen.subsetOf(items), 300, SEED);
        assertThat(subsets).allMatch(s -> items.stream().filter(s::contains).toList().equals(s))
                .contains(List.of(), items);
    }

    @Test
    void aLazyGeneratorIsMadeOnceOnFirstUse() {
        AtomicInteger made = new AtomicInteger();
        Gen<Integer> lazy = Gen.lazy(() -> {
            made.incrementAndGet();
            return Gen.ints(1, 2);
        });
        assertThat(made).hasValue(0);
        assertThat(Gen.sample(lazy, 10, SEED)).allMatch(i -> i == 1 || i == 2);
        assertThat(made).hasValue(1);
    }

    @Test
    void aFilterThatKeepsNothingFailsInsteadOfLooping() {
        assertThat(Gen.sample(Gen.ints(0, 9).filter(i -> i % 2 == 0), 100, SEED)).allMatch(i -> i % 2 == 0);
        assertThatThrownBy(() -> Gen.sample(Gen.ints(0, 9).filter(i -> i > 9), 1, SEED))
                .isInstanceOf(IllegalStateException.class);
    }

    // ---- FuzzJson ----

    @Test
    void renderedJsonIsAlwaysValidUtf16SoItCanBeSentAsText() throws CharacterCodingException {
        List<String> texts = new ArrayList<>();
        Gen.sample(FuzzJson.anyValue(3), 300, SEED).forEach(v -> texts.add(FuzzJson.render(v)));
        texts.addAll(Gen.sample(FuzzJson.notAnObject(), 300, SEED));
        Gen.sample(FuzzJson.object(Map.of("a", FuzzJson.anyValue(1))), 300, SEED)
                .forEach(v -> texts.add(FuzzJson.render(v)));
        for (String text : texts) {
            // An unpaired surrogate may only appear escaped: the text itself encodes to UTF-8 without loss.
            StandardCharsets.UTF_8.newEncoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).encode(CharBuffer.wrap(text));
        }
    }

    @Test
    void oddStringsCoverUnpairedSurrogatesControlsEmptyAndLongRuns() {
        List<String> strings = Gen.sample(FuzzJson.oddStrings(), 2000, SEED);
        assertThat(strings).anyMatch(FuzzJsonTest::hasUnpairedSurrogate)
                .anyMatch(s -> s.length() == 1 && Character.isHighSurrogate(s.charAt(0)))
                .anyMatch(s -> s.length() == 1 && Character.isLowSurrogate(s.charAt(0)))
                .anyMatch(s -> s.endsWith("\uDC00") && s.length() > 1)
                .anyMatch(s -> s.chars().anyMatch(c -> c < 0x20))
                .anyMatch(s -> s.contains("\u202E"))
                .anyMatch(s -> s.length() > 4000)
                .contains("", "9223372036854775808", "\uFFFF".repeat(24), "a".repeat(20) + "\uDC00");
        // Rendered, a lone surrogate is the JSON escape the protocol documents, never a raw unit.
        assertThat(FuzzJson.render("a\uDC00")).isEqualTo("\"a\\udc00\"");
        assertThat(FuzzJson.render("\uD83D\uDE00")).isEqualTo("\"\\ud83d\\ude00\"");
    }

    @Test
    void oddNumbersCoverBoundariesAndWhatNoJavaNumberHolds() {
        List<Object> numbers = Gen.sample(FuzzJson.oddNumbers(), 2000, SEED);
        assertThat(numbers).contains(Long.MAX_VALUE, Long.MIN_VALUE, Integer.MAX_VALUE, Integer.MIN_VALUE, 0,
                new FuzzJson.Raw("-0"), new FuzzJson.Raw("1e400"))
                .anyMatch(n -> n instanceof Integer).anyMatch(n -> n instanceof Long)
                .anyMatch(n -> n instanceof FuzzJson.Raw raw && raw.json().matches("-?\\d{21,}"))
                .anyMatch(n -> n instanceof FuzzJson.Raw raw && raw.json().contains("."));
    }

    @Test
    void anyValueCoversEveryJsonTypeAndDeepNesting() {
        List<Object> seen = new ArrayList<>();
        Gen.sample(FuzzJson.anyValue(3), 2000, SEED).forEach(v -> walk(v, seen::add));
        assertThat(seen).anyMatch(v -> v == null).anyMatch(v -> v instanceof Boolean)
                .anyMatch(v -> v instanceof String).anyMatch(v -> v instanceof Number)
                .anyMatch(v -> v instanceof List<?> l && l.isEmpty())
                .anyMatch(v -> v instanceof List<?> l && l.stream().anyMatch(e -> e instanceof List || e instanceof Map))
                .anyMatch(v -> v instanceof Map<?, ?> m && m.values().stream().anyMatch(e -> e instanceof Map || e instanceof List))
                // Nested deeper than Jackson allows, closed and unclosed.
                .anyMatch(v -> v instanceof FuzzJson.Raw raw && raw.json().startsWith("[".repeat(501)) && raw.json().endsWith("]"))
                .anyMatch(v -> v instanceof FuzzJson.Raw raw && raw.json().startsWith("{\"a\":".repeat(501)))
                .anyMatch(v -> v instanceof FuzzJson.Raw raw && raw.json().startsWith("[".repeat(501)) && !raw.json().contains("]"));
        // Depth 0 is leaves only.
        assertThat(Gen.sample(FuzzJson.anyValue(0), 500, SEED)).noneMatch(v -> v instanceof List || v instanceof Map);
    }

    @Test
    void notAnObjectCoversScalarsArraysAndBrokenJson() {
        List<String> texts = Gen.sample(FuzzJson.notAnObject(), 2000, SEED);
        assertThat(texts).contains("", "{", "{\"type\":\"ping\",}", "null")
                .anyMatch(t -> t.startsWith("[")) // arrays, rendered or raw
                .anyMatch(t -> t.startsWith("\"")) // a JSON string
                .anyMatch(t -> t.equals("true") || t.equals("false"))
                .anyMatch(t -> t.matches("-?\\d+")) // a JSON number
                .noneMatch(FuzzJsonTest::hasUnpairedSurrogate);
    }

    @Test
    void objectsHaveNoFieldsAllFieldsHostileValuesAndUnknownKeys() {
        Map<String, Gen<Object>> fields = Map.of("id", Gen.constant("plausible-id"), "text", Gen.constant("hello"));
        List<Map<String, Object>> objects = Gen.sample(FuzzJson.object(fields), 1000, SEED);
        assertThat(objects).anyMatch(Map::isEmpty)
                .anyMatch(o -> o.keySet().equals(java.util.Set.of("id", "text")))
                .anyMatch(o -> "plausible-id".equals(o.get("id")))
                .anyMatch(o -> o.containsKey("id") && !"plausible-id".equals(o.get("id")))
                .anyMatch(o -> o.keySet().stream().anyMatch(k -> !k.equals("id") && !k.equals("text")));
    }

    /** The value and everything nested in it. */
    private static void walk(Object value, Consumer<Object> each) {
        each.accept(value);
        if (value instanceof List<?> list) {
            list.forEach(v -> walk(v, each));
        } else if (value instanceof Map<?, ?> map) {
            map.values().forEach(v -> walk(v, each));
        }
    }

    private static boolean hasUnpairedSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++; // a valid pair
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }
}
