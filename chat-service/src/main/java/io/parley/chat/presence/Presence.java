package io.parley.chat.presence;

import com.datastax.oss.driver.api.core.DriverException;
import io.parley.chat.session.ChatSession;
import io.parley.common.protocol.ClientFrame;
import io.parley.common.protocol.ServerFrame;
import io.parley.common.protocol.ServerFrame.UserPresence;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;

/**
 * What the session layer calls: session opened/closed (liveness) and the presence frames
 * ({@code presence_subscribe}, {@code presence_query}, {@code presence_settings}; docs/protocol.md).
 * Frame answers run on the session's lane like {@code sync}; presence bookkeeping runs on the
 * presence pool.
 */
@Component
public class Presence {

    private static final Logger log = LoggerFactory.getLogger(Presence.class);
    private static final Pattern ID = Pattern.compile("[1-9][0-9]{0,18}");
    // Same codes as the session layer's errors (docs/protocol.md, Errors).
    static final String MISSING_FIELD = "missing_field";
    static final String INVALID_FIELD = "invalid_field";
    static final String UNAVAILABLE = "unavailable";

    private final PresenceTracker tracker;
    private final PresenceStore store;
    private final PresenceAnnouncer announcer;
    private final PresenceSubscriptions subscriptions;
    private final PresenceSettings settings;
    private final ExecutorService workers;

    Presence(PresenceTracker tracker, PresenceStore store, PresenceAnnouncer announcer,
             PresenceSubscriptions subscriptions, PresenceSettings settings,
             @Qualifier("presenceWorkers") ExecutorService workers) {
        this.tracker = tracker;
        this.store = store;
        this.announcer = announcer;
        this.subscriptions = subscriptions;
        this.settings = settings;
        this.workers = workers;
    }

    /** The session was welcomed: the user has a live session here. Never blocks. */
    public void opened(ChatSession session) {
        tracker.opened(session.userId());
    }

    /** The session closed (client, idle timeout, drain, error). Never blocks. */
    public void closed(ChatSession session) {
        subscriptions.unsubscribe(session);
        tracker.closed(session.userId());
    }

    /** A session that was never welcomed went away: drop whatever it subscribed to. Never blocks. */
    public void forget(ChatSession session) {
        subscriptions.unsubscribe(session);
    }

    /** Answers a presence frame; null if the frame is not one. Runs on the session's lane. */
    public ServerFrame answer(ChatSession session, ClientFrame frame) {
        try {
            if (frame instanceof ClientFrame.PresenceSubscribe subscribe) {
                return subscribe(session, subscribe);
            } else if (frame instanceof ClientFrame.PresenceQuery query) {
                return query(session.userId(), query);
            } else if (frame instanceof ClientFrame.PresenceSettings change) {
                return settings(session.userId(), change);
            }
            return null;
        } catch (DriverException | CompletionException e) {
            // CompletionException: a parallel read (PresenceStore.states) failed the same way.
            log.warn("presence frame of user {} failed: {}", session.userId(), e.toString());
            return new ServerFrame.Error(UNAVAILABLE, "temporarily unavailable; try again", refOf(frame), null);
        }
    }

    private ServerFrame subscribe(ChatSession session, ClientFrame.PresenceSubscribe frame) {
        if (Boolean.FALSE.equals(frame.enabled())) {
            subscriptions.unsubscribe(session);
            return new ServerFrame.Presence(frame.id(), List.of());
        }
        // Subscribed before reading: a change racing with the read is pushed after this answer
        // (the push is flushed on this lane, behind it), so the client ends with the newest state.
        subscriptions.subscribe(session);
        Set<Long> contacts = announcer.contacts(session.userId());
        return new ServerFrame.Presence(frame.id(), views(session.userId(), contacts, contacts));
    }

