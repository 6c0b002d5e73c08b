package io.parley.chat.presence;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;

/**
 * Records "the sender has sent the recipient a 1:1 message" ({@code presence_contacts}), which is
 * what admits the recipient to the sender's presence under the default visibility.
 *
 * <p>Called by the send path for every accepted 1:1 message, so it must cost that path nothing
 * measurable: a pair already recorded by this node is one map lookup; a new pair is written on
 * the presence threads, never on the sender's lane and never waited for. Each pair is written at
 * most once per node process (then remembered); after a restart, or when the memory was emptied
 * to bound it, the next message writes the same row again, which is harmless (idempotent).
 */
@Component
public class PresenceContacts {

    private static final Logger log = LoggerFactory.getLogger(PresenceContacts.class);
    /** Bounds the memory (about 100 bytes a pair); emptying it costs one repeated write per active pair. */
    static final int MAX_REMEMBERED_PAIRS = 200_000;

    private final PresenceStore store;
    private final PresenceAnnouncer announcer;
    private final ExecutorService workers;
    private final Clock clock;
    private final Map<Pair, Boolean> recorded = new ConcurrentHashMap<>();

    PresenceContacts(PresenceStore store, PresenceAnnouncer announcer,
                     @Qualifier("presenceWorkers") ExecutorService workers, Clock clock) {
        this.store = store;
        this.announcer = announcer;
        this.workers = workers;
        this.clock = clock;
    }

    /** The sender's 1:1 message to the recipient was accepted. Never blocks. */
    public void messaged(long senderId, long recipientId) {
        if (senderId == recipientId) {
            return;
        }
        Pair pair = new Pair(senderId, recipientId);
        if (recorded.containsKey(pair)) {
            return;
        }
        if (recorded.size() >= MAX_REMEMBERED_PAIRS) {
            recorded.clear();
        }
        if (recorded.putIfAbsent(pair, Boolean.TRUE) != null) {
            return;
        }
        try {
            workers.execute(() -> record(pair));
        } catch (RejectedExecutionException e) {
            recorded.remove(pair); // shutting down: the next message tries again
        }
    }

    private void record(Pair pair) {
        try {
            store.addContact(pair.sender(), pair.recipient(), clock.instant());
            announcer.announceNewContact(pair.sender(), pair.recipient(), store.state(pair.sender()));
        } catch (RuntimeException e) {
            // Forget it, so the next message between them writes it again.
            recorded.remove(pair);
            log.warn("recording that {} messaged {} failed: {}", pair.sender(), pair.recipient(), e.toString());
        }
    }

    private record Pair(long sender, long recipient) {
    }
}
