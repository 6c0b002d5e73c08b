package io.parley.testsupport.fuzz;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.RandomGenerator;
import net.jqwik.api.Tuple;
import net.jqwik.api.sessions.JqwikSession;

/**
 * jqwik generators of hostile JSON for the security suite's fuzzing of frames and request bodies
 * (issue 9): odd strings (unpaired surrogates, controls, bidi and zero-width characters, numeric
 * look-alikes, long runs), odd numbers (fractions, beyond 64 bits, exponents, {@code -0}), every
 * JSON type where another is expected, deep nesting and text that is not JSON at all.
 *
 * <p>Values are plain Java: {@link String}, {@link Boolean}, {@code null}, {@link List},
 * {@link Map} (insertion order kept), and {@link Raw} for JSON text written as is (numbers Java
 * has no type for, nesting deeper than a parser allows). {@link #render} writes them as JSON text
 * that is always valid UTF-8: every UTF-16 surrogate is written as a {@code \\uXXXX} escape, so a
 * lone surrogate reaches the server as the escaped, invalid-Unicode string the protocol documents,
 * and a pair as a valid escaped pair.
 *
 * <p>The tests run against real services inside a JUnit Jupiter test (they need its Spring
 * context), so cases are drawn with {@link #sample}: a fixed number from a fixed seed,
 * reproducible run to run, edge cases mixed in as in a jqwik property.
 */
public final class FuzzJson {

    /** JSON text written as is. */
    public record Raw(String json) {
    }

    private FuzzJson() {
    }

    /** {@code count} values of the arbitrary drawn from {@code seed}: the same list for the same seed. */
    public static <T> List<T> sample(Arbitrary<T> arbitrary, int count, long seed) {
        List<T> out = new ArrayList<>(count);
        JqwikSession.run(Long.toString(seed), () -> {
            RandomGenerator<T> generator = arbitrary.generatorWithEmbeddedEdgeCases(1000);
            Random random = new Random(seed);
            for (int i = 0; i < count; i++) {
                out.add(generator.next(random).value());
            }
        });
        return out;
    }

    /** The seed of a fuzz run: {@code -Dparley.fuzz.seed=N} to reproduce or vary one, else the fixed default. */
    public static long seed(long defaultSeed) {
        return Long.getLong("parley.fuzz.seed", defaultSeed);
    }

    /** The number of cases of a fuzz run: {@code -Dparley.fuzz.tries=N}, else the default. */
    public static int tries(int defaultTries) {
        return Integer.getInteger("parley.fuzz.tries", defaultTries);
    }

