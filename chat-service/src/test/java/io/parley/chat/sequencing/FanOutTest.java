package io.parley.chat.sequencing;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.chat.sequencing.FanOut.Route;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FanOutTest {

    private static final long SENDER = 1;

    @Test
    void onlineMemberGetsOneDeliveryPerNodeAndNoNotification() {
        Map<Long, Set<String>> nodes = new LinkedHashMap<>();
        nodes.put(2L, Set.of("node-a", "node-b"));

        assertThat(FanOut.plan(SENDER, nodes))
                .containsExactlyInAnyOrder(new Route(2, "node-a"), new Route(2, "node-b"));
    }

    @Test
    void offlineMemberGetsExactlyOneNotification() {
        assertThat(FanOut.plan(SENDER, Map.of(3L, Set.of()))).containsExactly(new Route(3, null));
    }

    @Test
    void senderWithoutOtherSessionsGetsNeitherDeliveryNorNotification() {
        assertThat(FanOut.plan(SENDER, Map.of(SENDER, Set.of()))).isEmpty();
    }

    @Test
    void sendersOtherDevicesAreDeliveredTo() {
        assertThat(FanOut.plan(SENDER, Map.of(SENDER, Set.of("node-b")))).containsExactly(new Route(SENDER, "node-b"));
    }
}
