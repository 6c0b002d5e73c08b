package io.parley.discovery.chatnode;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Picks the chat node a new client should connect to: the fewest open connections among nodes
 * that are UP in the registry right now, answered their latest poll recently, and are not
 * draining. Ties are broken at random so that clients arriving together (after a node drained,
 * say) spread over all equally loaded nodes instead of piling onto the first one.
 */
final class ChatNodeSelector {

    private final Duration staleAfter;
    private final RandomGenerator random;

    ChatNodeSelector(Duration staleAfter, RandomGenerator random) {
        this.staleAfter = staleAfter;
        this.random = random;
    }

    /**
     * @param nodes          every node from the latest poll
     * @param upInstanceIds  the instances the registry lists as UP at this moment; checked again
     *                       here so a node that went OUT_OF_SERVICE since the poll is skipped at once
     * @param now            the current time, for the staleness check
     */
    Optional<ChatNode> select(Collection<ChatNode> nodes, Set<String> upInstanceIds, Instant now) {
        List<ChatNode> leastLoaded = new ArrayList<>();
        int fewest = Integer.MAX_VALUE;
        for (ChatNode node : nodes) {
            if (!upInstanceIds.contains(node.instanceId()) || !node.availableAt(now, staleAfter)) {
                continue;
            }
            if (node.connections() < fewest) {
                fewest = node.connections();
                leastLoaded.clear();
            }
            if (node.connections() == fewest) {
                leastLoaded.add(node);
            }
        }
        if (leastLoaded.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(leastLoaded.get(random.nextInt(leastLoaded.size())));
    }
}