    /** Strings a validator must survive. */
    public static Arbitrary<String> oddStrings() {
        return Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.strings().all().ofMaxLength(24)),
                Tuple.of(2, Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(20)),
                Tuple.of(2, Arbitraries.strings().withCharRange('\uD800', '\uDFFF').ofMinLength(1).ofMaxLength(3)),
                Tuple.of(1, Arbitraries.strings().withChars('a').ofMinLength(1).ofMaxLength(20)
                        .map(s -> s + "\uDC00")),
                Tuple.of(3, Arbitraries.of("", " ", "\t", "\u0000", "\n", "\u202Egnp.exe", "zero\u200Dwidth", "\uFEFF",
                        "\uD83D\uDE00", "\uD83D", "\uDE00\uD83D", "null", "true", "0", "-1", "007", "1e5", " 42",
                        "42 ", "+42", "9223372036854775807", "9223372036854775808", "18446744073709551616",
                        "-9223372036854775808", "0x10", "1.5", "NaN", "owner", "admin", "member", "delivered", "read",
                        "start", "stop", "ping", "send", "../../etc/passwd", "<script>alert(1)</script>",
                        "' OR 1=1 --", "%s%s%n", "${jndi:ldap://x/a}", "\\", "\"", "{}", "[]")),
                Tuple.of(1, Arbitraries.of(65, 4000, 4001, 5000).map(n -> "x".repeat(n))),
                Tuple.of(1, Arbitraries.of(2001, 4001).map(n -> "\uD83D\uDE00".repeat(n))));
    }

    /** Numbers, including what a long, an int or a double cannot hold exactly. */
    public static Arbitrary<Object> oddNumbers() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.integers().map(i -> (Object) i)),
                Tuple.of(2, Arbitraries.longs().map(l -> (Object) l)),
                Tuple.of(1, Arbitraries.bigIntegers().between(BigInteger.ONE.shiftLeft(64).negate(), BigInteger.ONE.shiftLeft(70))
                        .map(b -> (Object) new Raw(b.toString()))),
                Tuple.of(1, Arbitraries.doubles().map(d -> (Object) new Raw(Double.isFinite(d) ? Double.toString(d) : "1.5"))),
                Tuple.of(1, Arbitraries.of("-0", "0.0", "1e400", "-1e400", "1E+2", "4.5", "1e-400", "0.1e1",
                        "123456789012345678901234567890", "9223372036854775808", "-9223372036854775809",
                        "1" + "0".repeat(400)).map(Raw::new)));
    }

    /** Any JSON value, nested up to {@code depth} levels. */
    public static Arbitrary<Object> anyValue(int depth) {
        Arbitrary<Object> leaf = Arbitraries.frequencyOf(
                Tuple.of(4, oddStrings().map(s -> (Object) s)),
                Tuple.of(3, oddNumbers()),
                Tuple.of(1, Arbitraries.of(Boolean.TRUE, Boolean.FALSE).map(b -> (Object) b)),
                Tuple.of(1, Arbitraries.<Object>just(null)));
        if (depth <= 0) {
            return leaf;
        }
        Arbitrary<Object> inner = Arbitraries.lazy(() -> anyValue(depth - 1));
        return Arbitraries.frequencyOf(
                Tuple.of(6, leaf),
                Tuple.of(1, inner.list().ofMaxSize(4).map(l -> (Object) l)),
                Tuple.of(1, Arbitraries.maps(oddStrings(), inner).ofMaxSize(4).map(m -> (Object) new LinkedHashMap<>(m))),
                Tuple.of(1, deepNesting().map(r -> (Object) r)));
    }

    /** Arrays or objects nested deeper than any parser's default limit (Jackson's is 500). */
    public static Arbitrary<Raw> deepNesting() {
        return Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.integers().between(20, 3000).map(n -> new Raw("[".repeat(n) + "]".repeat(n)))),
                Tuple.of(1, Arbitraries.integers().between(20, 2000).map(n -> new Raw("{\"a\":".repeat(n) + "1" + "}".repeat(n)))),
                Tuple.of(1, Arbitraries.integers().between(20, 3000).map(n -> new Raw("[".repeat(n)))));
    }

    /** Text that is not one JSON object: scalars, arrays, broken JSON, binary-looking noise. */
    public static Arbitrary<String> notAnObject() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.strings().all().ofMaxLength(60)
                        .map(FuzzJson::withoutSurrogates)),
                Tuple.of(2, anyValue(2).filter(v -> !(v instanceof Map)).map(FuzzJson::render)),
                Tuple.of(1, Arbitraries.of("", " ", "{", "}", "{\"type\":", "{\"type\":\"send\"", "{'type':'ping'}",
                        "{\"type\":\"ping\"}{\"type\":\"ping\"}", "{\"type\":\"ping\",}", "{type:ping}", "null", "[]",
                        "{\"type\":\"ping\"} trailing", "\uFEFF{\"type\":\"ping\"}", "/* c */{\"type\":\"ping\"}",
                        "{\"type\":\"ping\",\"type\":\"send\"}", "{\"\\u0000\":1}", "{\"type\":\"\\ud800\"}")));
    }

    /** A JSON object of these fields: a random subset, plausible or arbitrary values, a few unknown keys. */
    public static Arbitrary<Map<String, Object>> object(Map<String, Arbitrary<Object>> fields) {
        List<String> names = new ArrayList<>(fields.keySet());
        return Arbitraries.subsetOf(names).flatMap(chosen -> {
            List<String> keys = names.stream().filter(chosen::contains).toList();
            List<Arbitrary<Object>> arbitraries = new ArrayList<>();
            for (String key : keys) {
                arbitraries.add(Arbitraries.frequencyOf(Tuple.of(3, fields.get(key)), Tuple.of(1, anyValue(2))));
            }
            Arbitrary<List<Object>> chosenValues = arbitraries.isEmpty()
                    ? Arbitraries.just(List.of())
                    : net.jqwik.api.Combinators.combine(arbitraries).as(l -> l);
            Arbitrary<Map<String, Object>> extras = Arbitraries.frequencyOf(
                    Tuple.of(4, Arbitraries.just(Map.<String, Object>of())),
                    Tuple.of(1, Arbitraries.maps(oddStrings(), anyValue(1)).ofMaxSize(3)));
            return net.jqwik.api.Combinators.combine(chosenValues, extras).as((vs, extra) -> {
                Map<String, Object> object = new LinkedHashMap<>();
                for (int i = 0; i < keys.size(); i++) {
                    object.put(keys.get(i), vs.get(i));
                }
                extra.forEach(object::putIfAbsent);
                return object;
            });
        });
    }

    /** JSON text of a value (see the class comment for how strings are written). */
    public static String render(Object value) {
        StringBuilder out = new StringBuilder();
        write(value, out);
        return out.toString();
    }

    private static void write(Object value, StringBuilder out) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof Raw raw) {
            out.append(raw.json());
        } else if (value instanceof String s) {
            string(s, out);
        } else if (value instanceof Boolean || value instanceof Number) {
            out.append(value);
        } else if (value instanceof Map<?, ?> map) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                string(String.valueOf(e.getKey()), out);
                out.append(':');
                write(e.getValue(), out);
            }
            out.append('}');
        } else if (value instanceof List<?> list) {
            out.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                write(list.get(i), out);
            }
            out.append(']');
        } else {
            throw new IllegalArgumentException("not a JSON value: " + value.getClass());
        }
    }

    private static void string(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || Character.isSurrogate(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        out.append('"');
    }

    /** Raw text must be valid UTF-16 to be sent at all (a WebSocket text frame is UTF-8). */
    private static String withoutSurrogates(String s) {
        StringBuilder out = new StringBuilder(s.length());
        s.chars().filter(c -> !Character.isSurrogate((char) c)).forEach(c -> out.append((char) c));
        return out.toString();
    }
}
