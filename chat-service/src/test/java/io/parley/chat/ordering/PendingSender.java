package io.parley.chat.ordering;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;

/**
 * The sending half of a client, kept as docs/protocol.md ("Sending, acks and retries") tells a
 * client to keep it: every message is stored as <em>pending</em> before it is sent, stays pending
 * until its {@code ack}, and is sent again with the <b>same</b> id after a lost connection
 * ({@link #resendPending}, called once the device is welcomed again) or after an {@code unavailable}
 * or {@code too_many_requests} answer. At most {@code window} messages are pending at once.
 *
 * <p>It records what a test needs to judge the server: the ack of every client id (and any later
 * ack of the same id that names another message), which ids were sent more than once, and which of
 * those the server had already accepted before the retry (the retry's ack carries the first
 * accept's {@code sentAt}, older than the retry).
 */
final class PendingSender {

    private static final Set<String> RETRYABLE = Set.of("unavailable", "too_many_requests");
    private static final Duration RETRY_PAUSE = Duration.ofMillis(500);
    private static final ScheduledExecutorService LATER = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "sender-retry");
        thread.setDaemon(true);
        return thread;
    });

    /** The first ack of one client id. */
    record Ack(String clientId, String messageId, long sentAt) {
    }

    final Device device;
    private final int window;

    /** Client id → text, in the order they were created; guarded by this. */
    private final Map<String, String> pending = new LinkedHashMap<>();
    private final List<String> created = new ArrayList<>();
    private int counter;

    private final Map<String, Ack> acks = new ConcurrentHashMap<>();
    private final Queue<String> ackConflicts = new ConcurrentLinkedQueue<>();
    private final Map<String, Long> firstRetryAt = new ConcurrentHashMap<>();
    private final Queue<String> refusals = new ConcurrentLinkedQueue<>();
    private final Queue<String> retryableAnswers = new ConcurrentLinkedQueue<>();

    PendingSender(Device device, int window) {
        this.device = device;
        this.window = window;
    }

    synchronized boolean hasRoom() {
        return pending.size() < window;
    }

    /** Creates the next message, stores it as pending, and sends it (if connected: else it waits for the resend). */
    void sendNext() {
        String clientId;
        String text;
        synchronized (this) {
            clientId = device.name + "-" + (++counter);
            text = device.name + " says " + counter;
            pending.put(clientId, text);
            created.add(clientId);
        }
        transmit(clientId, text, false);
    }

    /** After a reconnect: every pending message again, with its original id. */
    void resendPending() {
        Map<String, String> again;
        synchronized (this) {
            again = new LinkedHashMap<>(pending);
        }
        long now = System.currentTimeMillis();
        again.forEach((clientId, text) -> {
            firstRetryAt.putIfAbsent(clientId, now);
            transmit(clientId, text, true);
        });
    }

    private void transmit(String clientId, String text, boolean resend) {
        device.send(clientId, text, resend).whenComplete((frame, error) -> {
            if (frame != null) {
                acked(clientId, frame);
            } else if (error instanceof Device.Refused refused && RETRYABLE.contains(refused.code())) {
                retryableAnswers.add(refused.getMessage());
                LATER.schedule(() -> {
                    if (isPending(clientId) && device.connected()) {
                        firstRetryAt.putIfAbsent(clientId, System.currentTimeMillis());
                        transmit(clientId, text, true);
                    }
                }, RETRY_PAUSE.toMillis(), TimeUnit.MILLISECONDS);
            } else if (error instanceof Device.Refused refused) {
                // Not retryable: the server says nothing was stored; the test fails on it.
                refusals.add(refused.getMessage());
                synchronized (this) {
                    pending.remove(clientId);
                }
            }
            // Any other failure: not connected. It stays pending; the reconnect resends it.
        });
    }

    private void acked(String clientId, JsonNode frame) {
        Ack ack = new Ack(clientId, frame.path("messageId").asString(), frame.path("sentAt").asLong());
        Ack first = acks.putIfAbsent(clientId, ack);
        if (first != null && !first.equals(ack)) {
            ackConflicts.add(clientId + ": first " + first + ", then " + ack);
        }
        synchronized (this) {
            pending.remove(clientId);
        }
    }

    synchronized boolean isPending(String clientId) {
        return pending.containsKey(clientId);
    }

    synchronized int pendingCount() {
        return pending.size();
    }

    /** Every client id this sender ever created, in order. */
    synchronized List<String> created() {
        return List.copyOf(created);
    }

    Map<String, Ack> acks() {
        return Map.copyOf(acks);
    }

    /** Client ids sent more than once (after a lost connection or a retryable answer). */
    Set<String> retried() {
        return Set.copyOf(firstRetryAt.keySet());
    }

    /**
     * Retried ids whose ack is older than their first retry: the server had accepted (claimed and
     * published, or was publishing) the first attempt, whose ack the lost connection swallowed.
     */
    Set<String> retriedAfterAnUnseenAccept() {
        Set<String> ids = ConcurrentHashMap.newKeySet();
        firstRetryAt.forEach((clientId, retryAt) -> {
            Ack ack = acks.get(clientId);
            if (ack != null && ack.sentAt() < retryAt) {
                ids.add(clientId);
            }
        });
        return ids;
    }

    /** A second ack of one id that named another message, or another time: must stay empty. */
    List<String> ackConflicts() {
        return List.copyOf(ackConflicts);
    }

    /** Non-retryable error answers: must stay empty. */
    List<String> refusals() {
        return List.copyOf(refusals);
    }

    /** Retryable error answers ({@code unavailable}, {@code too_many_requests}): allowed, counted. */
    List<String> retryableAnswers() {
        return List.copyOf(retryableAnswers);
    }
}
