package io.parley.api.idempotency;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.cql.BoundStatementBuilder;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Repository;

/**
 * The {@code idempotency_keys} table (schema V006). Every write is conditional: the claim with
 * IF NOT EXISTS, everything after it on the lease it holds. Every write rewrites all the claim's
 * columns with the same TTL, so a row expires whole and is never seen half gone.
 */
@Repository
class IdempotencyKeyStore {

    static final String IN_PROGRESS = "in_progress";
    static final String DONE = "done";

    /** A stored key; the response fields are set once {@link #state} is done. */
    record StoredKey(String fingerprint, long operationId, String state, UUID leaseId, Instant leaseUntil,
                     Integer responseStatus, String responseBody, String responseLocation) {

        boolean done() {
            return DONE.equals(state);
        }
    }

    /** What a finished operation answered, to repeat to retries. Body and location may be null. */
    record StoredResponse(int status, String body, String location) {
    }

    private final CqlSession session;
    private final ConsistencyLevel serialConsistency;
    private final PreparedStatement claim;
    private final PreparedStatement select;
    private final PreparedStatement renewLease;
    private final PreparedStatement complete;

    IdempotencyKeyStore(CqlSession session) {
        this.session = session;
        // Read at the serial level the LWTs use: sees every committed claim, even one whose Paxos
        // round is still being completed.
        this.serialConsistency = DefaultConsistencyLevel.valueOf(session.getContext().getConfig()
                .getDefaultProfile().getString(DefaultDriverOption.REQUEST_SERIAL_CONSISTENCY));
        this.claim = session.prepare("INSERT INTO idempotency_keys (caller_id, idempotency_key, fingerprint,"
                + " operation_id, state, lease_id, lease_until) VALUES (?, ?, ?, ?, '" + IN_PROGRESS + "', ?, ?)"
                + " IF NOT EXISTS USING TTL ?");
        this.select = session.prepare("SELECT fingerprint, operation_id, state, lease_id, lease_until,"
                + " response_status, response_body, response_location FROM idempotency_keys"
                + " WHERE caller_id = ? AND idempotency_key = ?");
        this.renewLease = session.prepare("UPDATE idempotency_keys USING TTL ? SET fingerprint = ?, operation_id = ?,"
                + " state = '" + IN_PROGRESS + "', lease_id = ?, lease_until = ? WHERE caller_id = ? AND idempotency_key = ?"
                + " IF state = '" + IN_PROGRESS + "' AND lease_id = ?");
        this.complete = session.prepare("UPDATE idempotency_keys USING TTL :ttl SET fingerprint = :fingerprint,"
                + " operation_id = :operation_id, state = '" + DONE + "', lease_id = :lease_id, lease_until = :lease_until,"
                + " response_status = :response_status, response_body = :response_body,"
                + " response_location = :response_location"
                + " WHERE caller_id = :caller_id AND idempotency_key = :idempotency_key IF lease_id = :held_lease_id");
    }

    /** Claims the key; empty when claimed, else the key as someone stored it before. */
    Optional<StoredKey> claim(long callerId, String key, String fingerprint, long operationId, UUID leaseId,
            Instant leaseUntil, int ttlSeconds) {
        Row row = session.execute(claim.bind(callerId, key, fingerprint, operationId, leaseId, leaseUntil, ttlSeconds)).one();
        return row.getBoolean("[applied]") ? Optional.empty() : Optional.of(storedKey(row));
    }

    Optional<StoredKey> find(long callerId, String key) {
        Row row = session.execute(select.bind(callerId, key).setConsistencyLevel(serialConsistency)).one();
        return Optional.ofNullable(row).map(IdempotencyKeyStore::storedKey);
    }

    /**
     * Moves the lease of an unfinished key from {@code expectedLeaseId} to {@code leaseId} until
     * {@code leaseUntil}: a takeover (new lease id) or a release (same id, until now). False if the
     * lease is no longer {@code expectedLeaseId} or the key is done.
     */
    boolean moveLease(long callerId, String key, StoredKey stored, UUID expectedLeaseId, UUID leaseId,
            Instant leaseUntil, int ttlSeconds) {
        return session.execute(renewLease.bind(ttlSeconds, stored.fingerprint(), stored.operationId(), leaseId,
                leaseUntil, callerId, key, expectedLeaseId)).wasApplied();
    }

    /** Records the answer; false if the lease was taken over meanwhile (the new holder records its own). */
    boolean complete(long callerId, String key, String fingerprint, long operationId, UUID leaseId, Instant now,
            StoredResponse response, int ttlSeconds) {
        BoundStatementBuilder write = complete.boundStatementBuilder()
                .setInt("ttl", ttlSeconds)
                .setString("fingerprint", fingerprint)
                .setLong("operation_id", operationId)
                .setUuid("lease_id", leaseId)
                .setUuid("held_lease_id", leaseId)
                .setInstant("lease_until", now)
                .setInt("response_status", response.status())
                .setLong("caller_id", callerId)
                .setString("idempotency_key", key);
        // Absent parts stay unset: no null written, no tombstone.
        if (response.body() != null) {
            write.setString("response_body", response.body());
        }
        if (response.location() != null) {
            write.setString("response_location", response.location());
        }
        return session.execute(write.build()).wasApplied();
    }

    private static StoredKey storedKey(Row row) {
        return new StoredKey(row.getString("fingerprint"),
                row.isNull("operation_id") ? 0 : row.getLong("operation_id"),
                row.getString("state"), row.getUuid("lease_id"), row.getInstant("lease_until"),
                row.isNull("response_status") ? null : row.getInt("response_status"),
                row.getString("response_body"), row.getString("response_location"));
    }
}
