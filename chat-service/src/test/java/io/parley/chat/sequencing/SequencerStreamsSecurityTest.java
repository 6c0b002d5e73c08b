package io.parley.chat.sequencing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.core.io.FileSystemResource;

/**
 * The sequencer's Kafka Streams client is built by hand, not by Spring Boot: it must still log in
 * and trust the brokers as every other client of the node does (docs/operations.md
 * "Infrastructure credentials"), or on a secured cluster the sequencer alone would be locked out.
 */
class SequencerStreamsSecurityTest {

    @Test
    void theStreamsClientCarriesTheSharedSecuritySettings() {
        KafkaProperties kafka = new KafkaProperties();
        kafka.setBootstrapServers(List.of("kafka-1:9093"));
        kafka.getSecurity().setProtocol("SASL_SSL");
        kafka.getProperties().put("sasl.mechanism", "SCRAM-SHA-512");
        kafka.getProperties().put("sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"chat\" password=\"pw\";");
        kafka.getSsl().setTrustStoreLocation(new FileSystemResource("/run/secrets/ca.p12"));
        kafka.getSsl().setTrustStorePassword("changeit");
        kafka.getSsl().setTrustStoreType("PKCS12");

        Map<String, Object> properties = SequencerStreamsConfig.properties(kafka, "node-1", new SequencerSettings(1, 1,
                Duration.ofSeconds(1), 500, 8, 16, (short) 1, Duration.ofSeconds(10), Duration.ofSeconds(60),
                Duration.ofMillis(25), Duration.ofMinutes(2)));

        assertThat(properties)
                .containsEntry(StreamsConfig.SECURITY_PROTOCOL_CONFIG, "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsKey("sasl.jaas.config")
                .containsEntry("ssl.truststore.location", "/run/secrets/ca.p12")
                .containsEntry("ssl.truststore.password", "changeit")
                .containsEntry("ssl.truststore.type", "PKCS12");
    }
}
