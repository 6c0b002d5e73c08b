package io.parley.discovery.chatnode;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class ChatNodeSelectorTest {

    private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
    private static final Duration STALE_AFTER = Duration.ofSeconds(10);

    private final ChatNodeSelector selector = new ChatNodeSelector(STALE_AFTER, new Random(42));

    @Test
    void picksTheNodeWithFewestConnections() {
        List<ChatNode> nodes = List.of(node("chat-1", 7), node("chat-2", 3), node("chat-3", 5));

        assertThat(select(nodes)).map(ChatNode::nodeId).contains("chat-2");
    }

    @Test
    void neverPicksADrainingNodeEvenWhenItIsEmpty() {
        ChatNode draining = new ChatNode("chat-1", "chat-1", "ws://a/ws/v1", 0, true, true, NOW);
        List<ChatNode> nodes = List.of(draining, node("chat-2", 50));

        assertThat(select(nodes)).map(ChatNode::nodeId).contains("chat-2");
    }

    @Test
    void neverPicksANodeWhoseLatestPollFailed() {
        ChatNode unreachable = new ChatNode("chat-1", "chat-1", "ws://a/ws/v1", 0, false, false, NOW);
        List<ChatNode> nodes = List.of(unreachable, node("chat-2", 50));

        assertThat(select(nodes)).map(ChatNode::nodeId).contains("chat-2");
    }

    @Test
    void neverPicksANodeThatIsNoLongerUpInTheRegistry() {
        List<ChatNode> nodes = List.of(node("chat-1", 0), node("chat-2", 50));

        Optional<ChatNode> picked = selector.select(nodes, Set.of("chat-2"), NOW);

        assertThat(picked).map(ChatNode::nodeId).contains("chat-2");
    }

    @Test
    void neverPicksANodeNotHeardFromWithinStaleAfter() {
        ChatNode stale = new ChatNode("chat-1", "chat-1", "ws://a/ws/v1", 0, false, true,
                NOW.minus(STALE_AFTER).minusMillis(1));
        ChatNode justFreshEnough = new ChatNode("chat-2", "chat-2", "ws://b/ws/v1", 9, false, true,
                NOW.minus(STALE_AFTER));

        assertThat(select(List.of(stale, justFreshEnough))).map(ChatNode::nodeId).contains("chat-2");
    }

    @Test
    void neverPicksANodeThatNeverAnsweredOrHasNoUrl() {
        ChatNode neverAnswered = new ChatNode("chat-1", "chat-1", "ws://a/ws/v1", 0, false, false, null);
        ChatNode noUrl = new ChatNode("chat-2", "chat-2", null, 0, false, true, NOW);

        assertThat(select(List.of(neverAnswered, noUrl))).isEmpty();
    }

    @Test
    void answersEmptyWhenThereAreNoNodes() {
        assertThat(selector.select(List.of(), Set.of(), NOW)).isEmpty();
    }

    @Test
    void spreadsTiesOverAllEquallyLoadedNodes() {
        List<ChatNode> nodes = List.of(node("chat-1", 4), node("chat-2", 4), node("chat-3", 4), node("chat-4", 9));

        Set<String> picked = IntStream.range(0, 200)
                .mapToObj(i -> select(nodes).orElseThrow().nodeId())
                .collect(Collectors.toSet());

        // 200 fair draws over 3 nodes miss one with probability ~3 * (2/3)^200: never, in practice.
        assertThat(picked).containsExactlyInAnyOrder("chat-1", "chat-2", "chat-3");
    }

    private Optional<ChatNode> select(List<ChatNode> nodes) {
        Set<String> allUp = new HashSet<>();
        nodes.forEach(node -> allUp.add(node.instanceId()));
        return selector.select(nodes, allUp, NOW);
    }

    private static ChatNode node(String id, int connections) {
        return new ChatNode(id, id, "ws://" + id + "/ws/v1", connections, false, true, NOW.minusSeconds(1));
    }
}
