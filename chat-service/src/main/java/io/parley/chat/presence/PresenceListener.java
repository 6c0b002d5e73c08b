package io.parley.chat.presence;

import io.parley.chat.session.ChatSession;
import io.parley.chat.session.SessionRegistry;
import io.parley.common.events.PresenceChanged;
import io.parley.common.protocol.ServerFrame.UserPresence;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.listener.MessageListener;
import org.springframework.stereotype.Component;

/**
 * Reads this node's presence topic: each change goes to the subscribed local sessions of its
 * recipients. Runs on its own consumer thread, apart from message delivery; the work per record
 * is a map update per session (the write happens later, coalesced, on the session's lane).
 */
@Component
class PresenceListener implements MessageListener<String, PresenceChanged> {

    private final SessionRegistry sessions;
    private final PresenceSubscriptions subscriptions;

    PresenceListener(SessionRegistry sessions, PresenceSubscriptions subscriptions) {
        this.sessions = sessions;
        this.subscriptions = subscriptions;
    }

    @Override
    public void onMessage(ConsumerRecord<String, PresenceChanged> record) {
        PresenceChanged change = record.value();
        if (change == null || change.recipients() == null) {
            return;
        }
        UserPresence entry = PresenceViews.change(change.userId(), change.online(), change.lastSeen());
        for (long recipient : change.recipients()) {
            for (ChatSession session : sessions.sessionsOf(recipient)) {
                subscriptions.push(session, entry);
            }
        }
    }
}
