package io.parley.chat.receipt;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import org.springframework.stereotype.Component;

/**
 * Receipt watermarks in {@code receipts} and the newest seq of a conversation in
 * {@code conversation_activity} (schema V005). Marks are raised with USING TIMESTAMP = the new
 * seq, so two devices raising the same mark at once, or a stale receipt arriving late, can never
 * lower it; no read-before-write is needed for correctness, only to skip announcing a no-op.
 */
@Component
class ReceiptStore {

    private final CqlSession session;
    private final PreparedStatement selectLastSeq;
    private final PreparedStatement selectMarks;
    private final PreparedStatement raiseDelivered;
    private final PreparedStatement raiseRead;

    ReceiptStore(CqlSession session) {
        this.session = session;
        this.selectLastSeq = session.prepare("SELECT last_seq FROM conversation_activity WHERE conversation_id = ?");
        this.selectMarks = session.prepare(
                "SELECT delivered_seq, read_seq FROM receipts WHERE conversation_id = ? AND user_id = ?");
        this.raiseDelivered = session.prepare(
                "UPDATE receipts USING TIMESTAMP ? SET delivered_seq = ? WHERE conversation_id = ? AND user_id = ?");
        // Read implies delivered.
        this.raiseRead = session.prepare(
                "UPDATE receipts USING TIMESTAMP ? SET delivered_seq = ?, read_seq = ? WHERE conversation_id = ? AND user_id = ?");
    }

    /** The newest stored seq of the conversation; 0 when it has no message yet. */
    long lastSeq(long conversationId) {
        Row row = session.execute(selectLastSeq.bind(conversationId)).one();
        return row == null || row.isNull("last_seq") ? 0 : row.getLong("last_seq");
    }

    Marks marks(long conversationId, long userId) {
        Row row = session.execute(selectMarks.bind(conversationId, userId)).one();
        if (row == null) {
            return new Marks(0, 0);
        }
        return new Marks(row.isNull("delivered_seq") ? 0 : row.getLong("delivered_seq"),
                row.isNull("read_seq") ? 0 : row.getLong("read_seq"));
    }

    void raise(long conversationId, long userId, ReceiptStatus status, long seq) {
        if (status == ReceiptStatus.READ) {
            session.execute(raiseRead.bind(seq, seq, seq, conversationId, userId));
        } else {
            session.execute(raiseDelivered.bind(seq, seq, conversationId, userId));
        }
    }

    /** A member's watermarks; 0 = nothing yet. */
    record Marks(long delivered, long read) {

        long of(ReceiptStatus status) {
            return status == ReceiptStatus.READ ? read : delivered;
        }
    }
}