    private ServerFrame query(long asker, ClientFrame.PresenceQuery frame) {
        if (frame.userIds() == null) {
            return error(MISSING_FIELD, "userIds is required", frame.id(), "userIds");
        }
        if (frame.userIds().isEmpty() || frame.userIds().size() > settings.queryMaxUsers()) {
            return error(INVALID_FIELD, "userIds must name 1.." + settings.queryMaxUsers() + " users", frame.id(), "userIds");
        }
        Set<Long> asked = new LinkedHashSet<>();
        for (String id : frame.userIds()) {
            if (id == null || !ID.matcher(id).matches()) {
                return error(INVALID_FIELD, "userIds are positive decimal id strings", frame.id(), "userIds");
            }
            asked.add(Long.parseLong(id));
        }
        return new ServerFrame.Presence(frame.id(), views(asker, asked, sharingWith(asker, asked)));
    }

    /** The asked users who share a conversation with the asker (the asker sees themself). */
    private Set<Long> sharingWith(long asker, Set<Long> asked) {
        Set<Long> mine = store.conversationsOf(asker);
        Set<Long> visible = new LinkedHashSet<>();
        for (long user : asked) {
            if (user == asker || store.conversationsOf(user).stream().anyMatch(mine::contains)) {
                visible.add(user);
            }
        }
        return visible;
    }

    /**
     * What the viewer may see of each user. {@code sharing}: those of the users who share a
     * conversation with the viewer (the others are {@code unknown}). For users whose visibility is
     * {@code contacts}, one row read each says whether they have messaged the viewer.
     */
    private List<UserPresence> views(long viewer, Set<Long> users, Set<Long> sharing) {
        Map<Long, PresenceStore.State> states = store.states(sharing);
        Set<Long> contactsOnly = new HashSet<>();
        states.forEach((user, state) -> {
            if (user != viewer && state.visibility() == PresenceVisibility.CONTACTS) {
                contactsOnly.add(user);
            }
        });
        Set<Long> viewerIsContactOf = contactsOnly.isEmpty() ? Set.of() : store.usersWithContact(contactsOnly, viewer);
        List<UserPresence> views = new ArrayList<>(users.size());
        for (long user : users) {
            PresenceStore.State state = states.getOrDefault(user, PresenceStore.State.NEVER_SEEN);
            boolean shares = user == viewer || sharing.contains(user);
            boolean allowed = PresenceViews.allowed(viewer, user, shares, state.visibility(),
                    viewerIsContactOf.contains(user));
            views.add(PresenceViews.view(user, state, shares, allowed));
        }
        return views;
    }

    private ServerFrame settings(long userId, ClientFrame.PresenceSettings frame) {
        PresenceVisibility requested;
        if (frame.visibility() != null) {
            requested = PresenceVisibility.fromWire(frame.visibility());
            if (requested == null) {
                return error(INVALID_FIELD, "visibility is one of contacts, conversations, nobody", frame.id(), "visibility");
            }
            if (frame.hidden() != null && frame.hidden() != (requested == PresenceVisibility.NOBODY)) {
                return error(INVALID_FIELD, "hidden contradicts visibility (hidden:true means nobody); send one of them",
                        frame.id(), "hidden");
            }
        } else if (frame.hidden() != null) {
            requested = PresenceVisibility.fromHidden(frame.hidden());
        } else {
            return error(MISSING_FIELD, "visibility is required", frame.id(), "visibility");
        }
        PresenceStore.State before = store.state(userId);
        store.setVisibility(userId, requested);
        if (before.visibility() != requested) {
            // What contacts see changes now, open subscriptions included: those shut out see
            // "offline, no last-seen" (like a user who went offline), those let in the real state.
            workers.execute(() -> {
                try {
                    announcer.announceVisibility(userId, store.state(userId));
                } catch (RuntimeException e) {
                    log.warn("announcing presence settings of user {} failed: {}", userId, e.toString());
                }
            });
        }
        return new ServerFrame.PresenceSettingsResult(frame.id(), requested.wireName(),
                requested == PresenceVisibility.NOBODY);
    }

    private static ServerFrame error(String code, String message, String ref, String field) {
        return new ServerFrame.Error(code, message, ref, field);
    }

    private static String refOf(ClientFrame frame) {
        if (frame instanceof ClientFrame.PresenceSubscribe s) {
            return s.id();
        } else if (frame instanceof ClientFrame.PresenceQuery q) {
            return q.id();
        } else if (frame instanceof ClientFrame.PresenceSettings s) {
            return s.id();
        }
        return null;
    }
}
