package io.parley.discovery.chatnode;

import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Everything discovery knows about the chat nodes, for operators and readiness checks
 * ({@code /internal/**} is never routed by the gateway, so it is reachable only inside the network).
 */
@RestController
class ChatNodesController {

    private final ChatNodeDirectory directory;
    private final ChatNodeProperties properties;
    private final Clock clock;

    ChatNodesController(ChatNodeDirectory directory, ChatNodeProperties properties, Clock clock) {
        this.directory = directory;
        this.properties = properties;
        this.clock = clock;
    }

    @GetMapping("/internal/chat-nodes")
    List<ChatNodeView> chatNodes() {
        Instant now = clock.instant();
        return directory.nodes().stream()
                .sorted(Comparator.comparing(ChatNode::nodeId))
                .map(node -> new ChatNodeView(node.nodeId(), node.instanceId(), node.url(), node.connections(),
                        node.draining(), node.reachable(), node.lastSeen(),
                        node.availableAt(now, properties.staleAfter())))
                .toList();
    }

    /**
     * One node as operators see it. {@code available} says whether new clients may be sent there
     * (reachable, not draining, seen recently); the registry status is checked again at pick time.
     */
    record ChatNodeView(String nodeId, String instanceId, String url, int connections, boolean draining,
                        boolean reachable, Instant lastSeen, boolean available) {
    }
}
