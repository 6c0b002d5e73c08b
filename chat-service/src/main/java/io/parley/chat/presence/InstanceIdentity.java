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
    private final IdGenerator ids;
    private volatile String instanceId;
    /** Set by {@link NodeLiveness#halt()}: the node behaves as if it had been killed. */
    private volatile boolean halted;

    InstanceIdentity(ChatSettings settings, IdGenerator ids) {
        this.nodeId = settings.nodeId();
        this.ids = ids;
        this.instanceId = next();
    }

    String nodeId() {
        return nodeId;
    }

    String instanceId() {
        return instanceId;
    }

    /**
     * A new identity for this process, after the cluster reaped the old one while it was alive (a
     * pause longer than the heartbeat TTL): the old instance's rows are the reaper's, so this node
     * starts over under a fresh id instead of fighting over them.
     */
    String renew() {
        instanceId = next();
        return instanceId;
    }

    private String next() {
        return nodeId + "~" + ids.nextId();
    }

    boolean halted() {
        return halted;
    }

    void halt() {
        halted = true;
    }
}
