package io.parley.chat.presence;

import io.parley.chat.session.ChatSession;
import io.parley.common.protocol.ServerFrame;
import io.parley.common.protocol.ServerFrame.UserPresence;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;

/**
 * The sessions on this node that asked for pushed presence ({@code presence_subscribe}), each with
 * a coalescing outbox: changes wait in a map by user (a newer change of a user replaces the older
 * one) and at most one flush per session is queued on its lane. Under a storm a session gets a few
 * {@code presence} frames listing many users, never one frame per change, and its lane never fills
 * with presence work that would push its messages back.
 */
@Component
class PresenceSubscriptions {

    private final Map<String, Outbox> bySession = new ConcurrentHashMap<>();

    void subscribe(ChatSession session) {
        bySession.computeIfAbsent(session.id(), id -> new Outbox(session::deliverLatest));
    }

    void unsubscribe(ChatSession session) {
        bySession.remove(session.id());
    }

    boolean subscribed(ChatSession session) {
        return bySession.containsKey(session.id());
    }

    /** Queues the change for the session if it subscribed; otherwise does nothing. */
    void push(ChatSession session, UserPresence change) {
        Outbox outbox = bySession.get(session.id());
        if (outbox != null) {
            outbox.add(change);
        }
    }

    /** Pending changes of one session; {@code lane} queues a frame-making task on the session's lane. */
    static final class Outbox {
        private final Consumer<Supplier<ServerFrame>> lane;
        private final Map<String, UserPresence> pending = new LinkedHashMap<>();
        private boolean flushQueued;

        Outbox(Consumer<Supplier<ServerFrame>> lane) {
            this.lane = lane;
        }

        void add(UserPresence change) {
            boolean queue;
            synchronized (this) {
                pending.remove(change.userId()); // re-insert: the order of the frame is the order of changes
                pending.put(change.userId(), change);
                queue = !flushQueued;
                flushQueued = true;
            }
            if (queue) {
                lane.accept(this::drain);
            }
        }

        /** Everything pending as one frame (null if nothing); runs on the session's lane. */
        synchronized ServerFrame drain() {
            flushQueued = false;
            if (pending.isEmpty()) {
                return null;
            }
            List<UserPresence> users = new ArrayList<>(pending.values());
            pending.clear();
            return new ServerFrame.Presence(null, users);
        }
    }
}
