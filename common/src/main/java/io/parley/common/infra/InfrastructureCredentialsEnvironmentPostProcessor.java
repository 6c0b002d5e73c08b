package io.parley.common.infra;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.StringUtils;

/**
 * Turns the operator's infrastructure credentials ({@code KAFKA_USERNAME}, {@code CASSANDRA_PASSWORD},
 * trust stores, …; docs/operations.md "Infrastructure credentials") into Spring Boot's own Kafka
 * and Cassandra properties, for every Parley service.
 *
 * <p>Why not plain placeholders in each application.yml: most of these settings are "off" by being
 * absent (Boot logs in to Cassandra as soon as {@code spring.cassandra.username} is not null, even
 * empty), and a Kafka SCRAM login is one JAAS line with the password quoted inside it, which is
 * easy to get wrong by hand. Here a password is escaped once, credentials given by halves fail the
 * start with a message, and nothing is set when nothing is configured: the local run and the tests
 * keep today's plaintext, unauthenticated behaviour.
 *
 * <p>The generated properties are the least important source: anything set explicitly under
 * {@code spring.kafka.*} / {@code spring.cassandra.*} (file, environment, command line) wins.
 * Kafka settings land in {@code spring.kafka.security.*}, {@code spring.kafka.ssl.*} and
 * {@code spring.kafka.properties.*}, which {@code KafkaProperties.build…Properties()} copies into
 * every client, including those the services build by hand (Streams sequencer, listener factories,
 * Admin). For the same reason {@code spring.kafka.ssl.bundle} is refused: Boot applies a bundle only
 * to the clients it creates itself, so the hand-built ones would connect without it.
 */
