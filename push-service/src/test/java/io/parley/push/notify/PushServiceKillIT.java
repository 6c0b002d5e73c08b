package io.parley.push.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.cql.Row;
import io.parley.common.events.StoredMessage;
import io.parley.push.support.FakeFcm;
import io.parley.push.support.PushIntegrationTest;
import io.parley.push.support.PushServiceProcess;
import io.parley.testsupport.RealInfrastructure;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;

/**
 * push-service killed with SIGKILL while notifications flow, then started again on the same data:
 * every device gets exactly one FCM request for its message. The kill is placed where it hurts
 * most: {@link FakeFcm} stops answering (requests wait, unrecorded), so at the kill some claims
 * are written ({@code sending}) but FCM never got their request; other windows are open in memory
 * (their requests in {@code push_pending}), and more requests are still in Kafka or not yet
 * published. Before the kill the test waits until every request FCM did answer is marked
 * {@code sent}, so the one case where a resend is by design (killed between FCM's answer and
 * recording it, see the README) cannot occur, and "exactly one" is exact.
 */
class PushServiceKillIT extends PushIntegrationTest {

    private static final int RECIPIENTS = 120;
    private static final List<String> DEVICES = List.of("phone", "tablet");
    /** Short enough that the test does not wait minutes for the dead instance's leases. */
    private static final String[] SERVICE_PROPERTIES = {
            "parley.push.coalesce-window=1s", "parley.push.claim-lease=10s"};

    @Autowired
    KafkaListenerEndpointRegistry listeners;

    private record Recipient(long userId, long conversation, Map<String, String> tokenByDevice) {
    }

