package io.parley.discovery.chatnode;

import java.time.Clock;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.springframework.stereotype.Component;

/**
 * The latest poll result for every chat node, and the choice of where a client should go.
 * The poller swaps in a whole new map per cycle, so readers never see half a cycle.
 */
@Component
class ChatNodeDirectory {

    private final ChatInstanceSource source;
    private final ChatNodeSelector selector;
    private final Clock clock;
    private volatile Map<String, ChatNode> nodesByInstanceId = Map.of();

    ChatNodeDirectory(ChatInstanceSource source, ChatNodeSelector selector, Clock clock) {
        this.source = source;
        this.selector = selector;
        this.clock = clock;
    }

    Collection<ChatNode> nodes() {
        return nodesByInstanceId.values();
    }

    ChatNode get(String instanceId) {
        return nodesByInstanceId.get(instanceId);
    }

    void replaceAll(Map<String, ChatNode> nodes) {
        this.nodesByInstanceId = Map.copyOf(nodes);
    }

    /** The least-loaded available node, or empty if no node may take clients now. */
    Optional<ChatNode> leastLoaded() {
        Set<String> upNow = source.upInstances().stream()
                .map(ChatInstance::instanceId)
                .collect(Collectors.toSet());
        return selector.select(nodesByInstanceId.values(), upNow, clock.instant());
    }
}
