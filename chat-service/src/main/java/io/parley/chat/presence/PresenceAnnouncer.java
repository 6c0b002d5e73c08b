package io.parley.chat.presence;

import io.parley.chat.conversation.Conversations;
import io.parley.chat.session.SessionDirectory;
import io.parley.common.events.PresenceChanged;
import io.parley.common.events.Topics;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * Tells the users who care that someone's presence changed: the members of that user's
 * conversations of at most {@code push-limit} members ("contacts") whom the user's
 * {@link PresenceVisibility} admits and who have a session somewhere.
 * One {@link PresenceChanged} per chat node holding such sessions, on that node's presence topic.
 * The cost of a change is one conversation list, the (cached) member lists, and a look
 * into the session directory per contact: it grows with who cares, never with total traffic.
 */
@Component
class PresenceAnnouncer {

    private static final Logger log = LoggerFactory.getLogger(PresenceAnnouncer.class);

    private final PresenceStore store;
    private final SessionDirectory directory;
    private final Conversations conversations;
    private final KafkaTemplate<String, Object> kafka;
    private final int pushLimit;

    PresenceAnnouncer(PresenceStore store, SessionDirectory directory, Conversations conversations,
                      KafkaTemplate<String, Object> kafka, PresenceSettings settings) {
        this.store = store;
        this.directory = directory;
        this.conversations = conversations;
        this.kafka = kafka;
        this.pushLimit = settings.pushLimit();
    }

    /**
     * The users who get this user's changes pushed: members of the user's conversations with at
     * most {@code push-limit} members. Members of larger groups ask instead ({@code presence_query}):
     * pushing every change of a 10 000-member group to all members is quadratic work for
     * information nobody displays.
     */
    Set<Long> contacts(long userId) {
        Set<Long> contacts = new HashSet<>();
        for (long conversation : store.conversationsOf(userId)) {
            Set<Long> members = conversations.members(conversation);
            if (members.size() <= pushLimit) {
                contacts.addAll(members);
            }
        }
        contacts.remove(userId);
        return contacts;
    }

    /**
     * Publishes a transition of the user to the contacts the user's visibility admits; the others
     * keep seeing "offline, no last-seen" and are told nothing.
     */
    void announce(long userId, boolean online, Long lastSeen, PresenceVisibility visibility) {
        Set<Long> contacts = contacts(userId);
        publish(userId, admitted(userId, contacts, visibility), online, lastSeen);
    }

    /**
     * The user changed who may see them: every contact gets what they may see now (admitted: the
     * real state; the others: "offline, no last-seen"), so open subscriptions follow at once.
     */
    void announceVisibility(long userId, PresenceStore.State state) {
        Set<Long> contacts = contacts(userId);
        Set<Long> admitted = admitted(userId, contacts, state.visibility());
        Set<Long> shutOut = new HashSet<>(contacts);
        shutOut.removeAll(admitted);
        publish(userId, admitted, state.online(), lastSeenOf(state));
        publish(userId, shutOut, false, null);
    }

    /**
     * The user has just sent the viewer a first 1:1 message (as far as this node knows): under
     * {@code contacts} the viewer may see the user from now on, so an open subscription shows the
     * real state at once instead of at the user's next transition.
     */
    void announceNewContact(long userId, long viewer, PresenceStore.State state) {
        if (state.visibility() == PresenceVisibility.CONTACTS) {
            publish(userId, Set.of(viewer), state.online(), lastSeenOf(state));
        }
    }

    /** The contacts the user's visibility admits. */
    private Set<Long> admitted(long userId, Set<Long> contacts, PresenceVisibility visibility) {
        return switch (visibility) {
            case NOBODY -> Set.of();
            case CONVERSATIONS -> contacts;
            case CONTACTS -> {
                if (contacts.isEmpty()) {
                    yield Set.of();
                }
                Set<Long> messaged = store.contactsOf(userId);
                messaged.retainAll(contacts);
                yield messaged;
            }
        };
    }

    private static Long lastSeenOf(PresenceStore.State state) {
        return state.online() || state.lastSeen() == null ? null : state.lastSeen().toEpochMilli();
    }

    private void publish(long userId, Set<Long> audience, boolean online, Long lastSeen) {
        if (audience.isEmpty()) {
            return;
        }
        Map<String, List<Long>> recipientsByNode = directory.usersByNode(audience);
        String key = Long.toString(userId);
        recipientsByNode.forEach((node, recipients) -> kafka
                .send(Topics.nodePresence(node), key, new PresenceChanged(userId, online, lastSeen, recipients))
                .whenComplete((ok, error) -> {
                    if (error != null) {
                        // Presence is best effort: a subscriber re-reads it on its next subscribe.
                        log.warn("presence change of {} not published to node {}: {}", userId, node, error.toString());
                    }
                }));
    }
}