    @Test
    void killingPushServiceMidStreamNeitherDuplicatesNorMissesANotification() throws Exception {
        // This JVM's own push-service (the shared test context) must not share the consumer group.
        MessageListenerContainer inJvm = listeners.getListenerContainer(NotificationListener.GROUP);
        inJvm.stop();
        await().atMost(PATIENCE).until(() -> !inJvm.isRunning());
        PushServiceProcess first = null;
        PushServiceProcess second = null;
        try {
            long alice = user("Alice");
            List<Recipient> recipients = new ArrayList<>();
            Map<String, long[]> ownerOfToken = new HashMap<>(); // token -> {user, index of device}
            for (int i = 0; i < RECIPIENTS; i++) {
                long bob = randomId();
                Map<String, String> tokens = new HashMap<>();
                for (int d = 0; d < DEVICES.size(); d++) {
                    String token = token("kill-" + i + "-" + DEVICES.get(d));
                    cql.execute("INSERT INTO push_devices (user_id, device_id, platform, fcm_token, updated_at) "
                            + "VALUES (?, ?, 'android', ?, ?)", bob, DEVICES.get(d), token, Instant.now());
                    tokens.put(DEVICES.get(d), token);
                    ownerOfToken.put(token, new long[] {bob, d});
                }
                recipients.add(new Recipient(bob, randomId(), tokens));
            }
            Map<Long, StoredMessage> messageOf = new HashMap<>();
            for (Recipient r : recipients) {
                messageOf.put(r.userId(), message(r.conversation(), alice, 1, "to " + r.userId()));
            }
            Map<Long, RecordMetadata> records = new ConcurrentHashMap<>(); // by recipient

            first = PushServiceProcess.start("kill-first", fcm, SERVICE_PROPERTIES);

            // Part 1 flows while the first instance runs (and is killed): one request every 60 ms.
            List<Recipient> beforeKill = recipients.subList(0, 60);
            CompletableFuture<Void> stream = CompletableFuture.runAsync(() -> {
                for (Recipient r : beforeKill) {
                    try {
                        records.put(r.userId(), publish(r.userId(), messageOf.get(r.userId())));
                        Thread.sleep(60);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            });

            // Some notifications sent, then FCM stops answering recipients not notified yet: their
            // claims stay 'sending'. (Per recipient, so one sendEach is never half answered: a
            // device answered but not yet marked 'sent' is the resend-by-design case.)
            await().atMost(PATIENCE).until(() -> ours(fcm.all(), ownerOfToken).size() >= 20);
            fcm.stall(token -> ownerOfToken.containsKey(token) ? ownerOfToken.get(token)[0] : token);
            await().atMost(PATIENCE).until(() -> fcm.stalledRequests() >= 1);
            List<FakeFcm.Request> answeredBeforeKill = ours(fcm.all(), ownerOfToken);
            await().atMost(PATIENCE).until(() -> answeredBeforeKill.stream().allMatch(request ->
                    DeliveryClaims.SENT.equals(claimState(ownerOfToken, request))));

            int exit = first.kill();
            assertThat(exit).as("exit status: SIGKILL, not a clean exit").isEqualTo(PushServiceProcess.KILLED_BY_SIGKILL);
            int dropped = fcm.dropStalled();
            answeredBeforeKill.clear();
            answeredBeforeKill.addAll(ours(fcm.all(), ownerOfToken));
            Set<String> claimedButNeverSent = claimedAndSending(recipients, messageOf);
            answeredBeforeKill.forEach(request -> claimedButNeverSent.remove(request.token()));
            assertThat(dropped).as("requests FCM never answered because of the kill").isPositive();
            assertThat(claimedButNeverSent).as("devices claimed but not notified at the kill").isNotEmpty();
            assertThat(answeredBeforeKill.size()).as("notified before the kill")
                    .isPositive().isLessThan(RECIPIENTS * DEVICES.size());

            // Part 2 is published while no instance runs, part 3 once the next one is up.
            stream.get();
            for (Recipient r : recipients.subList(60, 90)) {
                records.put(r.userId(), publish(r.userId(), messageOf.get(r.userId())));
            }
            second = PushServiceProcess.start("kill-second", fcm, SERVICE_PROPERTIES);
            for (Recipient r : recipients.subList(90, RECIPIENTS)) {
                records.put(r.userId(), publish(r.userId(), messageOf.get(r.userId())));
                Thread.sleep(60);
            }

            awaitEverythingHandled(records, recipients);
            Map<String, List<FakeFcm.Request>> byToken = new HashMap<>();
            for (FakeFcm.Request request : ours(fcm.all(), ownerOfToken)) {
                byToken.computeIfAbsent(request.token(), t -> new ArrayList<>()).add(request);
            }
            for (Recipient r : recipients) {
                String expectedMessage = Long.toString(messageOf.get(r.userId()).messageId());
                for (String token : r.tokenByDevice().values()) {
                    List<FakeFcm.Request> got = byToken.getOrDefault(token, List.of());
                    assertThat(got).as("FCM requests for %s (claimed but unsent at the kill: %s)", token,
                            claimedButNeverSent.contains(token)).hasSize(1);
                    assertThat(got.get(0).message().path("data").path("messageId").asString()).isEqualTo(expectedMessage);
                    assertThat(got.get(0).status()).isEqualTo(200);
                }
            }
        } finally {
            fcm.dropStalled();
            if (second != null) {
                second.close();
            }
            if (first != null) {
                first.close();
            }
            inJvm.start();
        }
    }

    /** Requests for this test's tokens (the fake is shared with other tests of the JVM). */
    private static List<FakeFcm.Request> ours(List<FakeFcm.Request> all, Map<String, long[]> ownerOfToken) {
        return new ArrayList<>(all.stream().filter(r -> ownerOfToken.containsKey(r.token())).toList());
    }

    private String claimState(Map<String, long[]> ownerOfToken, FakeFcm.Request request) {
        long[] owner = ownerOfToken.get(request.token());
        Row row = cql.execute("SELECT state FROM push_notified WHERE user_id = ? AND device_id = ? AND message_id = ?",
                owner[0], DEVICES.get((int) owner[1]),
                Long.parseLong(request.message().path("data").path("messageId").asString())).one();
        return row == null ? null : row.getString("state");
    }

    /** Tokens of the devices whose claim is in state 'sending' now. */
    private Set<String> claimedAndSending(List<Recipient> recipients, Map<Long, StoredMessage> messageOf) {
        Set<String> tokens = new HashSet<>();
        for (Recipient r : recipients) {
            for (Map.Entry<String, String> device : r.tokenByDevice().entrySet()) {
                Row row = cql.execute("SELECT state FROM push_notified WHERE user_id = ? AND device_id = ? AND message_id = ?",
                        r.userId(), device.getKey(), messageOf.get(r.userId()).messageId()).one();
                if (row != null && DeliveryClaims.SENDING.equals(row.getString("state"))) {
                    tokens.add(device.getValue());
                }
            }
        }
        return tokens;
    }

    /**
     * Every record consumed (its offset committed) and every window closed with all its devices
     * done (no pending row left): after this no further FCM request can come for these messages.
     */
    private void awaitEverythingHandled(Map<Long, RecordMetadata> records, List<Recipient> recipients) {
        Duration patience = Duration.ofMinutes(4);
        assertThat(records).hasSize(recipients.size());
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", RealInfrastructure.kafka().bootstrapServers()))) {
            await().atMost(patience).pollInterval(Duration.ofSeconds(1)).until(() -> {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(NotificationListener.GROUP)
                        .partitionsToOffsetAndMetadata().get();
                return records.values().stream().allMatch(record -> {
                    OffsetAndMetadata offset = committed.get(new TopicPartition(record.topic(), record.partition()));
                    return offset != null && offset.offset() > record.offset();
                });
            });
        }
        await().atMost(patience).pollInterval(Duration.ofSeconds(1)).until(() -> recipients.stream().allMatch(r ->
                cql.execute("SELECT message_id FROM push_pending WHERE kafka_partition = ? AND user_id = ? "
                        + "AND conversation_id = ?", records.get(r.userId()).partition(), r.userId(), r.conversation())
                        .one() == null));
    }
}
