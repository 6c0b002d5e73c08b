package io.parley.chat.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;

class MessageBucketsTest {

    @Test
    void firstBucketHoldsSeqsOneTo4096() {
        assertThat(MessageBuckets.bucketOf(1)).isZero();
        assertThat(MessageBuckets.bucketOf(4096)).isZero();
        assertThat(MessageBuckets.lastSeqOf(0)).isEqualTo(4096);
    }

    @Test
    void seq4097StartsTheSecondBucket() {
        assertThat(MessageBuckets.bucketOf(4097)).isEqualTo(1);
        assertThat(MessageBuckets.bucketOf(8192)).isEqualTo(1);
        assertThat(MessageBuckets.bucketOf(8193)).isEqualTo(2);
        assertThat(MessageBuckets.lastSeqOf(1)).isEqualTo(8192);
    }

    @Test
    void everySeqLiesInsideItsBucket() {
        for (long seq = 1; seq <= 3 * MessageBuckets.BUCKET_SIZE + 2; seq++) {
            long bucket = MessageBuckets.bucketOf(seq);
            assertThat(seq).isBetween(MessageBuckets.lastSeqOf(bucket) - MessageBuckets.BUCKET_SIZE + 1,
                    MessageBuckets.lastSeqOf(bucket));
        }
    }

    @Test
    void largeSeqsDoNotOverflow() {
        long seq = Long.MAX_VALUE - 1;
        assertThat(MessageBuckets.bucketOf(seq)).isEqualTo((seq - 1) / 4096);
    }

    @Test
    void seqsAndBucketsBelowTheirStartAreRejected() {
        assertThatIllegalArgumentException().isThrownBy(() -> MessageBuckets.bucketOf(0));
        assertThatIllegalArgumentException().isThrownBy(() -> MessageBuckets.lastSeqOf(-1));
    }
}
