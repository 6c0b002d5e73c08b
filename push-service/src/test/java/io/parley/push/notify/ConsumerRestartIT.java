package io.parley.push.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.parley.common.events.StoredMessage;
import io.parley.push.support.PushIntegrationTest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;

/**
 * The consumer stopped and started again mid-stream (its partitions are revoked and assigned
 * again, as in a restart or rebalance): every message notifies each device exactly once.
 */
class ConsumerRestartIT extends PushIntegrationTest {

    @Autowired
    KafkaListenerEndpointRegistry listeners;

    private record Recipient(long userId, long conversation, String token) {
    }

    @Test
    void stoppingAndStartingTheConsumerMidStreamNeitherDuplicatesNorMisses() throws Exception {
        long alice = user("Alice");
        List<Recipient> recipients = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            long bob = user("Bob " + i);
            Recipient r = new Recipient(bob, conversation(alice, bob), token("restart-" + i));
            registerDevice(bob, "phone", "android", r.token());
            recipients.add(r);
        }
        List<RecordMetadata> records = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            Recipient r = recipients.get(i);
            records.add(publish(r.userId(), message(r.conversation(), alice, 1, "before the restart")));
        }
        MessageListenerContainer container = listeners.getListenerContainer(NotificationListener.GROUP);
        container.stop();
        await().atMost(PATIENCE).until(() -> !container.isRunning());
        for (int i = 6; i < 12; i++) {
            Recipient r = recipients.get(i);
            records.add(publish(r.userId(), message(r.conversation(), alice, 1, "while stopped")));
        }
        container.start();

        for (int i = 0; i < 12; i++) {
            Recipient r = recipients.get(i);
            awaitHandled(records.get(i), r.userId(), r.conversation());
        }
        for (Recipient r : recipients) {
            assertThat(fcm.requestsFor(r.token())).as("requests for %s", r.token()).hasSize(1);
        }
    }

    @Test
    void windowsLeftOpenByADeadInstanceAreNotifiedByTheNextOwner() throws Exception {
        long alice = user("Alice");
        long bob = user("Bob");
        long conversation = conversation(alice, bob);
        String token = token("bob-phone");
        registerDevice(bob, "phone", "android", token);
        // What an instance killed mid-window leaves: requests taken (offsets committed) and pending.
        StoredMessage first = message(conversation, alice, 1, "one");
        StoredMessage second = message(conversation, alice, 2, "two");
        int partition = 3;
        for (StoredMessage m : List.of(first, second)) {
            cql.execute("INSERT INTO push_pending (kafka_partition, user_id, conversation_id, message_id, seq, sender_id, "
                    + "body, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", partition, bob, conversation, m.messageId(),
                    m.seq(), alice, m.text(), Instant.ofEpochMilli(m.sentAt()));
        }

        MessageListenerContainer container = listeners.getListenerContainer(NotificationListener.GROUP);
        container.stop();
        await().atMost(PATIENCE).until(() -> !container.isRunning());
        container.start(); // partition 3 is assigned again: its pending windows are reloaded

        await().atMost(PATIENCE).until(() -> cql.execute("SELECT message_id FROM push_pending WHERE kafka_partition = ? "
                + "AND user_id = ? AND conversation_id = ?", partition, bob, conversation).one() == null);
        assertThat(fcm.requestsFor(token)).hasSize(1);
        assertThat(fcm.requestsFor(token).get(0).message().path("data").path("count").asString()).isEqualTo("2");
    }
}
