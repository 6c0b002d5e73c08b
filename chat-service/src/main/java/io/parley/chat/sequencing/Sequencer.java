package io.parley.chat.sequencing;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchStatementBuilder;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.parley.common.events.MessageSubmitted;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Gives messages their dense places in their conversation (docs/design.md, step 4), a whole poll's
 * worth of one conversation at a time.
 *
 * <p>Kafka hands a conversation's partition to one consumer at a time, so normally one thread
 * sequences a conversation and every claim below succeeds at the first try. The claims still go
 * through a lightweight transaction because "one consumer at a time" is not guaranteed at every
 * instant: a consumer that stalled past its poll interval (a zombie) may still be working on records
 * the group already gave to another. The seqs of a batch are claimed together: one conditional
 * batch of {@code IF NOT EXISTS} inserts into the conversation's one partition, which Cassandra
 * applies in a single Paxos round, all or nothing. Whoever loses re-reads and claims after the
 * winner, so a seq never names two messages, and the Paxos cost is paid once per conversation per
 * poll rather than once per message.
 *
 * <p>Idempotent by message id: a replayed record (crash before the offset commit) or a re-published
 * one (client retry after a node crash) finds its position, or finds one of the newest claims
 * naming it, and keeps its first seq.
 */
@Component
class Sequencer {

    private static final Logger log = LoggerFactory.getLogger(Sequencer.class);

    /** Lost claim races in a row before the batch is failed (and retried by the error handler). */
    static final int MAX_CLAIM_ATTEMPTS = 50;
    /**
     * Seqs claimed in one conditional batch. Each claim row is tiny; 100 of them stay far below
     * Cassandra's batch size warning, and a conversation's poll rarely holds more.
     */
    static final int MAX_CLAIMS_PER_ROUND = 100;
    /**
     * Claims read beyond the batch's own size when looking for claims that already name its
     * messages: a zombie may have claimed a few later messages after them.
     */
    static final int CLAIM_LOOKBACK = 64;

    private final CqlSession session;
    private final ConsistencyLevel serialConsistency;
    private final PreparedStatement selectPosition;
    private final PreparedStatement selectNewestClaims;
    private final PreparedStatement insertClaim;

    Sequencer(CqlSession session) {
        this.session = session;
        // Read claims at the serial level the LWTs use (spring.cassandra.request.serial-consistency):
        // it sees every committed claim, including one whose Paxos round is still being completed.
        this.serialConsistency = DefaultConsistencyLevel.valueOf(session.getContext().getConfig()
                .getDefaultProfile().getString(DefaultDriverOption.REQUEST_SERIAL_CONSISTENCY));
        this.selectPosition = session.prepare("SELECT seq FROM message_positions WHERE message_id = ?");
        // Clustered by seq DESC: the first rows are the newest claims.
        this.selectNewestClaims = session.prepare(
                "SELECT seq, message_id FROM conversation_sequence WHERE conversation_id = ? LIMIT ?");
        this.insertClaim = session.prepare(
                "INSERT INTO conversation_sequence (conversation_id, seq, message_id) VALUES (?, ?, ?) IF NOT EXISTS");
    }

    /** The place of one message: {@link #placeAll} of a batch of one. */
    Placement place(MessageSubmitted message) {
        try {
            return placeAll(message.conversationId(), List.of(message)).join().get(0);
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
        }
    }

    /**
     * The places of messages of one conversation, given in Kafka order with distinct message ids:
     * for each, the seq it already has or the next free one, in the given order.
     * {@link Placement#persisted()} tells that a message's rows were fully written before (a replay
     * or a re-publish), so they must not be written again.
     */
    CompletableFuture<List<Placement>> placeAll(long conversationId, List<MessageSubmitted> messages) {
        List<CompletableFuture<Row>> positions = messages.stream()
                .map(m -> session.executeAsync(selectPosition.bind(m.messageId()))
                        .thenApply(AsyncResultSet::one).toCompletableFuture())
                .toList();
        return CompletableFuture.allOf(positions.toArray(CompletableFuture[]::new)).thenCompose(done -> {
            Map<Long, Long> seqByMessage = new HashMap<>();
            List<MessageSubmitted> unplaced = new ArrayList<>();
            for (int i = 0; i < messages.size(); i++) {
                Row position = positions.get(i).join();
                if (position != null) {
                    seqByMessage.put(messages.get(i).messageId(), position.getLong("seq"));
                } else {
                    unplaced.add(messages.get(i));
                }
            }
            return claimAll(conversationId, unplaced, 1).thenApply(claimed -> {
                List<Placement> placements = new ArrayList<>(messages.size());
                for (MessageSubmitted message : messages) {
                    Long persistedSeq = seqByMessage.get(message.messageId());
                    placements.add(persistedSeq != null
                            ? new Placement(persistedSeq, true)
                            : new Placement(claimed.get(message.messageId()), false));
                }
                return placements;
            });
        });
    }

