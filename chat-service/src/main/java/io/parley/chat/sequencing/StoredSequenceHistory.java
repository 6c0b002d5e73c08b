package io.parley.chat.sequencing;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.springframework.stereotype.Component;

/**
 * {@link SequenceHistory} from Cassandra: plain reads of rows the storage step writes
 * ({@code conversation_activity}, {@code message_positions}).
 */
@Component
class StoredSequenceHistory implements SequenceHistory {

    private final CqlSession session;
    private final PreparedStatement selectNewestSeq;
    private final PreparedStatement selectPosition;

    StoredSequenceHistory(CqlSession session) {
        this.session = session;
        // Written USING TIMESTAMP <seq>, so it holds the highest seq stored whatever order writes landed in.
        this.selectNewestSeq = session.prepare("SELECT last_seq FROM conversation_activity WHERE conversation_id = ?");
        this.selectPosition = session.prepare("SELECT seq FROM message_positions WHERE message_id = ?");
    }

    @Override
    public long newestSeq(long conversationId) {
        Row row = session.execute(selectNewestSeq.bind(conversationId)).one();
        return row == null ? 0 : row.getLong("last_seq");
    }

    @Override
    public boolean isStored(long messageId) {
        return session.execute(selectPosition.bind(messageId)).one() != null;
    }

    /** All reads in flight at once (the driver queues what its connections cannot take). */
    @Override
    public Set<Long> storedAmong(Collection<Long> messageIds) {
        Map<Long, CompletableFuture<Boolean>> reads = new HashMap<>();
        for (long messageId : messageIds) {
            reads.put(messageId, session.executeAsync(selectPosition.bind(messageId))
                    .thenApply(rows -> rows.one() != null).toCompletableFuture());
        }
        Set<Long> stored = new HashSet<>();
        reads.forEach((messageId, read) -> {
            if (read.join()) {
                stored.add(messageId);
            }
        });
        return stored;
    }
}
