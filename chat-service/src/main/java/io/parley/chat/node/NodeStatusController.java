package io.parley.chat.node;

import io.parley.chat.config.ChatSettings;
import io.parley.chat.session.SessionRegistry;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /internal/node}: what discovery-service needs to pick a node for a new client
 * (it polls every UP instance). Internal: the gateway does not route it, and it answers only to the
 * registry credentials (HTTP basic, see {@code SecurityConfig}).
 */
@RestController
class NodeStatusController {

    /** The node's id, its public WebSocket URL, its open sessions and whether it is draining. */
    record NodeStatus(String nodeId, String wsUrl, int connections, boolean draining) {
    }

    private final ChatSettings settings;
    private final SessionRegistry sessions;

    NodeStatusController(ChatSettings settings, SessionRegistry sessions) {
        this.settings = settings;
        this.sessions = sessions;
    }

    @GetMapping("/internal/node")
    NodeStatus status() {
        return new NodeStatus(settings.nodeId(), settings.publicWsUrl(), sessions.connections(), sessions.draining());
    }
}
