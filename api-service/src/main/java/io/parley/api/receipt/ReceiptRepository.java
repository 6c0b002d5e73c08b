package io.parley.api.receipt;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.springframework.stereotype.Repository;

/**
 * Reads the {@code receipts} watermarks (written by chat-service, every cell {@code USING TIMESTAMP
 * <seq>} so the highest mark wins) and the current members they are reported for. Both are one
 * partition per conversation, at most the group member limit of rows.
 */
@Repository
class ReceiptRepository {

    /** A member's marks: received up to {@code deliveredSeq}, read up to {@code readSeq}; 0 = none. */
    record Marks(long deliveredSeq, long readSeq) {

        static final Marks NONE = new Marks(0, 0);
    }

    private final CqlSession session;
    private final PreparedStatement selectMembers;
    private final PreparedStatement selectReceipts;
    private final PreparedStatement selectReceipt;

    ReceiptRepository(CqlSession session) {
        this.session = session;
        this.selectMembers = session.prepare(
                "SELECT user_id, joined_at_seq FROM conversation_members WHERE conversation_id = ?");
        this.selectReceipts = session.prepare(
                "SELECT user_id, delivered_seq, read_seq FROM receipts WHERE conversation_id = ?");
        this.selectReceipt = session.prepare(
                "SELECT user_id, delivered_seq, read_seq FROM receipts WHERE conversation_id = ? AND user_id = ?");
    }

    /** Current members and the seq each joined at (1 for 1:1 conversations and the first members). */
    CompletionStage<Map<Long, Long>> membersJoinedAt(long conversationId) {
        return readAll(session.executeAsync(selectMembers.bind(conversationId)), new HashMap<>(),
                row -> row.isNull("joined_at_seq") ? 1L : row.getLong("joined_at_seq"));
    }

    /** Every stored receipt row of the conversation, including rows of members who have since left. */
    CompletionStage<Map<Long, Marks>> allMarks(long conversationId) {
        return readAll(session.executeAsync(selectReceipts.bind(conversationId)), new HashMap<>(), ReceiptRepository::marks);
    }

    CompletionStage<Marks> marks(long conversationId, long userId) {
        return session.executeAsync(selectReceipt.bind(conversationId, userId)).thenApply(rows -> {
            Row row = rows.one();
            return row == null ? Marks.NONE : marks(row);
        });
    }

    private static Marks marks(Row row) {
        return new Marks(row.isNull("delivered_seq") ? 0 : row.getLong("delivered_seq"),
                row.isNull("read_seq") ? 0 : row.getLong("read_seq"));
    }

    /** Reads every page of a partition without blocking (a 500-member group is one page at the default size). */
    private static <V> CompletionStage<Map<Long, V>> readAll(CompletionStage<AsyncResultSet> stage, Map<Long, V> into,
            Function<Row, V> value) {
        return stage.thenCompose(rows -> {
            for (Row row : rows.currentPage()) {
                into.put(row.getLong("user_id"), value.apply(row));
            }
            return rows.hasMorePages()
                    ? readAll(rows.fetchNextPage(), into, value)
                    : CompletableFuture.completedFuture(into);
        });
    }
}
