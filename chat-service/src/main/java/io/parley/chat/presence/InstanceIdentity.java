package io.parley.chat.presence;

import io.parley.chat.config.ChatSettings;
import io.parley.id.IdGenerator;
import org.springframework.stereotype.Component;

/**
 * This process's presence identity: the node id plus a fresh id per start. Node ids are reused
 * when a node restarts (same host and port), so obligations and liveness are tracked per
 * instance: a restarted node never mistakes its crashed predecessor's users for its own.
 */
@Component
class InstanceIdentity {

    private final String nodeId;
    private final String instanceId;
    /** Set by {@link NodeLiveness#halt()}: the node behaves as if it had been killed. */
    private volatile boolean halted;

    InstanceIdentity(ChatSettings settings, IdGenerator ids) {
        this.nodeId = settings.nodeId();
        this.instanceId = settings.nodeId() + "~" + ids.nextId();
    }

    String nodeId() {
        return nodeId;
    }

    String instanceId() {
        return instanceId;
    }

    boolean halted() {
        return halted;
    }

    void halt() {
        halted = true;
    }
}
