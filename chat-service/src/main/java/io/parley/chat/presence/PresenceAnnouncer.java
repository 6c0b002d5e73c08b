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
 * conversations of at most {@code push-limit} members ("contacts") who have a session somewhere.
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
     * Publishes the change as others may see it; the caller has applied the hidden rule (a hidden
     * user is announced offline without last-seen, once, when hiding).
     */
    void announce(long userId, boolean online, Long lastSeen) {
        Set<Long> contacts = contacts(userId);
        if (contacts.isEmpty()) {
            return;
        }
        Map<String, List<Long>> recipientsByNode = directory.usersByNode(contacts);
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
