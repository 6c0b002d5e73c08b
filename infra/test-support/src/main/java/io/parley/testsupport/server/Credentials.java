package io.parley.testsupport.server;

import java.util.Map;
import java.util.Objects;

/**
 * A user name and password for a secured test server: a Kafka SCRAM user or a Cassandra role.
 * {@link #toString()} leaves the password out, so a credential in an assertion message or a log
 * line does not print it.
 */
public record Credentials(String username, String password) {

    /** Cassandra's default superuser, which PasswordAuthenticator creates on a new node. */
    public static final Credentials CASSANDRA_DEFAULT_SUPERUSER = new Credentials("cassandra", "cassandra");

    public Credentials {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
    }

    /**
     * The Kafka client settings that log in as this user with SCRAM over SASL_PLAINTEXT: what a
     * service gets from {@code spring.kafka.security.protocol} and
     * {@code spring.kafka.properties.sasl.*}.
     */
    public Map<String, Object> kafkaScramClientProperties(String mechanism) {
        return Map.of(
                "security.protocol", "SASL_PLAINTEXT",
                "sasl.mechanism", mechanism,
                "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                        + username + "\" password=\"" + password + "\";");
    }

    @Override
    public String toString() {
        return "Credentials[" + username + ", password hidden]";
    }
}
