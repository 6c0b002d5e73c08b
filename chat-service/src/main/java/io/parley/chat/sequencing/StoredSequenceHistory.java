package io.parley.chat.sequencing;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
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
}
