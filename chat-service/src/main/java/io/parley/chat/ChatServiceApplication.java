package io.parley.chat;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * A Parley chat node: holds WebSocket sessions (protocol v1, docs/protocol.md), accepts messages
 * onto Kafka, sequences and persists them (the sequencer runs on every node; Kafka gives each
 * conversation to one of them) and delivers what its own sessions need.
 */
@SpringBootApplication
@EnableScheduling
public class ChatServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(ChatServiceApplication.class, args);
    }
}
