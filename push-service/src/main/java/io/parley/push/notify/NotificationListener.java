package io.parley.push.notify;

import io.parley.common.events.MessageKind;
import io.parley.common.events.OfflineNotificationRequested;
import io.parley.common.events.Topics;
import io.parley.push.config.PushSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Consumes {@code parley.notifications.offline} in the group {@code parley-push}, one poll at a
 * time: every request of the poll is saved in {@code push_pending} (in parallel), then handed to
 * the {@link Notifier}, then the poll's offsets are committed (AckMode.BATCH, after this returns).
 * Saved first, so a committed request always survives a crash; a failure throws and the whole poll
 * is retried (saving is idempotent, and the notifier ignores a request it already holds).
 *
 * <p>Per poll, not per record: a per-record commit and a synchronous write per record held the
 * service to a few hundred requests per second (docs/benchmarks.md, push-service).
 */
@Component
class NotificationListener {

    static final String GROUP = "parley-push";

    private static final Logger log = LoggerFactory.getLogger(NotificationListener.class);

    private final PendingStore pending;
    private final Notifier notifier;
    private final Clock clock;
    private final Duration maxAge;

    NotificationListener(PendingStore pending, Notifier notifier, Clock clock, PushSettings settings) {
        this.pending = pending;
        this.notifier = notifier;
        this.clock = clock;
        this.maxAge = settings.maxAge();
    }

    @KafkaListener(id = GROUP, groupId = GROUP, topics = Topics.NOTIFICATIONS_OFFLINE,
            containerFactory = NotifyKafkaConfig.CONTAINER_FACTORY, batch = "true")
    void onRequests(List<ConsumerRecord<String, OfflineNotificationRequested>> records) {
        List<PendingNotification> wanted = new ArrayList<>(records.size());
        for (ConsumerRecord<String, OfflineNotificationRequested> record : records) {
            PendingNotification notification = toNotify(record);
            if (notification != null) {
                wanted.add(notification);
            }
        }
        pending.saveAll(wanted);
        wanted.forEach(notifier::accept);
    }

    /** The request as a pending notification, or null when it must not ring anyone. */
    private PendingNotification toNotify(ConsumerRecord<String, OfflineNotificationRequested> record) {
        OfflineNotificationRequested request = record.value();
        if (request == null || request.message() == null) {
            log.warn("Ignoring an empty or unreadable record at {}-{}@{}", record.topic(), record.partition(), record.offset());
            return null;
        }
        if (request.recipientId() == request.message().senderId()) {
            return null; // never notify the sender's own devices (chat-service does not ask, but be sure)
        }
        if (MessageKind.SYSTEM.equals(request.message().kind())) {
            return null; // membership changes show in the conversation; they do not ring phones
        }
        long age = clock.millis() - request.message().sentAt();
        if (age > maxAge.toMillis()) {
            // A notification this late is noise (e.g. the first start of push-service on an old topic).
            log.debug("Dropping a notification request {} ms old for user {}", age, request.recipientId());
            return null;
        }
        return new PendingNotification(record.partition(), request.recipientId(), request.message());
    }
}
