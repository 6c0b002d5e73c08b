package io.parley.api.idempotency;

import com.datastax.oss.driver.api.core.DriverException;
import io.parley.api.idempotency.IdempotencyKeyStore.StoredKey;
import io.parley.api.idempotency.IdempotencyKeyStore.StoredResponse;
import io.parley.common.web.ApiException;
import io.parley.id.IdGenerator;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs a mutating request once per (caller, {@code Idempotency-Key}), for any controller: a client
 * that timed out and retries with the same key gets the first answer again instead of a second
 * change. Without the header the operation simply runs.
 *
 * <p>The first request claims the key in Cassandra (IF NOT EXISTS) with a fingerprint of the request
 * and an operation id, runs the operation and records its answer. A retry with the same key and the
 * same request gets that answer (marked {@value #REPLAYED_HEADER}); with another request, 422; while
 * the first still runs, 409. Only successes are recorded: a request that failed (4xx, 5xx) changed
 * nothing that a redo would not finish, so its retry runs again.
 *
 * <p>Crashes: the claim holds a lease; if its holder dies before recording the answer, a retry after
 * the lease takes it over and runs the operation again <em>with the same operation id</em>. Operations
 * must make that redo harmless by using the id for what they create (a group id, a system message id
 * that the sequencer de-duplicates), so the redo finishes the first attempt instead of repeating it.
 */
@Component
public class IdempotentRequests {

    public static final String HEADER = "Idempotency-Key";
    public static final String HEADER_DESCRIPTION = "Optional, 1-128 visible ASCII characters (e.g. a UUID) chosen by "
            + "the client per change. A retry with the same key and the same request gets the first answer again "
            + "(header Idempotent-Replayed: true) instead of making a second change; the same key with another "
            + "request is a 422, and a retry while the first is still running a 409. Keys are kept 24 hours, per user.";
    /** Set to {@code true} on an answer repeated from an earlier request with the same key. */
    public static final String REPLAYED_HEADER = "Idempotent-Replayed";
    static final int MAX_KEY_LENGTH = 128;
    /** Lost takeover races in a row before answering 409 (another retry holds the key then). */
    private static final int MAX_CLAIM_ATTEMPTS = 3;

    private static final Logger log = LoggerFactory.getLogger(IdempotentRequests.class);

    /** A request as far as idempotency goes: who sends it, with which key (null: none), and what it asks. */
    public record Request(long callerId, String key, String method, String path, Object body) {

        /** {@code body} is the parsed request body (null when there is none); it is part of the fingerprint. */
        public static Request of(long callerId, String key, HttpServletRequest http, Object body) {
            return new Request(callerId, key, http.getMethod(), http.getRequestURI(), body);
        }
    }

    /** The work of a request. {@code operationId} is new per key and the same on every redo of it. */
    @FunctionalInterface
    public interface Operation<T> {
        ResponseEntity<T> run(long operationId);
    }

    private final IdempotencyKeyStore store;
    private final IdGenerator ids;
    private final Clock clock;
    private final JsonMapper json;
    private final IdempotencySettings settings;

    IdempotentRequests(IdempotencyKeyStore store, IdGenerator ids, Clock clock, JsonMapper json,
            IdempotencySettings settings) {
        this.store = store;
        this.ids = ids;
        this.clock = clock;
        this.json = json;
        this.settings = settings;
    }

    /**
     * Runs {@code operation} unless the request's key says it already ran; {@code bodyType} is the
     * answer's body type, to repeat a recorded answer.
     */
    public <T> ResponseEntity<T> execute(Request request, Class<T> bodyType, Operation<T> operation) {
        if (request.key() == null) {
            return operation.run(ids.nextId());
        }
        String key = validKey(request.key());
        String fingerprint = fingerprint(request);
        UUID leaseId = UUID.randomUUID();
        long newOperationId = ids.nextId();
        int ttl = (int) settings.retention().toSeconds();
        for (int attempt = 1; attempt <= MAX_CLAIM_ATTEMPTS; attempt++) {
            Instant now = clock.instant();
            Optional<StoredKey> earlier = store.claim(request.callerId(), key, fingerprint, newOperationId, leaseId,
                    now.plus(settings.lease()), ttl);
            if (earlier.isEmpty()) {
                return runHolding(request.callerId(), key, fingerprint, newOperationId, leaseId, operation);
            }
            StoredKey stored = earlier.get();
            if (!fingerprint.equals(stored.fingerprint())) {
                throw ApiException.unprocessable("The " + HEADER + " was already used for another request "
                        + "(another method, path or body); use a new key for a new request.");
            }
            if (stored.done()) {
                return replay(stored, bodyType);
            }
            if (stored.leaseUntil() != null && stored.leaseUntil().isAfter(now)) {
                throw inProgress();
            }
            // The holder crashed or gave up: take the key over and finish its operation.
            if (store.moveLease(request.callerId(), key, stored, stored.leaseId(), leaseId,
                    now.plus(settings.lease()), ttl)) {
                return runHolding(request.callerId(), key, fingerprint, stored.operationId(), leaseId, operation);
            }
            // Another retry took it over or it finished meanwhile: look again.
        }
        throw inProgress();
    }

    private <T> ResponseEntity<T> runHolding(long callerId, String key, String fingerprint, long operationId,
            UUID leaseId, Operation<T> operation) {
        ResponseEntity<T> response;
        try {
            response = operation.run(operationId);
        } catch (RuntimeException e) {
            release(callerId, key, fingerprint, operationId, leaseId);
            throw e;
        }
        if (!response.getStatusCode().is2xxSuccessful()) {
            release(callerId, key, fingerprint, operationId, leaseId);
            return response;
        }
        try {
            URI location = response.getHeaders().getLocation();
            StoredResponse answer = new StoredResponse(response.getStatusCode().value(),
                    response.hasBody() ? json.writeValueAsString(response.getBody()) : null,
                    location == null ? null : location.toString());
            store.complete(callerId, key, fingerprint, operationId, leaseId, clock.instant(), answer,
                    (int) settings.retention().toSeconds());
        } catch (DriverException e) {
            // The change is made; only its answer is not remembered. A retry after the lease redoes
            // the operation with the same id, which finds it done.
            log.warn("could not record the answer for {} of user {}: {}", HEADER, callerId, e.toString());
        }
        return response;
    }

    /** Lets a retry run the operation again at once instead of after the lease. */
    private void release(long callerId, String key, String fingerprint, long operationId, UUID leaseId) {
        try {
            StoredKey held = new StoredKey(fingerprint, operationId, IdempotencyKeyStore.IN_PROGRESS, leaseId, null,
                    null, null, null);
            store.moveLease(callerId, key, held, leaseId, leaseId, clock.instant(), (int) settings.retention().toSeconds());
        } catch (DriverException e) {
            log.warn("could not release {} of user {} (a retry waits for the lease): {}", HEADER, callerId, e.toString());
        }
    }

    private <T> ResponseEntity<T> replay(StoredKey stored, Class<T> bodyType) {
        ResponseEntity.BodyBuilder answer = ResponseEntity.status(stored.responseStatus()).header(REPLAYED_HEADER, "true");
        if (stored.responseLocation() != null) {
            answer.location(URI.create(stored.responseLocation()));
        }
        return answer.body(stored.responseBody() == null ? null : json.readValue(stored.responseBody(), bodyType));
    }

    private static ApiException inProgress() {
        return ApiException.inProgress("A request with this " + HEADER + " is still in progress; retry shortly.");
    }

    /** Visible ASCII only: a key is compared byte for byte, so nothing that proxies might rewrite. */
    static String validKey(String key) {
        boolean valid = !key.isEmpty() && key.length() <= MAX_KEY_LENGTH
                && key.chars().allMatch(c -> c >= 0x21 && c <= 0x7e);
        if (!valid) {
            throw ApiException.badRequest(HEADER, "must be 1-" + MAX_KEY_LENGTH
                    + " visible ASCII characters (no spaces), e.g. a UUID");
        }
        return key;
    }

    /**
     * SHA-256 of method, path and the parsed body re-serialized: the same request gives the same
     * fingerprint however its JSON was spaced.
     */
    String fingerprint(Request request) {
        String body = request.body() == null ? "" : json.writeValueAsString(request.body());
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest((request.method() + ' ' + request.path() + '\n' + body).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
