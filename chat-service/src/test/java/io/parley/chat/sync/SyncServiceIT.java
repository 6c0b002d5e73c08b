package io.parley.chat.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import io.parley.chat.store.MessageBuckets;
import io.parley.chat.store.MessageStore;
import io.parley.common.events.StoredMessage;
import io.parley.testsupport.RealInfrastructure;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeEach;
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
 * Sync on a real Cassandra, with rows seeded directly (seqs around the 4096 bucket boundary would
 * take thousands of messages to reach through the sequencer).
 */
@SpringBootTest(classes = SyncServiceIT.Context.class)
class SyncServiceIT {

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration(CassandraAutoConfiguration.class)
    @Import({MessageStore.class, SyncService.class})
    static class Context {
    }

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        RealInfrastructure.registerCassandra(registry);
    }

    @Autowired
    CqlSession cql;

    @Autowired
    SyncService sync;

    long user;
    /** Ascending ids: the answer is grouped by ascending conversation id. */
    long nearBoundary;
    long small;
    long foreign;

    @BeforeEach
    void seed() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        user = random.nextLong(1, Long.MAX_VALUE);
        nearBoundary = random.nextLong(1, Long.MAX_VALUE / 2);
        small = nearBoundary + 1 + random.nextLong(1_000_000);
        foreign = random.nextLong(1, Long.MAX_VALUE);
        member(user, nearBoundary);
        member(user, small);
        seedMessages(nearBoundary, 4085, 4105);
        seedMessages(small, 1, 3);
        // The user is not a member here; a cursor for it must not reveal anything.
        seedMessages(foreign, 1, 2);
    }

    @Test
    void limitCutsThePageAndSaysThereIsMore() {
        SyncPage page = sync.sync(user, Map.of(nearBoundary, 4088L, small, 3L), 5);

        assertThat(seqs(page)).containsExactly(4089L, 4090L, 4091L, 4092L, 4093L);
        assertThat(page.more()).isTrue();
    }

    @Test
    void readsAcrossTheBucketBoundaryThenTheNextConversationFromItsStart() {
        SyncPage page = sync.sync(user, Map.of(nearBoundary, 4093L, foreign, 0L), 100);

        List<Long> expected = new ArrayList<>(LongStream.rangeClosed(4094, 4105).boxed().toList());
        expected.addAll(List.of(1L, 2L, 3L));
        assertThat(seqs(page)).containsExactlyElementsOf(expected);
        assertThat(page.messages()).extracting(StoredMessage::conversationId)
                .doesNotContain(foreign)
                .containsOnly(nearBoundary, small);
        assertThat(page.more()).isFalse();
    }

    @Test
    void pageEndingExactlyAtTheLastSeqOfABucketStillSeesTheNextBucket() {
        SyncPage page = sync.sync(user, Map.of(nearBoundary, 4092L, small, 3L), 4);

        assertThat(seqs(page)).containsExactly(4093L, 4094L, 4095L, 4096L);
        assertThat(page.more()).isTrue();
    }

    @Test
    void exactFitHasNoMore() {
        SyncPage page = sync.sync(user, Map.of(nearBoundary, 4100L), 8);

        assertThat(seqs(page)).containsExactly(4101L, 4102L, 4103L, 4104L, 4105L, 1L, 2L, 3L);
        assertThat(page.more()).isFalse();
    }

    @Test
    void messagesAreReturnedAsStored() {
        SyncPage page = sync.sync(user, Map.of(nearBoundary, 4105L, small, 1L), 1);

        StoredMessage message = page.messages().get(0);
        assertThat(message.conversationId()).isEqualTo(small);
        assertThat(message.seq()).isEqualTo(2);
        assertThat(message.messageId()).isEqualTo(messageId(small, 2));
        assertThat(message.senderId()).isEqualTo(7);
        assertThat(message.text()).isEqualTo("text 2");
        assertThat(message.clientMessageId()).isEqualTo("client-2");
        assertThat(message.sentAt()).isEqualTo(1_700_000_000_002L);
    }

    @Test
    void pagingWithSmallLimitsYieldsEveryMessageExactlyOnce() {
        Map<Long, Long> cursors = new HashMap<>(Map.of(nearBoundary, 4084L));
        List<StoredMessage> all = new ArrayList<>();
        SyncPage page;
        do {
            page = sync.sync(user, cursors, 3);
            for (StoredMessage message : page.messages()) {
                all.add(message);
                cursors.put(message.conversationId(), message.seq());
            }
        } while (page.more());

        assertThat(all).hasSize(21 + 3);
        assertThat(all).extracting(StoredMessage::messageId).doesNotHaveDuplicates();
    }

    @Test
    void stopsAtASeqThatIsClaimedButNotYetPersisted() {
        long withHole = small + 1;
        member(user, withHole);
        seedMessages(withHole, 1, 2);
        seedMessages(withHole, 4, 4); // seq 3 is claimed, its row not written yet
        Map<Long, Long> done = Map.of(nearBoundary, 4105L, small, 3L);

        SyncPage before = sync.sync(user, done, 100);
        assertThat(seqs(before)).containsExactly(1L, 2L);
        assertThat(before.more()).isFalse();

        seedMessages(withHole, 3, 3);
        Map<Long, Long> resumed = new HashMap<>(done);
        resumed.put(withHole, 2L);
        assertThat(seqs(sync.sync(user, resumed, 100))).containsExactly(3L, 4L);
    }

    @Test
    void userWithoutConversationsGetsAnEmptyPage() {
        SyncPage page = sync.sync(user + 1, Map.of(nearBoundary, 0L), 10);

        assertThat(page.messages()).isEmpty();
        assertThat(page.more()).isFalse();
    }

    private static List<Long> seqs(SyncPage page) {
        return page.messages().stream().map(StoredMessage::seq).toList();
    }

    private void member(long userId, long conversationId) {
        cql.execute("INSERT INTO user_conversations (user_id, conversation_id, joined_at) VALUES (?, ?, ?)",
                userId, conversationId, Instant.now());
    }

    private static long messageId(long conversationId, long seq) {
        return conversationId * 31 + seq;
    }

    private void seedMessages(long conversationId, long fromSeq, long toSeq) {
        for (long seq = fromSeq; seq <= toSeq; seq++) {
            cql.execute("""
                    INSERT INTO messages (conversation_id, bucket, seq, message_id, sender_id, client_message_id, body, sent_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
                    conversationId, MessageBuckets.bucketOf(seq), seq, messageId(conversationId, seq), 7L,
                    "client-" + seq, "text " + seq, Instant.ofEpochMilli(1_700_000_000_000L + seq));
        }
    }
}