    /** Claims seqs for every message (in order), reusing claims that already name one of them. */
    private CompletableFuture<Map<Long, Long>> claimAll(long conversationId, List<MessageSubmitted> messages,
                                                        int attempt) {
        if (messages.isEmpty()) {
            return CompletableFuture.completedFuture(Map.of());
        }
        int lookback = messages.size() + CLAIM_LOOKBACK;
        return session.executeAsync(selectNewestClaims.bind(conversationId, lookback)
                        .setConsistencyLevel(serialConsistency)).toCompletableFuture()
                .thenCompose(newest -> {
                    ClaimPlan plan = plan(messages, newest.currentPage());
                    if (plan.toClaim().isEmpty()) {
                        return CompletableFuture.completedFuture(plan.seqByMessage());
                    }
                    List<MessageSubmitted> round = plan.toClaim().subList(0,
                            Math.min(plan.toClaim().size(), MAX_CLAIMS_PER_ROUND));
                    BatchStatementBuilder batch = BatchStatement.builder(BatchType.UNLOGGED);
                    long seq = plan.newestSeq();
                    for (MessageSubmitted message : round) {
                        batch.addStatement(insertClaim.bind(conversationId, ++seq, message.messageId()));
                    }
                    return session.executeAsync(batch.build()).toCompletableFuture().thenCompose(result -> {
                        if (!result.wasApplied()) {
                            if (attempt >= MAX_CLAIM_ATTEMPTS) {
                                throw new IllegalStateException("could not claim seqs in conversation "
                                        + conversationId + " after " + MAX_CLAIM_ATTEMPTS + " attempts");
                            }
                            log.warn("Seqs after {} of conversation {} were claimed by another consumer (it still "
                                            + "holds the partition); re-reading, attempt {}",
                                    plan.newestSeq(), conversationId, attempt);
                            return claimAll(conversationId, messages, attempt + 1);
                        }
                        if (round.size() == plan.toClaim().size()) {
                            Map<Long, Long> seqByMessage = new HashMap<>(plan.seqByMessage());
                            long next = plan.newestSeq();
                            for (MessageSubmitted message : round) {
                                seqByMessage.put(message.messageId(), ++next);
                            }
                            return CompletableFuture.completedFuture(seqByMessage);
                        }
                        // Claimed this round; the rest in the next, after these (the re-read finds them).
                        return claimAll(conversationId, messages, attempt);
                    });
                });
    }

    /**
     * What to claim given the newest claims of the conversation (newest first): messages that a
     * claim already names keep it (we crashed, or a zombie was faster, after claiming and before
     * persisting); the others, in order, get the seqs after the newest.
     */
    static ClaimPlan plan(List<MessageSubmitted> messages, Iterable<Row> newestFirst) {
        Map<Long, Long> claimedSeq = new HashMap<>();
        long newestSeq = 0;
        for (Row row : newestFirst) {
            long seq = row.getLong("seq");
            newestSeq = Math.max(newestSeq, seq);
            claimedSeq.putIfAbsent(row.getLong("message_id"), seq);
        }
        return plan(messages, newestSeq, claimedSeq);
    }

    static ClaimPlan plan(List<MessageSubmitted> messages, long newestSeq, Map<Long, Long> claimedSeq) {
        Map<Long, Long> seqByMessage = new HashMap<>();
        List<MessageSubmitted> toClaim = new ArrayList<>();
        for (MessageSubmitted message : messages) {
            Long seq = claimedSeq.get(message.messageId());
            if (seq != null) {
                seqByMessage.put(message.messageId(), seq);
            } else {
                toClaim.add(message);
            }
        }
        return new ClaimPlan(newestSeq, seqByMessage, toClaim);
    }

    /**
     * @param newestSeq     the newest claimed seq of the conversation (0 when none)
     * @param seqByMessage  messages of the batch that already have a claim
     * @param toClaim       the others, in order: they get {@code newestSeq + 1, + 2, …}
     */
    record ClaimPlan(long newestSeq, Map<Long, Long> seqByMessage, List<MessageSubmitted> toClaim) {
    }

    /** A message's seq, and whether its {@code messages} and {@code message_positions} rows exist. */
    record Placement(long seq, boolean persisted) {
    }
}
