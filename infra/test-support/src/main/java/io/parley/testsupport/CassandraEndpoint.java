package io.parley.testsupport;

/**
 * A running Cassandra node with the Parley schema applied in {@link #keyspace()}.
 *
 * @param contactPoint "127.0.0.1:port" (what {@code spring.cassandra.contact-points} takes)
 */
public record CassandraEndpoint(String contactPoint, String localDatacenter, String keyspace) {

    public String host() {
        return contactPoint.substring(0, contactPoint.lastIndexOf(':'));
    }

    public int port() {
        return Integer.parseInt(contactPoint.substring(contactPoint.lastIndexOf(':') + 1));
    }
}
