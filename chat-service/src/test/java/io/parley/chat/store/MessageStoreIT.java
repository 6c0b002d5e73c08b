package io.parley.chat.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import io.parley.common.events.StoredMessage;
import io.parley.testsupport.RealInfrastructure;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.cassandra.autoconfigure.CassandraAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@link MessageStore#saveAll} on a real Cassandra node: however a call's rows are grouped into
 * batches (one batch per small conversation, one per partition for one over 4 KiB or one that spans
 * two buckets, positions ten at a time: 36 here), every row of every message is there afterwards, and the
 * activity and marks hold the highest seq.
 */
@SpringBootTest(classes = MessageStoreIT.Context.class)
class MessageStoreIT {

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration(CassandraAutoConfiguration.class)
    @Import(MessageStore.class)
    static class Context {
    }

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        RealInfrastructure.registerCassandra(registry);
    }

    @Autowired
    CqlSession cql;

    @Autowired
    MessageStore store;

    private static StoredMessage message(long conversationId, long seq, long senderId, String text) {
        return new StoredMessage(conversationId * 10_000 + seq, conversationId, seq, senderId, "c-" + seq, text,
                1_700_000_000_000L + seq, null, null);
    }

    @Test
    void everyRowOfEveryMessageIsWrittenHoweverTheCallIsBatched() throws Exception {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long small = random.nextLong(1, 1L << 40);          // three short messages: one combined batch
        long large = small + 1 + random.nextLong(1 << 20);   // 23 of 1,000 characters, across a bucket boundary
        long big = large + 1 + random.nextLong(1 << 20);     // 10 of 1,000 characters in one bucket: over 4 KiB
        long alice = random.nextLong(1, Long.MAX_VALUE);
        long bob = random.nextLong(1, Long.MAX_VALUE);
        List<StoredMessage> messages = new ArrayList<>();
        for (long seq = 1; seq <= 3; seq++) {
            messages.add(message(small, seq, seq == 2 ? bob : alice, "short " + seq));
        }
        long firstLarge = MessageBuckets.BUCKET_SIZE - 10;
        for (long seq = firstLarge; seq < firstLarge + 23; seq++) {
            messages.add(message(large, seq, alice, "é".repeat(1_000)));
        }
        for (long seq = 1; seq <= 10; seq++) {
            messages.add(message(big, seq, bob, "ü".repeat(1_000)));
        }

        store.saveAll(messages).get(30, TimeUnit.SECONDS);

        for (StoredMessage m : messages) {
            Row row = cql.execute("SELECT body, message_id FROM messages WHERE conversation_id = ? AND bucket = ? AND seq = ?",
                    m.conversationId(), MessageBuckets.bucketOf(m.seq()), m.seq()).one();
            assertThat(row).as("messages row of seq %d", m.seq()).isNotNull();
            assertThat(row.getString("body")).isEqualTo(m.text());
            assertThat(row.getLong("message_id")).isEqualTo(m.messageId());
            Row position = cql.execute("SELECT conversation_id, seq FROM message_positions WHERE message_id = ?",
                    m.messageId()).one();
            assertThat(position).as("position of message %d", m.messageId()).isNotNull();
            assertThat(position.getLong("seq")).isEqualTo(m.seq());
        }
        assertThat(lastSeq(small)).isEqualTo(3);
        assertThat(lastSeq(large)).isEqualTo(firstLarge + 22);
        assertThat(readSeq(small, alice)).isEqualTo(3);
        assertThat(readSeq(small, bob)).isEqualTo(2);
        assertThat(readSeq(large, alice)).isEqualTo(firstLarge + 22);
        assertThat(lastSeq(big)).isEqualTo(10);
        assertThat(readSeq(big, bob)).isEqualTo(10);
    }

    private long lastSeq(long conversationId) {
        return cql.execute("SELECT last_seq FROM conversation_activity WHERE conversation_id = ?", conversationId)
                .one().getLong("last_seq");
    }

    private long readSeq(long conversationId, long userId) {
        return cql.execute("SELECT read_seq FROM receipts WHERE conversation_id = ? AND user_id = ?",
                conversationId, userId).one().getLong("read_seq");
    }
}
