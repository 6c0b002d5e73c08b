package io.parley.id;

/**
 * Issues unique 64-bit ids. Implementations are thread-safe.
 *
 * <p>Services inject this interface; the Spring Boot auto-configuration of this library provides
 * a Snowflake implementation whose worker id is leased in Cassandra.
 */
@FunctionalInterface
public interface IdGenerator {

    /**
     * Returns a new id, never returned before by this generator nor by any other live generator
     * of the same deployment.
     *
     * @throws IllegalStateException if the generator can no longer guarantee uniqueness (for
     *         example its worker id lease was lost); callers should fail the request, not retry
     *         in a loop
     */
    long nextId();
}
