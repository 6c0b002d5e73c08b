package io.parley.push.notify;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchStatementBuilder;
import com.datastax.oss.driver.api.core.cql.DefaultBatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.parley.push.config.PushSettings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * {@code push_notified}: one row per (device, message), taken BEFORE the FCM request, so a
 * redelivered request, a second instance that got the partition in a rebalance, or a zombie
 * consumer finds the claim and does not send again.
 *
 * <p>A claim in state {@code sending} is a lease, not a permanent mark: {@code claimed_at} is when
 * its holder's current FCM attempt starts (re-stamped to the next attempt's time before a
 * scheduled retry), and the claim protects that attempt for {@code parley.push.claim-lease}. One
 * still {@code sending} after that belongs to a dead instance (killed between the claim and
 * FCM's answer), and the next one to notify the window takes it over with a conditional update
 * and sends it: nothing claimed is lost. Both the first claim ({@code IF NOT EXISTS}) and a
 * takeover ({@code IF claimed_at = <the stale stamp>}) are lightweight transactions in one
 * conditional batch per device (all of a device's rows share a partition), so exactly one
 * instance wins each. The cost, documented in the README: a holder killed after FCM accepted its
 * request but before it wrote {@code sent} is sent again by the next owner (the collapse key makes
 * the second replace the first on the device).
 */
@Component
class DeliveryClaims {

    static final String SENDING = "sending";
    static final String SENT = "sent";
    static final String FAILED = "failed";

    /** Lost races for one device before giving up for now (only concurrent owners of one recipient race). */
    private static final int CLAIM_ATTEMPTS = 3;

    /**
     * What {@link #claim} got for one device.
     *
     * @param claimed   the message ids this call now holds (notify exactly these), all stamped {@code stamp}
     * @param stamp     the {@code claimed_at} written on them, needed to {@link #extend} the lease
     * @param busyUntil when a live lease of someone else on other messages of this window ends
     *                  (ask again then), or null if none is held elsewhere
     */
    record Claim(Set<Long> claimed, Instant stamp, Instant busyUntil) {

        static Claim nothing(Instant busyUntil) {
            return new Claim(Set.of(), null, busyUntil);
        }
    }

    private final CqlSession session;
    private final Clock clock;
    private final Duration lease;
    private final PreparedStatement insert;
    private final PreparedStatement takeOver;
    private final PreparedStatement read;
    private final PreparedStatement finish;

    DeliveryClaims(CqlSession session, Clock clock, PushSettings settings) {
        this.session = session;
        this.clock = clock;
        this.lease = settings.claimLease();
        this.insert = session.prepare("INSERT INTO push_notified (user_id, device_id, message_id, state, claimed_at) "
                + "VALUES (?, ?, ?, '" + SENDING + "', ?) IF NOT EXISTS");
        this.takeOver = session.prepare("UPDATE push_notified SET claimed_at = ? "
                + "WHERE user_id = ? AND device_id = ? AND message_id = ? IF state = '" + SENDING + "' AND claimed_at = ?");
        this.read = session.prepare("SELECT message_id, state, claimed_at FROM push_notified WHERE user_id = ? "
                + "AND device_id = ? AND message_id IN ?");
        this.finish = session.prepare("UPDATE push_notified SET state = ?, fcm_name = ? "
                + "WHERE user_id = ? AND device_id = ? AND message_id IN ?");
    }

    /**
     * Claims this device's messages that nobody has notified or is notifying: new ones, and those
     * whose holder's lease ran out (a dead instance's).
     */
    Claim claim(long userId, String deviceId, Collection<Long> messageIds) {
        Instant busyUntil = null;
        for (int attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
            Instant now = stamp(clock.instant());
            Map<Long, Row> existing = existing(userId, deviceId, messageIds);
            Set<Long> todo = new LinkedHashSet<>();
            busyUntil = null;
            BatchStatementBuilder batch = BatchStatement.builder(DefaultBatchType.LOGGED);
            for (long id : messageIds) {
                Row row = existing.get(id);
                if (row == null) {
                    todo.add(id);
                    batch.addStatement(insert.bind(userId, deviceId, id, now));
                    continue;
                }
                if (!SENDING.equals(row.getString("state"))) {
                    continue; // sent, or given up for a reason that another attempt would not change
                }
                Instant held = row.getInstant("claimed_at");
                Instant expires = held == null ? now : held.plus(lease);
                if (!expires.isAfter(now)) {
                    todo.add(id); // its holder died between the claim and FCM's answer
                    batch.addStatement(takeOver.bind(now, userId, deviceId, id, held));
                } else if (busyUntil == null || expires.isBefore(busyUntil)) {
                    busyUntil = expires;
                }
            }
            if (todo.isEmpty()) {
                return Claim.nothing(busyUntil);
            }
            if (session.execute(batch.build()).wasApplied()) {
                return new Claim(todo, now, busyUntil);
            }
            // Someone claimed or took over one of them meanwhile: re-read and claim what is left.
        }
        return Claim.nothing(busyUntil != null ? busyUntil : clock.instant().plus(lease));
    }

    /**
     * Moves the lease of claims this instance holds to cover an attempt that starts at
     * {@code nextAttempt} (a retry after a 429/5xx), so nobody takes them over while it waits.
     *
     * @return the new stamp, or null if the claims are no longer this instance's (its lease ran
     *         out and another instance took them over: that one sends, this one must not)
     */
    Instant extend(long userId, String deviceId, Collection<Long> messageIds, Instant stamp, Instant nextAttempt) {
        Instant next = stamp(nextAttempt);
        BatchStatementBuilder batch = BatchStatement.builder(DefaultBatchType.LOGGED);
        for (long id : messageIds) {
            batch.addStatement(takeOver.bind(next, userId, deviceId, id, stamp));
        }
        return session.execute(batch.build()).wasApplied() ? next : null;
    }

    void markSent(long userId, String deviceId, Collection<Long> messageIds, String providerName) {
        session.execute(finish.bind(SENT, providerName, userId, deviceId, List.copyOf(messageIds)));
    }

    void markFailed(long userId, String deviceId, Collection<Long> messageIds, String reason) {
        session.execute(finish.bind(FAILED, reason, userId, deviceId, List.copyOf(messageIds)));
    }

    private Map<Long, Row> existing(long userId, String deviceId, Collection<Long> messageIds) {
        Map<Long, Row> found = new HashMap<>();
        // Read at SERIAL so a claim whose Paxos round is still in flight is seen, not missed.
        for (Row row : session.execute(read.bind(userId, deviceId, List.copyOf(messageIds))
                .setConsistencyLevel(ConsistencyLevel.LOCAL_SERIAL))) {
            found.put(row.getLong("message_id"), row);
        }
        return found;
    }

    /** Cassandra keeps milliseconds; a stamp compared in {@code IF claimed_at = ?} must be exactly what was stored. */
    private static Instant stamp(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MILLIS);
    }
}
