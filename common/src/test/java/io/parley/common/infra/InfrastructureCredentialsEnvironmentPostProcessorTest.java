package io.parley.common.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.security.JaasContext;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

class InfrastructureCredentialsEnvironmentPostProcessorTest {

    @Test
    void nothingConfiguredAddsNothing() {
        assertThat(InfrastructureCredentialsEnvironmentPostProcessor.properties(name -> null)).isEmpty();
        StandardEnvironment environment = environment(Map.of());
        new InfrastructureCredentialsEnvironmentPostProcessor().postProcessEnvironment(environment, new SpringApplication());
        assertThat(environment.getPropertySources().contains(InfrastructureCredentialsEnvironmentPostProcessor.SOURCE_NAME))
                .isFalse();
        assertThat(environment.getProperty("spring.cassandra.username")).isNull();
    }

    @Test
    void kafkaCredentialsBecomeAScramLoginOverTlsUnlessAnotherProtocolIsNamed() {
        Map<String, Object> properties = InfrastructureCredentialsEnvironmentPostProcessor.properties(
                Map.of("KAFKA_USERNAME", "chat", "KAFKA_PASSWORD", "s3cret")::get);
        assertThat(properties)
                .containsEntry("spring.kafka.security.protocol", "SASL_SSL")
                .containsEntry("spring.kafka.properties.sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("spring.kafka.properties.sasl.jaas.config",
                        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"chat\" password=\"s3cret\";");

        assertThat(InfrastructureCredentialsEnvironmentPostProcessor.properties(Map.of("KAFKA_USERNAME", "chat",
                "KAFKA_PASSWORD", "s3cret", "KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT",
                "KAFKA_SASL_MECHANISM", "scram-sha-256")::get))
                .containsEntry("spring.kafka.security.protocol", "SASL_PLAINTEXT")
                .containsEntry("spring.kafka.properties.sasl.mechanism", "SCRAM-SHA-256");
    }

    @Test
    void aPasswordWithQuotesAndBackslashesSurvivesKafkasJaasParser() {
        String password = "a\"b\\c;d e";
        String jaas = InfrastructureCredentialsEnvironmentPostProcessor.scramJaasConfig("chat", password);
        JaasContext context = JaasContext.loadClientContext(Map.of("sasl.jaas.config", new Password(jaas)));
        assertThat(context.configurationEntries()).singleElement()
                .satisfies(entry -> {
                    Map<String, ?> options = entry.getOptions();
                    assertThat(options.get("username")).isEqualTo("chat");
                    assertThat(options.get("password")).isEqualTo(password);
                });
    }

    @Test
    void halfACredentialOrAnUnknownMechanismStopsTheStart() {
        assertThatThrownBy(() -> InfrastructureCredentialsEnvironmentPostProcessor.properties(
                Map.of("KAFKA_USERNAME", "chat")::get)).hasMessageContaining("only KAFKA_USERNAME is set");
        assertThatThrownBy(() -> InfrastructureCredentialsEnvironmentPostProcessor.properties(
                Map.of("CASSANDRA_PASSWORD", "x")::get)).hasMessageContaining("only CASSANDRA_PASSWORD is set");
        assertThatThrownBy(() -> InfrastructureCredentialsEnvironmentPostProcessor.properties(
                Map.of("KAFKA_USERNAME", "chat", "KAFKA_PASSWORD", "x", "KAFKA_SASL_MECHANISM", "PLAIN")::get))
                .hasMessageContaining("SCRAM-SHA-256 or SCRAM-SHA-512");
    }

    @Test
    void aKafkaSslBundleIsRefusedBecauseHandBuiltClientsWouldNotGetIt() {
        StandardEnvironment environment = environment(Map.of("SPRING_KAFKA_SSL_BUNDLE", "kafka"));
        assertThatThrownBy(() -> new InfrastructureCredentialsEnvironmentPostProcessor()
                .postProcessEnvironment(environment, new SpringApplication()))
                .hasMessageContaining("KAFKA_SSL_TRUSTSTORE_LOCATION");
    }

    @Test
    void trustStoresBecomeKafkaSslSettingsAndACassandraBundle() {
        Map<String, Object> properties = InfrastructureCredentialsEnvironmentPostProcessor.properties(Map.of(
                "KAFKA_SSL_TRUSTSTORE_LOCATION", "/run/secrets/ca.p12",
                "KAFKA_SSL_TRUSTSTORE_PASSWORD", "changeit",
                "CASSANDRA_USERNAME", "parley", "CASSANDRA_PASSWORD", "pw",
                "CASSANDRA_SSL_TRUSTSTORE_LOCATION", "file:/run/secrets/cassandra-ca.jks")::get);
        assertThat(properties)
                .containsEntry("spring.kafka.ssl.trust-store-location", "file:/run/secrets/ca.p12")
                .containsEntry("spring.kafka.ssl.trust-store-password", "changeit")
                .containsEntry("spring.kafka.ssl.trust-store-type", "PKCS12")
                .containsEntry("spring.cassandra.username", "parley")
                .containsEntry("spring.cassandra.password", "pw")
                .containsEntry("spring.ssl.bundle.jks.parley-cassandra.truststore.location",
                        "file:/run/secrets/cassandra-ca.jks")
                .containsEntry("spring.ssl.bundle.jks.parley-cassandra.truststore.type", "JKS")
                .containsEntry("spring.cassandra.ssl.bundle", "parley-cassandra")
                .containsEntry("spring.cassandra.ssl.enabled", "true");
    }

    @Test
    void explicitSpringPropertiesWinOverTheGeneratedOnes() {
        StandardEnvironment environment = environment(Map.of("CASSANDRA_USERNAME", "parley",
                "CASSANDRA_PASSWORD", "pw", "SPRING_CASSANDRA_USERNAME", "explicit"));
        new InfrastructureCredentialsEnvironmentPostProcessor().postProcessEnvironment(environment, new SpringApplication());
        assertThat(environment.getProperty("spring.cassandra.username")).isEqualTo("explicit");
        assertThat(environment.getProperty("spring.cassandra.password")).isEqualTo("pw");
    }

    private static StandardEnvironment environment(Map<String, Object> variables) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, variables));
        return environment;
    }
}
