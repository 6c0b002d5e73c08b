package io.parley.chat.sequencing;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.parley.common.events.MessageSubmitted;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Gives each message its dense place in its conversation (docs/design.md, step 4).
 *
 * <p>Kafka hands a conversation's partition to one consumer at a time, so normally one thread
 * sequences a conversation and every claim below succeeds at the first try. The claims still go
 * through lightweight transactions because "one consumer at a time" is not guaranteed at every
 * instant: a consumer that stalled past its poll interval (a zombie) may still be working on records
 * the group already gave to another. Each seq is therefore claimed with IF NOT EXISTS and the claim
 * names the message; whoever loses re-reads and moves on, so a seq never names two messages.
 *
 * <p>Idempotent by message id: a replayed record (crash before the offset commit) or a re-published
 * one (client retry after a node crash) finds its position, or finds the newest claim naming it,
 * and keeps its first seq.
 */
@Component
class Sequencer {

    private static final Logger log = LoggerFactory.getLogger(Sequencer.class);

    /** Lost claim races in a row before the record is failed (and retried by the error handler). */
    static final int MAX_CLAIM_ATTEMPTS = 50;

    private final CqlSession session;
    private final ConsistencyLevel serialConsistency;
    private final PreparedStatement selectPosition;
    private final PreparedStatement selectNewestClaim;
    private final PreparedStatement insertClaim;

    Sequencer(CqlSession session) {
        this.session = session;
        // Read claims at the serial level the LWTs use (spring.cassandra.request.serial-consistency):
        // it sees every committed claim, including one whose Paxos round is still being completed.
        this.serialConsistency = DefaultConsistencyLevel.valueOf(session.getContext().getConfig()
                .getDefaultProfile().getString(DefaultDriverOption.REQUEST_SERIAL_CONSISTENCY));
        this.selectPosition = session.prepare("SELECT seq FROM message_positions WHERE message_id = ?");
        // Clustered by seq DESC: the first row is the newest claim.
        this.selectNewestClaim = session.prepare(
                "SELECT seq, message_id FROM conversation_sequence WHERE conversation_id = ? LIMIT 1");
        this.insertClaim = session.prepare(
                "INSERT INTO conversation_sequence (conversation_id, seq, message_id) VALUES (?, ?, ?) IF NOT EXISTS");
    }

    /**
     * The place of this message in its conversation: the one it already has, or the next free seq.
     * {@link Placement#persisted()} tells that its rows were fully written before (a replay or a
     * re-publish), so they must not be written again.
     */
    Placement place(MessageSubmitted message) {
        Row position = session.execute(selectPosition.bind(message.messageId())).one();
        if (position != null) {
            return new Placement(position.getLong("seq"), true);
        }
        return new Placement(claim(message), false);
    }

    private long claim(MessageSubmitted message) {
        for (int attempt = 1; attempt <= MAX_CLAIM_ATTEMPTS; attempt++) {
            Row newest = session.execute(selectNewestClaim.bind(message.conversationId())
                    .setConsistencyLevel(serialConsistency)).one();
            Claim decision = decide(message.messageId(), newest == null ? 0 : newest.getLong("seq"),
                    newest == null ? 0 : newest.getLong("message_id"));
            if (decision.reused()) {
                return decision.seq(); // we crashed (or a zombie was faster) after claiming, before persisting
            }
            Row result = session.execute(insertClaim.bind(
                    message.conversationId(), decision.seq(), message.messageId())).one();
            if (result.getBoolean("[applied]") || result.getLong("message_id") == message.messageId()) {
                return decision.seq();
            }
            log.warn("Seq {} of conversation {} was claimed by message {} while sequencing message {} "
                            + "(another consumer still holds the partition); re-reading, attempt {}",
                    decision.seq(), message.conversationId(), result.getLong("message_id"),
                    message.messageId(), attempt);
        }
        throw new IllegalStateException("could not claim a seq for message " + message.messageId()
                + " in conversation " + message.conversationId() + " after " + MAX_CLAIM_ATTEMPTS + " attempts");
    }

    /**
     * What to do given the newest claim of the conversation ({@code newestSeq} 0 when none): reuse
     * it if it names this message, else claim the seq after it.
     */
    static Claim decide(long messageId, long newestSeq, long newestMessageId) {
        if (newestSeq > 0 && newestMessageId == messageId) {
            return new Claim(newestSeq, true);
        }
        return new Claim(newestSeq + 1, false);
    }

    record Claim(long seq, boolean reused) {
    }

    /** A message's seq, and whether its {@code messages} and {@code message_positions} rows exist. */
    record Placement(long seq, boolean persisted) {
    }
}
