package io.parley.push.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.parley.common.events.OfflineNotificationRequested;
import io.parley.common.events.StoredMessage;
import io.parley.common.events.Topics;
import io.parley.push.support.FakeFcm;
import io.parley.push.support.PushIntegrationTest;
import io.parley.push.support.PushServiceProcess;
import io.parley.testsupport.RealInfrastructure;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.kafka.support.serializer.JacksonJsonSerializer;

/**
 * Benchmark, not a test (no *IT / *Test suffix, so {@code mvn verify} does not run it):
 * notifications per second through push-service to a fake FCM. push-service runs as its own JVM
 * from the module's jar ({@link PushServiceProcess}, default settings unless overridden), on the
 * real Kafka and Cassandra of the test JVM, sending through firebase-admin to {@link FakeFcm}.
 * {@code bench.recipients} recipients (one device each) get {@code bench.burst} offline-notification
 * events each, published back to back as fast as one producer goes; the clock runs until FCM has a
 * request for every recipient's latest message. Run (figures are printed as "push-bench: …"):
 * <pre>
 * ./mvnw -B -pl push-service -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dfailsafe.failIfNoSpecifiedTests=false -Dit.test=PushThroughputBenchmark \
 *     [-Dbench.recipients=2000 -Dbench.burst=5 -Dbench.window=3s]
 * </pre>
 * Latency is from the publish of an event to the arrival of the FCM request that carries it, so it
 * includes the coalescing window ({@code bench.window}, push-service's {@code coalesce-window}).
 */
class PushThroughputBenchmark extends PushIntegrationTest {

    private static final int RECIPIENTS = Integer.getInteger("bench.recipients", 2000);
    private static final int BURST = Integer.getInteger("bench.burst", 5);
    private static final String WINDOW = System.getProperty("bench.window", "3s");
    /** push-service's parley.push.consumer.sender-threads (its default unless given). */
    private static final String SENDER_THREADS = System.getProperty("bench.senderThreads", "");

    @Autowired
    KafkaListenerEndpointRegistry listeners;

