package io.parley.push.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.common.events.StoredMessage;
import java.util.List;
import org.junit.jupiter.api.Test;

class CoalescingBufferTest {

    private final CoalescingBuffer buffer = new CoalescingBuffer();

    private static PendingNotification request(int partition, long recipient, long conversation, long messageId) {
        return new PendingNotification(partition, recipient,
                new StoredMessage(messageId, conversation, messageId, 99, "c" + messageId, "text " + messageId, 0));
    }

    @Test
    void theFirstRequestOpensAGroupAndLaterOnesJoinIt() {
        assertThat(buffer.add(request(0, 1, 10, 100))).isPresent();
        assertThat(buffer.add(request(0, 1, 10, 101))).isEmpty();
        assertThat(buffer.add(request(0, 1, 10, 102))).isEmpty();
        assertThat(buffer.openGroups()).isEqualTo(1);
    }

    @Test
    void groupsAreOnePerRecipientAndConversation() {
        assertThat(buffer.add(request(0, 1, 10, 100))).isPresent();
        assertThat(buffer.add(request(0, 1, 11, 101))).isPresent();
        assertThat(buffer.add(request(0, 2, 10, 102))).isPresent();
        assertThat(buffer.openGroups()).isEqualTo(3);
    }

    @Test
    void aRepeatedMessageIsCountedOnce() {
        CoalescingBuffer.Group group = buffer.add(request(0, 1, 10, 100)).orElseThrow();
        buffer.add(request(0, 1, 10, 100));
        buffer.add(request(0, 1, 10, 101));
        buffer.add(request(0, 1, 10, 101));
        assertThat(group.notifications()).extracting(n -> n.message().messageId()).containsExactly(100L, 101L);
    }

    @Test
    void aTakenGroupIsClosedAndTheNextRequestOpensANewOne() {
        CoalescingBuffer.Group first = buffer.add(request(0, 1, 10, 100)).orElseThrow();
        assertThat(buffer.take(first)).isTrue();
        assertThat(buffer.take(first)).isFalse();
        CoalescingBuffer.Group second = buffer.add(request(0, 1, 10, 101)).orElseThrow();
        assertThat(second).isNotSameAs(first);
        assertThat(first.notifications()).hasSize(1);
    }

    @Test
    void forgettingAPartitionDropsItsGroupsSoAStaleTimerCannotTakeTheirSuccessors() {
        CoalescingBuffer.Group onZero = buffer.add(request(0, 1, 10, 100)).orElseThrow();
        CoalescingBuffer.Group onOne = buffer.add(request(1, 2, 10, 101)).orElseThrow();

        assertThat(buffer.forget(List.of(0))).isEqualTo(1);
        assertThat(buffer.take(onZero)).isFalse();
        // The partition comes back (reassigned) and its requests are reloaded into a new group:
        CoalescingBuffer.Group reloaded = buffer.add(request(0, 1, 10, 100)).orElseThrow();
        assertThat(buffer.take(onZero)).isFalse();
        assertThat(buffer.take(reloaded)).isTrue();
        assertThat(buffer.take(onOne)).isTrue();
    }
}
