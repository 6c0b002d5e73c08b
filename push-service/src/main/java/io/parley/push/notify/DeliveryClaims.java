package io.parley.push.notify;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchStatementBuilder;
import com.datastax.oss.driver.api.core.cql.DefaultBatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import java.time.Clock;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * {@code push_notified}: at most one notification per (device, message), ever. A device's messages
 * are claimed with {@code IF NOT EXISTS} (one conditional batch per device: all of a device's rows
 * share a partition) BEFORE the FCM request, so a redelivered request, a second instance that got
 * the partition in a rebalance, or a zombie consumer finds the claim and sends nothing.
 *
 * <p>The price: a process killed after the claim and before FCM accepted the request leaves a
 * claim in state {@code sending} that is never sent (at-most-once per device). See the README.
 */
@Component
class DeliveryClaims {

    static final String SENDING = "sending";
    static final String SENT = "sent";
    static final String FAILED = "failed";

    /** Lost races for one device before giving up (only concurrent owners of one recipient race). */
    private static final int CLAIM_ATTEMPTS = 3;

    private final CqlSession session;
    private final Clock clock;
    private final PreparedStatement claim;
    private final PreparedStatement claimed;
    private final PreparedStatement finish;

    DeliveryClaims(CqlSession session, Clock clock) {
        this.session = session;
        this.clock = clock;
        this.claim = session.prepare("INSERT INTO push_notified (user_id, device_id, message_id, state, claimed_at) "
                + "VALUES (?, ?, ?, ?, ?) IF NOT EXISTS");
        this.claimed = session.prepare("SELECT message_id FROM push_notified WHERE user_id = ? "
                + "AND device_id = ? AND message_id IN ?");
        this.finish = session.prepare("UPDATE push_notified SET state = ?, fcm_name = ? "
                + "WHERE user_id = ? AND device_id = ? AND message_id IN ?");
    }

    /**
     * Claims the messages not yet claimed for this device.
     *
     * @return the message ids this call claimed (notify exactly these); empty if all were claimed before
     */
    Set<Long> claim(long userId, String deviceId, Collection<Long> messageIds) {
        for (int attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
            Set<Long> todo = new LinkedHashSet<>(messageIds);
            todo.removeAll(alreadyClaimed(userId, deviceId, messageIds));
            if (todo.isEmpty()) {
                return Set.of();
            }
            BatchStatementBuilder batch = BatchStatement.builder(DefaultBatchType.LOGGED);
            for (long id : todo) {
                batch.addStatement(claim.bind(userId, deviceId, id, SENDING, clock.instant()));
            }
            if (session.execute(batch.build()).wasApplied()) {
                return todo;
            }
            // Someone claimed one of them meanwhile: re-read and claim what is left.
        }
        return Set.of();
    }

    void markSent(long userId, String deviceId, Collection<Long> messageIds, String providerName) {
        session.execute(finish.bind(SENT, providerName, userId, deviceId, List.copyOf(messageIds)));
    }

    void markFailed(long userId, String deviceId, Collection<Long> messageIds, String reason) {
        session.execute(finish.bind(FAILED, reason, userId, deviceId, List.copyOf(messageIds)));
    }

    private Set<Long> alreadyClaimed(long userId, String deviceId, Collection<Long> messageIds) {
        Set<Long> found = new HashSet<>();
        // Read at SERIAL so a claim whose Paxos round is still in flight is seen, not missed.
        for (Row row : session.execute(claimed.bind(userId, deviceId, List.copyOf(messageIds))
                .setConsistencyLevel(ConsistencyLevel.LOCAL_SERIAL))) {
            found.add(row.getLong("message_id"));
        }
        return found;
    }
}
