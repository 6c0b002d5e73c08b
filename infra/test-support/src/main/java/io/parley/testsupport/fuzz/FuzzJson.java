package io.parley.testsupport.fuzz;

import static io.parley.testsupport.fuzz.Gen.bigIntegers;
import static io.parley.testsupport.fuzz.Gen.chars;
import static io.parley.testsupport.fuzz.Gen.charsOf;
import static io.parley.testsupport.fuzz.Gen.frequency;
import static io.parley.testsupport.fuzz.Gen.ints;
import static io.parley.testsupport.fuzz.Gen.longs;
import static io.parley.testsupport.fuzz.Gen.strings;
import static io.parley.testsupport.fuzz.Gen.weight;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Generators of hostile JSON for the security suite's fuzzing of frames and request bodies
 * (issue 9): odd strings (unpaired surrogates, controls, bidi and zero-width characters, numeric
 * look-alikes, long runs), odd numbers (fractions, beyond 64 bits, exponents, {@code -0}), every
 * JSON type where another is expected, deep nesting and text that is not JSON at all. Built on
 * {@link Gen}, our own small generator: cases are drawn with {@link Gen#sample} from a seed, so a
 * run is reproducible. Edge cases (empty, shortest and longest, boundary numbers) are listed
 * explicitly under a weight of their own.
 *
 * <p>Values are plain Java: {@link String}, {@link Boolean}, {@code null}, {@link Integer},
 * {@link Long}, {@link List}, {@link Map} (insertion order kept), and {@link Raw} for JSON text
 * written as is (numbers Java has no type for, nesting deeper than a parser allows). {@link #render}
 * writes them as JSON text that is always valid UTF-16, so it can be sent as UTF-8: every UTF-16
 * surrogate is written as a {@code \\uXXXX} escape, so a lone surrogate reaches the server as the
 * escaped, invalid-Unicode string the protocol documents, and a pair as a valid escaped pair.
 */
public final class FuzzJson {

    public static final String ALPHA = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    public static final String ALPHANUMERIC = ALPHA + "0123456789";

    /** JSON text written as is. */
    public record Raw(String json) {
    }

    private FuzzJson() {
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
    public static Gen<String> oddStrings() {
        return frequency(
                // Any UTF-16 unit, surrogates and controls included.
                weight(4, strings(chars(Character.MIN_VALUE, Character.MAX_VALUE), 0, 24)),
                weight(2, strings(charsOf(ALPHANUMERIC), 1, 20)),
                // Only surrogates: mostly unpaired, sometimes a pair by chance, sometimes reversed.
                weight(2, strings(chars('\uD800', '\uDFFF'), 1, 3)),
                weight(1, strings(charsOf("a"), 1, 20).map(s -> s + "\uDC00")),
                weight(3, Gen.of("", " ", "\t", "\u0000", "\n", "\u202Egnp.exe", "zero\u200Dwidth", "\uFEFF",
                        "\uD83D\uDE00", "\uD83D", "\uDE00\uD83D", "null", "true", "0", "-1", "007", "1e5", " 42",
                        "42 ", "+42", "9223372036854775807", "9223372036854775808", "18446744073709551616",
                        "-9223372036854775808", "0x10", "1.5", "NaN", "owner", "admin", "member", "delivered", "read",
                        "start", "stop", "ping", "send", "../../etc/passwd", "<script>alert(1)</script>",
                        "' OR 1=1 --", "%s%s%n", "${jndi:ldap://x/a}", "\\", "\"", "{}", "[]")),
                // Around the limits of texts (4000) and names (64), in units and in code points.
                weight(1, Gen.of(65, 4000, 4001, 5000).map("x"::repeat)),
                weight(1, Gen.of(2001, 4001).map(n -> "\uD83D\uDE00".repeat(n))),
                // The edges of the ranges above: first and last characters, shortest and longest strings.
                weight(1, Gen.of("\uFFFF", "\uD800", "\uDBFF", "\uDC00", "\uDFFF", "\uDBFF\uDFFF", "\uD800\uDC00",
                        "a", "Z", "9", "zZ9".repeat(7).substring(0, 20), "\uFFFF".repeat(24), "\u0000".repeat(24),
                        "a\uDC00", "a".repeat(20) + "\uDC00")));
    }

    /** Numbers, including what a long, an int or a double cannot hold exactly. */
    public static Gen<Object> oddNumbers() {
        Gen<Double> scaled = random -> (random.nextDouble() * 2 - 1) * Math.pow(10, random.nextInt(-20, 21));
        // Any bit pattern: subnormals, huge exponents, NaN and infinities (replaced below).
        Gen<Double> anyBits = random -> Double.longBitsToDouble(random.nextLong());
        Gen<Double> doubles = frequency(weight(2, scaled), weight(1, anyBits));
        return frequency(
                weight(2, ints(Integer.MIN_VALUE, Integer.MAX_VALUE)),
                weight(1, ints(-100, 1000)), // the small numbers real frames carry
                weight(2, longs(Long.MIN_VALUE, Long.MAX_VALUE)),
                weight(1, bigIntegers(BigInteger.ONE.shiftLeft(64).negate(), BigInteger.ONE.shiftLeft(70))
                        .map(b -> new Raw(b.toString()))),
                weight(1, doubles.map(d -> new Raw(Double.isFinite(d) ? Double.toString(d) : "1.5"))),
                weight(1, Gen.of("-0", "0.0", "1e400", "-1e400", "1E+2", "4.5", "1e-400", "0.1e1",
                        "123456789012345678901234567890", "9223372036854775808", "-9223372036854775809",
                        "1" + "0".repeat(400), "-0.0", "4.9E-324", "1.7976931348623157E308",
                        "-18446744073709551616", "1180591620717411303424").map(Raw::new)),
                // Boundaries of int and long.
                weight(1, Gen.<Object>of(0, 1, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, Long.MAX_VALUE,
                        Long.MIN_VALUE, (long) Integer.MAX_VALUE + 1, (long) Integer.MIN_VALUE - 1)));
    }

    /** Any JSON value, nested up to {@code depth} levels. */
    public static Gen<Object> anyValue(int depth) {
        Gen<Object> leaf = frequency(
                weight(4, oddStrings()),
                weight(3, oddNumbers()),
                weight(1, Gen.of(Boolean.TRUE, Boolean.FALSE)),
                weight(1, Gen.constant(null)));
        if (depth <= 0) {
            return leaf;
        }
        // Lazy: the inner levels are built when first drawn from, not all up front.
        Gen<Object> inner = Gen.lazy(() -> anyValue(depth - 1));
        return frequency(
                weight(6, leaf),
                weight(1, inner.list(0, 4)),
                weight(1, Gen.maps(oddStrings(), inner, 4)),
                weight(1, deepNesting()));
    }

    /** Arrays or objects nested deeper than any parser's default limit (Jackson's is 500). */
    public static Gen<Raw> deepNesting() {
        // The ends of the ranges, and either side of 500 and of 1000, as explicit choices.
        Gen<Integer> arrays = frequency(weight(3, ints(20, 3000)), weight(1, Gen.of(20, 499, 500, 501, 1000, 1001, 3000)));
        Gen<Integer> objects = frequency(weight(3, ints(20, 2000)), weight(1, Gen.of(20, 499, 500, 501, 1000, 1001, 2000)));
        return frequency(
                weight(1, arrays.map(n -> new Raw("[".repeat(n) + "]".repeat(n)))),
                weight(1, objects.map(n -> new Raw("{\"a\":".repeat(n) + "1" + "}".repeat(n)))),
                weight(1, arrays.map(n -> new Raw("[".repeat(n))))); // never closed
    }

    /** Text that is not one JSON object: scalars, arrays, broken JSON, binary-looking noise. */
    public static Gen<String> notAnObject() {
        return frequency(
                weight(3, strings(chars(Character.MIN_VALUE, Character.MAX_VALUE), 0, 60).map(FuzzJson::withoutSurrogates)),
                weight(2, anyValue(2).filter(v -> !(v instanceof Map)).map(FuzzJson::render)),
                weight(1, Gen.of("", " ", "{", "}", "{\"type\":", "{\"type\":\"send\"", "{'type':'ping'}",
                        "{\"type\":\"ping\"}{\"type\":\"ping\"}", "{\"type\":\"ping\",}", "{type:ping}", "null", "[]",
                        "{\"type\":\"ping\"} trailing", "\uFEFF{\"type\":\"ping\"}", "/* c */{\"type\":\"ping\"}",
                        "{\"type\":\"ping\",\"type\":\"send\"}", "{\"\\u0000\":1}", "{\"type\":\"\\ud800\"}")));
    }

    /**
     * A JSON object of these fields: a random subset (sometimes none, sometimes all), each holding a
     * plausible value (from its generator) or an arbitrary one, and now and then a few unknown keys.
     * The fields are taken in name order, so the cases of a seed do not depend on the iteration
     * order of the map (which for {@code Map.of} changes from one JVM to the next).
     */
    public static Gen<Map<String, Object>> object(Map<String, Gen<Object>> fields) {
        Map<String, Gen<Object>> sorted = new TreeMap<>(fields);
        List<String> names = new ArrayList<>(sorted.keySet());
        Gen<List<String>> chosen = frequency(
                weight(6, Gen.subsetOf(names)),
                weight(1, Gen.<List<String>>of(List.of(), names)));
        Gen<Object> arbitrary = anyValue(2);
        Map<String, Gen<Object>> values = new TreeMap<>();
        sorted.forEach((name, plausible) -> values.put(name, frequency(weight(3, plausible), weight(1, arbitrary))));
        Gen<Map<String, Object>> extras = frequency(
                weight(4, Gen.constant(Map.<String, Object>of())),
                weight(1, Gen.maps(oddStrings(), anyValue(1), 3)));
        return random -> {
            Map<String, Object> object = new LinkedHashMap<>();
            for (String name : chosen.next(random)) {
                object.put(name, values.get(name).next(random));
            }
            extras.next(random).forEach(object::putIfAbsent);
            return object;
        };
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
