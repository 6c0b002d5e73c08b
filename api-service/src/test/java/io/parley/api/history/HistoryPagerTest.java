package io.parley.api.history;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.common.protocol.ServerFrame.WireMessage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class HistoryPagerTest {

    private static final long CONVERSATION = 42;

    /** The store as the schema lays it out: partitions by bucket, each read with a seq bound. */
    private static final class InMemoryStore implements MessageReader {
        final TreeMap<Long, WireMessage> messages = new TreeMap<>();
        long highestClaimed;
        final List<Long> bucketsRead = new ArrayList<>();

        InMemoryStore store(long fromSeq, long toSeq) {
            LongStream.rangeClosed(fromSeq, toSeq).forEach(seq -> messages.put(seq,
                    new WireMessage("m" + seq, Long.toString(CONVERSATION), seq, "7", "c" + seq, "text " + seq, seq)));
            highestClaimed = Math.max(highestClaimed, toSeq);
            return this;
        }

        InMemoryStore claim(long seq) {
            highestClaimed = Math.max(highestClaimed, seq);
            return this;
        }

        @Override
        public long highestSeq(long conversationId) {
            return highestClaimed;
        }

        @Override
        public List<WireMessage> olderThan(long conversationId, long bucket, long beforeSeq, int limit) {
            bucketsRead.add(bucket);
            return messages.values().stream()
                    .filter(m -> MessageBuckets.of(m.seq()) == bucket && m.seq() < beforeSeq)
                    .sorted(Comparator.comparingLong(WireMessage::seq).reversed())
                    .limit(limit).toList();
        }

        @Override
        public List<WireMessage> newerThan(long conversationId, long bucket, long afterSeq, int limit) {
            bucketsRead.add(bucket);
            return messages.values().stream()
                    .filter(m -> MessageBuckets.of(m.seq()) == bucket && m.seq() > afterSeq)
                    .sorted(Comparator.comparingLong(WireMessage::seq))
                    .limit(limit).toList();
        }
    }

    private static List<Long> seqs(HistoryPage page) {
        return page.messages().stream().map(WireMessage::seq).toList();
    }

    @Test
    void bucketsHold4096ConsecutiveSeqsStartingAtOne() {
        assertThat(MessageBuckets.of(1)).isZero();
        assertThat(MessageBuckets.of(4096)).isZero();
        assertThat(MessageBuckets.of(4097)).isEqualTo(1);
        assertThat(MessageBuckets.of(8192)).isEqualTo(1);
        assertThat(MessageBuckets.of(8193)).isEqualTo(2);
    }

    @Test
    void latestPageIsNewestFirstWithCursorToOlder() {
        HistoryPage page = new HistoryPager(new InMemoryStore().store(1, 10)).latest(CONVERSATION, 3);

        assertThat(seqs(page)).containsExactly(10L, 9L, 8L);
        assertThat(page.nextBefore()).isEqualTo(8);
        assertThat(page.nextAfter()).isNull();
    }

    @Test
    void latestPageOfEmptyConversationIsEmptyWithoutCursors() {
        HistoryPage page = new HistoryPager(new InMemoryStore()).latest(CONVERSATION, 50);

        assertThat(page.messages()).isEmpty();
        assertThat(page.nextBefore()).isNull();
        assertThat(page.nextAfter()).isNull();
    }

    @Test
    void beforePageCrossesBucketBoundaryDownwards() {
        InMemoryStore store = new InMemoryStore().store(4090, 4100);

        HistoryPage page = new HistoryPager(store).before(CONVERSATION, 4099, 5);

        assertThat(seqs(page)).containsExactly(4098L, 4097L, 4096L, 4095L, 4094L);
        assertThat(page.nextBefore()).isEqualTo(4094);
        assertThat(store.bucketsRead).containsExactly(1L, 0L);
    }

    @Test
    void pageThatReachesSeqOneHasNoOlderCursor() {
        HistoryPage page = new HistoryPager(new InMemoryStore().store(1, 5)).before(CONVERSATION, 4, 3);

        assertThat(seqs(page)).containsExactly(3L, 2L, 1L);
        assertThat(page.nextBefore()).isNull();
    }

    @Test
    void shortPageHasNoOlderCursor() {
        HistoryPage page = new HistoryPager(new InMemoryStore().store(1, 5)).latest(CONVERSATION, 50);

        assertThat(seqs(page)).containsExactly(5L, 4L, 3L, 2L, 1L);
        assertThat(page.nextBefore()).isNull();
    }

    @Test
    void beforeCursorFarBeyondTheEndStartsAtTheNewestBucket() {
        InMemoryStore store = new InMemoryStore().store(1, 3);

        HistoryPage page = new HistoryPager(store).before(CONVERSATION, Long.MAX_VALUE / 2, 2);

        assertThat(seqs(page)).containsExactly(3L, 2L);
        // a huge client cursor must not make us walk (or even touch) empty buckets above the end
        assertThat(store.bucketsRead).containsExactly(0L);
    }

    @Test
    void beforeOneIsAlwaysEmpty() {
        InMemoryStore store = new InMemoryStore().store(1, 3);

        HistoryPage page = new HistoryPager(store).before(CONVERSATION, 1, 10);

        assertThat(page.messages()).isEmpty();
        assertThat(store.bucketsRead).isEmpty();
    }

    @Test
    void afterPageIsOldestFirstAndCrossesBucketBoundaryUpwards() {
        InMemoryStore store = new InMemoryStore().store(4090, 4100);

        HistoryPage page = new HistoryPager(store).after(CONVERSATION, 4093, 5);

        assertThat(seqs(page)).containsExactly(4094L, 4095L, 4096L, 4097L, 4098L);
        assertThat(page.nextAfter()).isEqualTo(4098);
        assertThat(page.nextBefore()).isNull();
        assertThat(store.bucketsRead).containsExactly(0L, 1L);
    }

    @Test
    void afterPageThatReachesTheNewestMessageHasNoCursor() {
        HistoryPage page = new HistoryPager(new InMemoryStore().store(1, 5)).after(CONVERSATION, 2, 50);

        assertThat(seqs(page)).containsExactly(3L, 4L, 5L);
        assertThat(page.nextAfter()).isNull();
    }

    @Test
    void afterPageStopsAtASeqClaimedButNotYetStored() {
        // seq 4 claimed by the sequencer, its message not written yet; 5 already written
        InMemoryStore store = new InMemoryStore().store(1, 3).store(5, 5);
        store.messages.remove(4L);

        HistoryPage page = new HistoryPager(store).after(CONVERSATION, 1, 50);

        assertThat(seqs(page)).containsExactly(2L, 3L);
        // more is known to exist: ask again from 3, and 4 will not have been skipped
        assertThat(page.nextAfter()).isEqualTo(3);
    }

    @Test
    void afterPageWhenOnlyTheNextSeqIsInFlightIsEmptyButPointsBackAtTheCursor() {
        InMemoryStore store = new InMemoryStore().store(1, 3).claim(4);

        HistoryPage page = new HistoryPager(store).after(CONVERSATION, 3, 50);

        assertThat(page.messages()).isEmpty();
        assertThat(page.nextAfter()).isEqualTo(3);
    }

    @Test
    void afterTheNewestSeqIsEmptyWithoutReadingMessages() {
        InMemoryStore store = new InMemoryStore().store(1, 3);

        HistoryPage page = new HistoryPager(store).after(CONVERSATION, Long.MAX_VALUE, 50);

        assertThat(page.messages()).isEmpty();
        assertThat(page.nextAfter()).isNull();
        assertThat(store.bucketsRead).isEmpty();
    }

    @Test
    void afterZeroReadsFromTheFirstMessage() {
        HistoryPage page = new HistoryPager(new InMemoryStore().store(1, 4)).after(CONVERSATION, 0, 2);

        assertThat(seqs(page)).containsExactly(1L, 2L);
        assertThat(page.nextAfter()).isEqualTo(2);
    }

    @Test
    void pagingBackwardsVisitsEveryMessageExactlyOnce() {
        InMemoryStore store = new InMemoryStore().store(1, 9000);
        HistoryPager pager = new HistoryPager(store);
        List<Long> seen = new ArrayList<>();

        HistoryPage page = pager.latest(CONVERSATION, 200);
        seen.addAll(seqs(page));
        while (page.nextBefore() != null) {
            page = pager.before(CONVERSATION, page.nextBefore(), 200);
            seen.addAll(seqs(page));
        }

        assertThat(seen).hasSize(9000).doesNotHaveDuplicates().isSortedAccordingTo(Comparator.reverseOrder());
    }

    @Test
    void pagingForwardsVisitsEveryMessageExactlyOnce() {
        InMemoryStore store = new InMemoryStore().store(1, 9000);
        HistoryPager pager = new HistoryPager(store);
        List<Long> seen = new ArrayList<>();

        HistoryPage page = pager.after(CONVERSATION, 0, 200);
        seen.addAll(seqs(page));
        while (page.nextAfter() != null) {
            page = pager.after(CONVERSATION, page.nextAfter(), 200);
            seen.addAll(seqs(page));
        }

        assertThat(seen).hasSize(9000).doesNotHaveDuplicates().isSorted();
    }
}
