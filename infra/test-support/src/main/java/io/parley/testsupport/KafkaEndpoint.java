package io.parley.testsupport;

/** A running Kafka broker, as clients see it. */
public record KafkaEndpoint(String bootstrapServers) {
}
