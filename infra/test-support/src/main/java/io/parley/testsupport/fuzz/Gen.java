package io.parley.testsupport.fuzz;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A generator of random test values: the few combinators the security suite's fuzzing needs, and
 * nothing more (no shrinking, no test engine). The fuzz tests run inside a Spring test, so all they
 * need is a reproducible list of cases: {@link #sample} draws it from one seed.
 *
 * <p>Every draw is uniform within what it is given. Edge cases (empty strings, the shortest and
 * longest lengths, boundary numbers) are therefore not mixed in behind the scenes: a caller that
 * wants them lists them with {@link #of} under a {@link #frequency} weight, where they can be read.
 */
@FunctionalInterface
public interface Gen<T> {

    /** One value, drawn from {@code random} only, so that the same random state gives the same value. */
    T next(SplittableRandom random);

    /** {@code count} values drawn one after another from {@code seed}: the same list for the same seed. */
    static <T> List<T> sample(Gen<T> gen, int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<T> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(gen.next(random));
        }
        return out;
    }

    // ---- combinators ----

    default <R> Gen<R> map(Function<? super T, ? extends R> f) {
        return random -> f.apply(next(random));
    }

    /** A generator chosen by a value of this one (e.g. the fields of an operation chosen first). */
    default <R> Gen<R> flatMap(Function<? super T, ? extends Gen<? extends R>> f) {
        return random -> f.apply(next(random)).next(random);
    }

    /**
     * Only values that pass {@code keep}, by drawing again. Meant for rare exclusions (a type name
     * among many strings); a filter that keeps almost nothing fails loudly instead of looping.
     */
    default Gen<T> filter(Predicate<? super T> keep) {
        return random -> {
            for (int attempt = 0; attempt < 10_000; attempt++) {
                T value = next(random);
                if (keep.test(value)) {
                    return value;
                }
            }
            throw new IllegalStateException("filter kept none of 10,000 values");
        };
    }

    /** The value as an {@code Object}: JSON values of different Java types in one generator. */
    default Gen<Object> asObject() {
        return this::next;
    }

    /** Lists of this generator's values, of a size uniform in [min, max]. */
    default Gen<List<T>> list(int min, int max) {
        Gen<Integer> size = ints(min, max);
        return random -> {
            int n = size.next(random);
            List<T> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                out.add(next(random));
            }
            return out;
        };
    }

    // ---- choices ----

    /** Always {@code value} (which may be null). */
    static <T> Gen<T> constant(T value) {
        return random -> value;
    }

    /** One of the values, each as likely. */
    @SafeVarargs
    static <T> Gen<T> of(T... values) {
        return oneOf(Arrays.asList(values));
    }

    /** One of the values, each as likely. */
    static <T> Gen<T> oneOf(List<? extends T> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("nothing to choose from");
        }
        List<? extends T> copy = new ArrayList<>(values);
        return random -> copy.get(random.nextInt(copy.size()));
    }

    /** A generator and how often {@link #frequency} picks it relative to the others. */
    record Weighted<T>(int weight, Gen<? extends T> gen) {
        public Weighted {
            if (weight <= 0) {
                throw new IllegalArgumentException("weight must be positive: " + weight);
            }
        }
    }

    static <T> Weighted<T> weight(int weight, Gen<? extends T> gen) {
        return new Weighted<>(weight, gen);
    }

    /** A value of one of the generators, picked in proportion to its weight. */
    @SafeVarargs
    static <T> Gen<T> frequency(Weighted<? extends T>... choices) {
        return frequency(Arrays.asList(choices));
    }

    /** A value of one of the generators, picked in proportion to its weight. */
    static <T> Gen<T> frequency(List<? extends Weighted<? extends T>> choices) {
        List<Weighted<? extends T>> copy = new ArrayList<>(choices);
        int total = copy.stream().mapToInt(Weighted::weight).sum();
        if (total <= 0) {
            throw new IllegalArgumentException("nothing to choose from");
        }
        return random -> {
            int pick = random.nextInt(total);
            for (Weighted<? extends T> choice : copy) {
                pick -= choice.weight();
                if (pick < 0) {
                    return choice.gen().next(random);
                }
            }
            throw new AssertionError("unreachable");
        };
    }

    /**
     * The generator {@code supplier} makes, made on first use: lets a recursive value (JSON nested in
     * JSON) refer to itself without building every level up front.
     */
    static <T> Gen<T> lazy(Supplier<? extends Gen<? extends T>> supplier) {
        return new Gen<>() {
            private Gen<? extends T> made;

            @Override
            public T next(SplittableRandom random) {
                if (made == null) {
                    made = supplier.get();
                }
                return made.next(random);
            }
        };
    }

    /** Some of the items (each with probability one half), in their order: e.g. which fields an object has. */
    static <T> Gen<List<T>> subsetOf(List<? extends T> items) {
        List<? extends T> copy = new ArrayList<>(items);
        return random -> {
            List<T> out = new ArrayList<>();
            for (T item : copy) {
                if (random.nextBoolean()) {
                    out.add(item);
                }
            }
            return out;
        };
    }

    // ---- numbers (bounds inclusive) ----

    static Gen<Integer> ints(int min, int max) {
        Gen<Long> longs = longs(min, max);
        return random -> longs.next(random).intValue();
    }

    static Gen<Long> longs(long min, long max) {
        if (min > max) {
            throw new IllegalArgumentException(min + " > " + max);
        }
        return random -> {
            if (max < Long.MAX_VALUE) {
                return random.nextLong(min, max + 1);
            }
            if (min > Long.MIN_VALUE) {
                return random.nextLong(min - 1, max) + 1; // same span, shifted: max + 1 would overflow
            }
            return random.nextLong();
        };
    }

    static Gen<BigInteger> bigIntegers(BigInteger min, BigInteger max) {
        BigInteger span = max.subtract(min).add(BigInteger.ONE);
        if (span.signum() <= 0) {
            throw new IllegalArgumentException(min + " > " + max);
        }
        // Eight bytes more than the span needs, so the bias of the modulo is negligible.
        int bytes = span.bitLength() / 8 + 9;
        return random -> {
            byte[] raw = new byte[bytes];
            random.nextBytes(raw);
            return new BigInteger(1, raw).mod(span).add(min);
        };
    }

    // ---- characters and strings ----

    /** Characters (UTF-16 units, surrogates included if in range) from {@code from} to {@code to}. */
    static Gen<Character> chars(char from, char to) {
        Gen<Integer> code = ints(from, to);
        return random -> (char) code.next(random).intValue();
    }

    /** One of the characters of {@code alphabet}. */
    static Gen<Character> charsOf(String alphabet) {
        if (alphabet.isEmpty()) {
            throw new IllegalArgumentException("empty alphabet");
        }
        return random -> alphabet.charAt(random.nextInt(alphabet.length()));
    }

    /** Strings of {@code chars}, of a length uniform in [minLength, maxLength]. */
    static Gen<String> strings(Gen<Character> chars, int minLength, int maxLength) {
        Gen<Integer> length = ints(minLength, maxLength);
        return random -> {
            int n = length.next(random);
            StringBuilder out = new StringBuilder(n);
            for (int i = 0; i < n; i++) {
                out.append(chars.next(random).charValue());
            }
            return out.toString();
        };
    }

    /** Maps of up to {@code maxSize} entries (fewer if keys repeat), in the order drawn. */
    static <K, V> Gen<Map<K, V>> maps(Gen<? extends K> keys, Gen<? extends V> values, int maxSize) {
        Gen<Integer> size = ints(0, maxSize);
        return random -> {
            int n = size.next(random);
            Map<K, V> out = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                out.putIfAbsent(keys.next(random), values.next(random));
            }
            return out;
        };
    }
}
