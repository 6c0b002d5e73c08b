package io.parley.chat.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BatchPackingTest {

    /** A conversation's rows as the store sees them: partitions and an upper bound of bytes. */
    private record Rows(String name, int partitions, long bytes) {
    }

    private static List<List<String>> pack(List<Rows> groups) {
        return BatchPacking.pack(groups, Rows::partitions, Rows::bytes, 10, 4096).stream()
                .map(batch -> batch.stream().map(Rows::name).toList())
                .toList();
    }

    @Test
    void twelveSmallConversationsOfTwoPartitionsGoFiveToABatchInTheirOrder() {
        List<Rows> groups = IntStream.rangeClosed(1, 12).mapToObj(i -> new Rows("c" + i, 2, 600)).toList();

        assertThat(pack(groups)).containsExactly(
                List.of("c1", "c2", "c3", "c4", "c5"),
                List.of("c6", "c7", "c8", "c9", "c10"),
                List.of("c11", "c12"));
    }

    @Test
    void aBatchClosesBeforeItsBytesWouldPassTheBound() {
        List<Rows> groups = List.of(new Rows("a", 2, 2000), new Rows("b", 2, 2000), new Rows("c", 2, 200),
                new Rows("d", 2, 1));

        assertThat(pack(groups)).containsExactly(List.of("a", "b"), List.of("c", "d"));
    }

    @Test
    void aGroupOverABoundOnItsOwnStillGetsABatchAndIsNeverSplit() {
        List<Rows> groups = List.of(new Rows("small", 2, 100), new Rows("huge", 12, 9000), new Rows("after", 2, 100));

        assertThat(pack(groups)).containsExactly(List.of("small"), List.of("huge"), List.of("after"));
    }

    @Test
    void nothingToPackIsNoBatch() {
        assertThat(pack(List.of())).isEmpty();
    }
}