    @Test
    void notificationsPerSecond() throws Exception {
        MessageListenerContainer inJvm = listeners.getListenerContainer(NotificationListener.GROUP);
        inJvm.stop(); // only the measured process consumes
        await().atMost(PATIENCE).until(() -> !inJvm.isRunning());
        long alice = user("Alice");
        Map<String, Long> recipientOfToken = new HashMap<>();
        long[] recipients = new long[RECIPIENTS];
        long[] conversations = new long[RECIPIENTS];
        for (int i = 0; i < RECIPIENTS; i++) {
            recipients[i] = randomId();
            conversations[i] = randomId();
            String token = token("bench-" + i);
            cql.execute("INSERT INTO push_devices (user_id, device_id, platform, fcm_token, updated_at) "
                    + "VALUES (?, 'phone', 'android', ?, ?)", recipients[i], token, Instant.now());
            recipientOfToken.put(token, recipients[i]);
        }
        try (PushServiceProcess service = PushServiceProcess.start("bench", fcm, serviceProperties());
             KafkaProducer<String, Object> producer = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, RealInfrastructure.kafka().bootstrapServers(),
                     ProducerConfig.ACKS_CONFIG, "all",
                     ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                     ProducerConfig.LINGER_MS_CONFIG, 5),
                     new StringSerializer(), new JacksonJsonSerializer<>().noTypeInfo())) {
            // Warm-up: one notification through the whole path (JIT, connections, prepared statements).
            long warm = randomId();
            String warmToken = token("bench-warm");
            cql.execute("INSERT INTO push_devices (user_id, device_id, platform, fcm_token, updated_at) "
                    + "VALUES (?, 'phone', 'android', ?, ?)", warm, warmToken, Instant.now());
            producer.send(new ProducerRecord<>(Topics.NOTIFICATIONS_OFFLINE, Long.toString(warm),
                    new OfflineNotificationRequested(warm, message(randomId(), alice, 1, "warm-up")))).get();
            await().atMost(PATIENCE).until(() -> !fcm.requestsFor(warmToken).isEmpty());

            Map<Long, Long> publishedAt = new HashMap<>(); // message id -> epoch ms
            Map<Long, Long> burstStartedAt = new HashMap<>(); // recipient -> first publish of its burst
            long start = System.currentTimeMillis();
            for (int i = 0; i < RECIPIENTS; i++) {
                for (int seq = 1; seq <= BURST; seq++) {
                    StoredMessage m = new StoredMessage(randomId(), conversations[i], seq, alice, "c-" + randomId(),
                            "message " + seq, System.currentTimeMillis());
                    publishedAt.put(m.messageId(), m.sentAt());
                    burstStartedAt.putIfAbsent(recipients[i], m.sentAt());
                    producer.send(new ProducerRecord<>(Topics.NOTIFICATIONS_OFFLINE, Long.toString(recipients[i]),
                            new OfflineNotificationRequested(recipients[i], m)));
                }
            }
            producer.flush();
            long published = System.currentTimeMillis();

            String last = Integer.toString(BURST);
            await().atMost(Duration.ofMinutes(15)).pollInterval(Duration.ofMillis(200)).until(() -> {
                Set<Long> done = new HashSet<>();
                for (FakeFcm.Request r : fcm.all()) {
                    Long recipient = recipientOfToken.get(r.token());
                    if (recipient != null && last.equals(r.message().path("data").path("seq").asString())) {
                        done.add(recipient);
                    }
                }
                return done.size() == RECIPIENTS;
            });
            List<FakeFcm.Request> ours = fcm.all().stream().filter(r -> recipientOfToken.containsKey(r.token())).toList();
            long firstRequest = ours.stream().mapToLong(FakeFcm.Request::receivedAtMillis).min().orElseThrow();
            long lastRequest = ours.stream().mapToLong(FakeFcm.Request::receivedAtMillis).max().orElseThrow();
            long[] fromLatestEvent = new long[ours.size()];
            long[] fromBurstStart = new long[ours.size()];
            for (int i = 0; i < ours.size(); i++) {
                FakeFcm.Request r = ours.get(i);
                long messageId = Long.parseLong(r.message().path("data").path("messageId").asString());
                fromLatestEvent[i] = r.receivedAtMillis() - publishedAt.get(messageId);
                fromBurstStart[i] = r.receivedAtMillis() - burstStartedAt.get(recipientOfToken.get(r.token()));
            }
            int events = RECIPIENTS * BURST;
            double totalSeconds = (lastRequest - start) / 1000.0;
            double sendingSeconds = Math.max(1, lastRequest - firstRequest) / 1000.0;
            System.out.printf("push-bench: %d events (%d recipients x %d), coalesce-window %s, %d cores, load average %.1f%n",
                    events, RECIPIENTS, BURST, WINDOW, Runtime.getRuntime().availableProcessors(),
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            System.out.printf("push-bench: published in %.1f s (%.0f events/s)%n", (published - start) / 1000.0,
                    events / Math.max(0.001, (published - start) / 1000.0));
            System.out.printf("push-bench: FCM messages %d = FCM HTTP calls %d (sendEach makes one HTTP v1 request per message); "
                    + "%.2f events per message%n", ours.size(), ours.size(), events / (double) ours.size());
            System.out.printf("push-bench: first publish -> last FCM request %.1f s: %.0f FCM messages/s, %.0f events/s%n",
                    totalSeconds, ours.size() / totalSeconds, events / totalSeconds);
            System.out.printf("push-bench: first -> last FCM request %.1f s: %.0f FCM messages/s%n",
                    sendingSeconds, ours.size() / sendingSeconds);
            System.out.printf("push-bench: latency latest event -> FCM request: p50 %d ms, p99 %d ms, max %d ms%n",
                    percentile(fromLatestEvent, 50), percentile(fromLatestEvent, 99), percentile(fromLatestEvent, 100));
            System.out.printf("push-bench: latency first event of the burst -> FCM request: p50 %d ms, p99 %d ms, max %d ms%n",
                    percentile(fromBurstStart, 50), percentile(fromBurstStart, 99), percentile(fromBurstStart, 100));
            assertThat(ours).hasSizeGreaterThanOrEqualTo(RECIPIENTS);
        } finally {
            inJvm.start();
        }
    }

    private static long percentile(long[] values, int p) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static String[] serviceProperties() {
        return SENDER_THREADS.isBlank()
                ? new String[] {"parley.push.coalesce-window=" + WINDOW}
                : new String[] {"parley.push.coalesce-window=" + WINDOW, "parley.push.consumer.sender-threads=" + SENDER_THREADS};
    }
}
