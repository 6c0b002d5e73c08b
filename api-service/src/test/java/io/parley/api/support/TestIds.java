package io.parley.api.support;

import java.util.concurrent.ThreadLocalRandom;

/** Tests share one Cassandra; each uses fresh names and ids instead of expecting empty tables. */
public final class TestIds {

    private TestIds() {
    }

    /** A unique, valid username (at most 32 characters). */
    public static String username(String prefix) {
        String suffix = Long.toString(ThreadLocalRandom.current().nextLong(Long.MAX_VALUE), 36);
        String name = prefix + "_" + suffix;
        return name.length() > 32 ? name.substring(0, 32) : name;
    }

    /** A random positive id that no Snowflake generator of this run will produce soon. */
    public static long id() {
        return ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    }
}