public class InfrastructureCredentialsEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

    static final String SOURCE_NAME = "parleyInfrastructureCredentials";
    static final String CASSANDRA_TRUST_BUNDLE = "parley-cassandra";

    private static final Set<String> SCRAM_MECHANISMS = Set.of("SCRAM-SHA-256", "SCRAM-SHA-512");

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        Map<String, Object> properties = properties(environment::getProperty);
        if (!properties.isEmpty()) {
            environment.getPropertySources().addLast(new MapPropertySource(SOURCE_NAME, properties));
        }
    }

    /** Where the variables are read from: the environment, or a map in tests. */
    @FunctionalInterface
    interface Variables {
        String get(String name);
    }

    static Map<String, Object> properties(Variables variables) {
        if (StringUtils.hasText(variables.get("spring.kafka.ssl.bundle"))) {
            throw new IllegalStateException("spring.kafka.ssl.bundle is not supported by Parley: Spring Boot applies an "
                    + "SSL bundle only to the Kafka clients it creates, not to those built from KafkaProperties "
                    + "(the sequencer, listener factories, Admin). Use KAFKA_SSL_TRUSTSTORE_LOCATION "
                    + "(spring.kafka.ssl.trust-store-location) instead.");
        }
        Map<String, Object> properties = new LinkedHashMap<>();
        kafka(variables, properties);
        cassandra(variables, properties);
        return properties;
    }

    private static void kafka(Variables variables, Map<String, Object> properties) {
        String username = value(variables, "KAFKA_USERNAME");
        String password = value(variables, "KAFKA_PASSWORD");
        String protocol = value(variables, "KAFKA_SECURITY_PROTOCOL");
        if ((username == null) != (password == null)) {
            throw new IllegalStateException("KAFKA_USERNAME and KAFKA_PASSWORD go together: only "
                    + (username == null ? "KAFKA_PASSWORD" : "KAFKA_USERNAME") + " is set");
        }
        if (username != null) {
            String mechanism = value(variables, "KAFKA_SASL_MECHANISM");
            mechanism = mechanism == null ? "SCRAM-SHA-512" : mechanism.toUpperCase(Locale.ROOT);
            if (!SCRAM_MECHANISMS.contains(mechanism)) {
                throw new IllegalStateException("KAFKA_SASL_MECHANISM must be SCRAM-SHA-256 or SCRAM-SHA-512, not "
                        + mechanism);
            }
            // Credentials over an unencrypted connection have to be asked for (SASL_PLAINTEXT).
            properties.put("spring.kafka.security.protocol", protocol == null ? "SASL_SSL" : protocol);
            properties.put("spring.kafka.properties.sasl.mechanism", mechanism);
            properties.put("spring.kafka.properties.sasl.jaas.config", scramJaasConfig(username, password));
        } else if (protocol != null) {
            properties.put("spring.kafka.security.protocol", protocol);
        }
        String truststore = value(variables, "KAFKA_SSL_TRUSTSTORE_LOCATION");
        if (truststore != null) {
            properties.put("spring.kafka.ssl.trust-store-location", resourceLocation(truststore));
            putIfSet(properties, "spring.kafka.ssl.trust-store-password", value(variables, "KAFKA_SSL_TRUSTSTORE_PASSWORD"));
            properties.put("spring.kafka.ssl.trust-store-type", storeType(variables, "KAFKA_SSL_TRUSTSTORE_TYPE", truststore));
        }
    }

    private static void cassandra(Variables variables, Map<String, Object> properties) {
        String username = value(variables, "CASSANDRA_USERNAME");
        String password = value(variables, "CASSANDRA_PASSWORD");
        if ((username == null) != (password == null)) {
            throw new IllegalStateException("CASSANDRA_USERNAME and CASSANDRA_PASSWORD go together: only "
                    + (username == null ? "CASSANDRA_PASSWORD" : "CASSANDRA_USERNAME") + " is set");
        }
        if (username != null) {
            properties.put("spring.cassandra.username", username);
            properties.put("spring.cassandra.password", password);
        }
        String ssl = value(variables, "CASSANDRA_SSL_ENABLED");
        String truststore = value(variables, "CASSANDRA_SSL_TRUSTSTORE_LOCATION");
        if (truststore != null) {
            String bundle = "spring.ssl.bundle.jks." + CASSANDRA_TRUST_BUNDLE + ".truststore.";
            properties.put(bundle + "location", resourceLocation(truststore));
            putIfSet(properties, bundle + "password", value(variables, "CASSANDRA_SSL_TRUSTSTORE_PASSWORD"));
            properties.put(bundle + "type", storeType(variables, "CASSANDRA_SSL_TRUSTSTORE_TYPE", truststore));
            properties.put("spring.cassandra.ssl.bundle", CASSANDRA_TRUST_BUNDLE);
            if (ssl == null) {
                ssl = "true"; // a trust store for a plaintext connection would be a mistake
            }
        }
        if (ssl != null) {
            properties.put("spring.cassandra.ssl.enabled", ssl);
        }
        putIfSet(properties, "spring.cassandra.ssl.verify-hostname", value(variables, "CASSANDRA_SSL_VERIFY_HOSTNAME"));
    }

    /**
     * Kafka's SCRAM login line. The JAAS parser reads double-quoted values with backslash escapes,
     * so a password holding {@code "} or {@code \} is escaped rather than ending the value early.
     */
    static String scramJaasConfig(String username, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + jaasQuoted(username)
                + "\" password=\"" + jaasQuoted(password) + "\";";
    }

    private static String jaasQuoted(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    /** A path as Spring resource location: plain paths are files, not class path entries. */
    private static String resourceLocation(String location) {
        return location.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*") && !location.matches("^[a-zA-Z]:\\\\.*")
                ? location : "file:" + location;
    }

    /** The named type, else PKCS12 for .p12/.pfx files and JKS for the rest (Kafka's default). */
    private static String storeType(Variables variables, String typeVariable, String location) {
        String type = value(variables, typeVariable);
        if (type != null) {
            return type;
        }
        String lower = location.toLowerCase(Locale.ROOT);
        return lower.endsWith(".p12") || lower.endsWith(".pfx") ? "PKCS12" : "JKS";
    }

    private static String value(Variables variables, String name) {
        String value = variables.get(name);
        return StringUtils.hasText(value) ? value : null;
    }

    private static void putIfSet(Map<String, Object> properties, String name, String value) {
        if (value != null) {
            properties.put(name, value);
        }
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
