package io.parley.chat.node;

import com.netflix.appinfo.ApplicationInfoManager;
import com.netflix.appinfo.InstanceInfo;
import io.parley.chat.session.SessionRegistry;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Graceful drain on shutdown (SIGTERM): runs first of all stop phases, while Kafka, Cassandra and
 * the web server still work. The node turns OUT_OF_SERVICE in Eureka and reports
 * {@code draining} (discovery stops sending clients here), tells every session to reconnect,
 * closes them with 1012 and removes them from the session directory; clients ask discovery for
 * another node and resume by sync.
 */
@Component
class NodeDrain implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(NodeDrain.class);
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(10);

    private final SessionRegistry sessions;
    private final ObjectProvider<ApplicationInfoManager> eureka;
    private volatile boolean running;

    NodeDrain(SessionRegistry sessions, ObjectProvider<ApplicationInfoManager> eureka) {
        this.sessions = sessions;
        this.eureka = eureka;
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        try {
            eureka.ifAvailable(info -> info.setInstanceStatus(InstanceInfo.InstanceStatus.OUT_OF_SERVICE));
        } catch (RuntimeException e) {
            log.warn("could not mark this node OUT_OF_SERVICE in Eureka: {}", e.toString());
        }
        sessions.drain(DRAIN_TIMEOUT);
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stop before everything else (Kafka listener containers stop at MAX_VALUE - 100). */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE;
    }
}
