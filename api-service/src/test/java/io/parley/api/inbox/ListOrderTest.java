package io.parley.api.inbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parley.api.inbox.InboxRepository.Activity;
import io.parley.api.inbox.InboxRepository.Membership;
import io.parley.api.inbox.ListOrder.Entry;
import io.parley.common.web.ApiException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ListOrderTest {

    private static final Instant JOINED = Instant.ofEpochMilli(1_000);

    private static Membership member(long id, long firstSeq, Long removedAt) {
        return new Membership(id, JOINED, firstSeq, removedAt);
    }

    private static Optional<Activity> activity(long lastSeq) {
        return Optional.of(new Activity(lastSeq, Instant.ofEpochMilli(5_000)));
    }

    @Test
    void aRemovedMemberSeesUpToTheRemovalAndNeedsTheRemovalsTime() {
        Membership removed = member(1, 1, 3L);
        assertThat(ListOrder.visibleLastSeq(removed, activity(9))).isEqualTo(3);
        assertThat(ListOrder.clipped(3, activity(9))).isTrue();
        // activity not yet past the removal (it lags the message store): nothing to clip
        assertThat(ListOrder.visibleLastSeq(removed, activity(2))).isEqualTo(2);
        assertThat(ListOrder.clipped(2, activity(2))).isFalse();
    }

    @Test
    void nothingIsVisibleWithoutActivityOrBeforeJoining() {
        assertThat(ListOrder.visibleLastSeq(member(1, 1, null), Optional.empty())).isZero();
        assertThat(ListOrder.visibleLastSeq(member(1, 10, null), activity(9))).isZero();
        assertThat(ListOrder.visibleLastSeq(member(1, 10, null), activity(10))).isEqualTo(10);
        assertThat(ListOrder.clipped(0, activity(9))).isFalse();
    }

    @Test
    void aConversationWithNothingVisibleSortsByWhenTheUserJoined() {
        Entry nothing = ListOrder.place(member(1, 1, null), 0, Instant.ofEpochMilli(9_000));
        assertThat(nothing.activityAt()).isEqualTo(1_000);
        Entry something = ListOrder.place(member(1, 1, null), 4, Instant.ofEpochMilli(9_000));
        assertThat(something.activityAt()).isEqualTo(9_000);
        // a clipped conversation whose removal message is not readable: joined time, never the activity's
        assertThat(ListOrder.place(member(1, 1, 3L), 3, null).activityAt()).isEqualTo(1_000);
    }

    @Test
    void unreadNeverCountsMessagesBeforeJoiningOrAtOrBelowTheReadMark() {
        assertThat(ListOrder.unread(10, 1, 0)).isEqualTo(10);
        assertThat(ListOrder.unread(10, 1, 7)).isEqualTo(3);
        assertThat(ListOrder.unread(10, 4, 0)).isEqualTo(7);
        assertThat(ListOrder.unread(10, 4, 2)).isEqualTo(7);
        assertThat(ListOrder.unread(10, 4, 10)).isZero();
        assertThat(ListOrder.unread(10, 1, 12)).as("a mark ahead of the activity row").isZero();
        assertThat(ListOrder.unread(0, 1, 0)).isZero();
    }

    @Test
    void newestFirstThenHigherIdAndTheCursorContinuesRightAfterItsEntry() {
        List<Entry> entries = new ArrayList<>(List.of(
                ListOrder.place(member(5, 1, null), 1, Instant.ofEpochMilli(100)),
                ListOrder.place(member(7, 1, null), 1, Instant.ofEpochMilli(300)),
                ListOrder.place(member(3, 1, null), 1, Instant.ofEpochMilli(300)),
                ListOrder.place(member(9, 1, null), 1, Instant.ofEpochMilli(200))));
        entries.sort(ListOrder.NEWEST_FIRST);
        assertThat(entries).extracting(Entry::conversationId).containsExactly(7L, 3L, 9L, 5L);

        ListCursor afterFirst = entries.get(0).cursor();
        assertThat(entries).filteredOn(e -> ListOrder.after(e, afterFirst))
                .extracting(Entry::conversationId).containsExactly(3L, 9L, 5L);
        ListCursor afterSecond = ListCursor.decode(entries.get(1).cursor().encode());
        assertThat(entries).filteredOn(e -> ListOrder.after(e, afterSecond))
                .extracting(Entry::conversationId).containsExactly(9L, 5L);
    }

    @Test
    void cursorsRoundTripAndAnythingElseIsA400NamingCursor() {
        ListCursor cursor = new ListCursor(-5, 7290340982145024777L);
        assertThat(ListCursor.decode(cursor.encode())).isEqualTo(cursor);
        assertThat(cursor.encode()).doesNotContain("=", "+", "/");
        for (String bad : List.of("", "%%%", "YzI6MTox" /* c2:1:1 */, "YzE6MTow" /* c1:1:0 */, "YzE6MQ" /* c1:1 */)) {
            assertThatThrownBy(() -> ListCursor.decode(bad)).as(bad)
                    .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.field()).isEqualTo("cursor"));
        }
    }
}
