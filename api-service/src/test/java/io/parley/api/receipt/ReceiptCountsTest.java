package io.parley.api.receipt;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.api.receipt.ReceiptRepository.Marks;
import io.parley.api.receipt.ReceiptsResponse.MessageReceipts;
import io.parley.common.protocol.ServerFrame.WireMessage;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReceiptCountsTest {

    private static WireMessage message(long seq, long sender) {
        return new WireMessage("1", "9", seq, Long.toString(sender), "c", "text", 0);
    }

    @Test
    void countsOnlyMembersOtherThanTheSenderWhoJoinedAtOrBeforeTheMessage() {
        Map<Long, Long> joinedAt = Map.of(1L, 1L, 2L, 1L, 3L, 1L, 4L, 6L);
        Map<Long, Marks> marks = Map.of(
                1L, new Marks(9, 9),  // the sender: never counted
                2L, new Marks(5, 4),
                // 3 has no row at all
                4L, new Marks(9, 9)); // joined after the message: cannot have seen it

        MessageReceipts counts = ReceiptService.counts(message(5, 1), joinedAt, marks);

        assertThat(counts.recipientCount()).isEqualTo(2);
        assertThat(counts.deliveredCount()).isEqualTo(1);
        assertThat(counts.readCount()).isZero();
        assertThat(counts.senderId()).isEqualTo("1");
    }

    @Test
    void aReadMarkCountsAsDeliveredToo() {
        MessageReceipts counts = ReceiptService.counts(message(5, 1), Map.of(1L, 1L, 2L, 1L),
                Map.of(2L, new Marks(0, 5)));

        assertThat(counts.deliveredCount()).isEqualTo(1);
        assertThat(counts.readCount()).isEqualTo(1);
    }
}
