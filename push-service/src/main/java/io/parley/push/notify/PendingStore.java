package io.parley.push.notify;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.parley.common.events.StoredMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.springframework.stereotype.Component;

/**
 * {@code push_pending}: the requests sitting in a coalescing window, filed by Kafka partition.
 * Writing a request here is what lets its Kafka offset be committed at once (so the consumer never
 * waits for windows to close); whoever owns the partition after a crash or rebalance reloads them.
 * Each Cassandra partition holds one Kafka partition's open windows only (rows are deleted when
 * their notification is handled), so it stays small; more load means more Kafka partitions.
 */
@Component
class PendingStore {

    private final CqlSession session;
    private final PreparedStatement insert;
    private final PreparedStatement selectPartition;
    private final PreparedStatement delete;

    PendingStore(CqlSession session) {
        this.session = session;
        this.insert = session.prepare("INSERT INTO push_pending (kafka_partition, user_id, conversation_id, message_id, "
                + "seq, sender_id, body, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
        this.selectPartition = session.prepare("SELECT user_id, conversation_id, message_id, seq, sender_id, body, sent_at "
                + "FROM push_pending WHERE kafka_partition = ?");
        this.delete = session.prepare("DELETE FROM push_pending WHERE kafka_partition = ? AND user_id = ? "
                + "AND conversation_id = ? AND message_id IN ?");
    }

    /** Writes in flight at once for one poll (the driver's per-connection limit is far above it). */
    static final int WRITE_WINDOW = 128;

    /** Saves every request (idempotent: a redelivered request rewrites the same row), in parallel windows; returns once Cassandra acknowledged all (or throws). */
    void saveAll(List<PendingNotification> requests) {
        for (int from = 0; from < requests.size(); from += WRITE_WINDOW) {
            List<CompletableFuture<?>> writes = new ArrayList<>();
            for (PendingNotification pending : requests.subList(from, Math.min(requests.size(), from + WRITE_WINDOW))) {
                StoredMessage m = pending.message();
                writes.add(session.executeAsync(insert.bind(pending.partition(), pending.recipientId(), m.conversationId(),
                        m.messageId(), m.seq(), m.senderId(), m.text() == null ? "" : m.text(),
                        Instant.ofEpochMilli(m.sentAt()))).toCompletableFuture());
            }
            CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();
        }
    }

    List<PendingNotification> load(int partition) {
        List<PendingNotification> pending = new ArrayList<>();
        for (Row row : session.execute(selectPartition.bind(partition))) {
            StoredMessage message = new StoredMessage(row.getLong("message_id"), row.getLong("conversation_id"),
                    row.getLong("seq"), row.getLong("sender_id"), null, row.getString("body"),
                    row.getInstant("sent_at").toEpochMilli());
            pending.add(new PendingNotification(partition, row.getLong("user_id"), message));
        }
        return pending;
    }

    void delete(CoalescingBuffer.Group group) {
        List<Long> ids = group.notifications().stream().map(n -> n.message().messageId()).toList();
        session.execute(delete.bind(group.partition(), group.key().recipientId(), group.key().conversationId(), ids));
    }
}
