package io.parley.chat.sequencing;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import org.springframework.stereotype.Component;

/**
 * {@link SequenceHistory} from Cassandra: plain reads of rows the storage step writes
 * ({@code conversation_sequence}, {@code message_positions}).
 */
@Component
class StoredSequenceHistory implements SequenceHistory {

    private final CqlSession session;
    private final PreparedStatement selectNewestSeq;
    private final PreparedStatement selectPosition;

    StoredSequenceHistory(CqlSession session) {
        this.session = session;
        // Clustered by seq DESC: the first row is the newest.
        this.selectNewestSeq = session.prepare("SELECT seq FROM conversation_sequence WHERE conversation_id = ? LIMIT 1");
        this.selectPosition = session.prepare("SELECT seq FROM message_positions WHERE message_id = ?");
    }

    @Override
    public long newestSeq(long conversationId) {
        Row row = session.execute(selectNewestSeq.bind(conversationId)).one();
        return row == null ? 0 : row.getLong("seq");
    }

    @Override
    public boolean isStored(long messageId) {
        return session.execute(selectPosition.bind(messageId)).one() != null;
    }
}
