package io.parley.chat.sequencing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FanOutTest {

    private static final long SENDER = 1;

    @Test
    void oneRecordPerNodeNamesEveryRecipientThatNodeServes() {
        Map<Long, Set<String>> nodes = Map.of(
                2L, Set.of("node-a", "node-b"),
                3L, Set.of("node-a"),
                4L, Set.of("node-b"));

        FanOut.Plan plan = FanOut.plan(SENDER, List.of(2L, 3L, 4L), nodes);

        assertThat(plan.recipientsByNode()).containsOnlyKeys("node-a", "node-b");
        assertThat(plan.recipientsByNode().get("node-a")).containsExactly(2L, 3L);
        assertThat(plan.recipientsByNode().get("node-b")).containsExactly(2L, 4L);
        assertThat(plan.offline()).isEmpty();
    }

    @Test
    void offlineMemberGetsExactlyOneNotification() {
        FanOut.Plan plan = FanOut.plan(SENDER, List.of(3L), Map.of(3L, Set.of()));

        assertThat(plan.recipientsByNode()).isEmpty();
        assertThat(plan.offline()).containsExactly(3L);
    }

    @Test
    void senderWithoutOtherSessionsGetsNeitherDeliveryNorNotification() {
        FanOut.Plan plan = FanOut.plan(SENDER, List.of(SENDER), Map.of());

        assertThat(plan.recipientsByNode()).isEmpty();
        assertThat(plan.offline()).isEmpty();
    }

    @Test
    void sendersOtherDevicesAreDeliveredTo() {
        FanOut.Plan plan = FanOut.plan(SENDER, List.of(SENDER), Map.of(SENDER, Set.of("node-b")));

        assertThat(plan.recipientsByNode()).containsExactly(Map.entry("node-b", List.of(SENDER)));
    }
}
