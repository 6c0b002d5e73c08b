package io.parley.chat.sequencing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.parley.chat.config.ChatSettings;
import io.parley.chat.session.SessionDirectory;
import io.parley.chat.session.SessionRegistry;
import io.parley.common.events.MessageDelivery;
import io.parley.common.events.StoredMessage;
import io.parley.common.events.Topics;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.core.KafkaTemplate;

class FanOutTest {

    private static final long SENDER = 1;

    @Test
    @SuppressWarnings("unchecked")
    void thisNodesShareGoesToItsSessionsInProcessAndOtherNodesGetARecord() throws Exception {
        SessionDirectory directory = mock(SessionDirectory.class);
        SessionRegistry localSessions = mock(SessionRegistry.class);
        KafkaTemplate<String, Object> kafka = mock(KafkaTemplate.class);
        ChatSettings chat = mock(ChatSettings.class);
        when(chat.nodeId()).thenReturn("node-a");
        when(directory.nodesOf(any())).thenReturn(Map.of(
                SENDER, Set.of("node-a"),
                2L, Set.of("node-a", "node-b"),
                3L, Set.of("node-b")));
        when(kafka.send(anyString(), anyString(), any())).thenReturn(CompletableFuture.completedFuture(null));
        SequencerSettings settings = new SequencerSettings(1, 1, Duration.ofSeconds(1), 500, 8, 16, (short) 1,
                Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofMillis(25), Duration.ofMinutes(2));
        FanOut fanOut = new FanOut(directory, localSessions, chat, kafka, settings);
        StoredMessage message = new StoredMessage(100, 9, 1, SENDER, "c-1", "hi", 0);

        fanOut.route(List.of(new FanOut.Routed(message, new LinkedHashSet<>(List.of(SENDER, 2L, 3L)))));

        verify(localSessions).deliverMessage(List.of(SENDER, 2L), message);
        verify(kafka).send(Topics.nodeDeliveries("node-b"), "9", new MessageDelivery(List.of(2L, 3L), message));
        verify(kafka, never()).send(eq(Topics.nodeDeliveries("node-a")), anyString(), any());
    }

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
