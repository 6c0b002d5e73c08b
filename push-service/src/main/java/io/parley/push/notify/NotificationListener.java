package io.parley.push.notify;

import io.parley.common.events.MessageKind;
import io.parley.common.events.OfflineNotificationRequested;
import io.parley.common.events.Topics;
import io.parley.push.config.PushSettings;
import java.time.Clock;
import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Consumes {@code parley.notifications.offline} in the group {@code parley-push}. Per record: save
 * it in {@code push_pending} (so its offset may be committed now, while its coalescing window is
 * still open), then hand it to the {@link Notifier}. The offset is committed after this returns
 * (AckMode.RECORD); a failure throws and the record is retried, never skipped.
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
            containerFactory = NotifyKafkaConfig.CONTAINER_FACTORY)
    void onRequest(ConsumerRecord<String, OfflineNotificationRequested> record) {
        OfflineNotificationRequested request = record.value();
        if (request == null || request.message() == null) {
            log.warn("Ignoring an empty record at {}-{}@{}", record.topic(), record.partition(), record.offset());
            return;
        }
        if (request.recipientId() == request.message().senderId()) {
            return; // never notify the sender's own devices (chat-service does not ask, but be sure)
        }
        if (MessageKind.SYSTEM.equals(request.message().kind())) {
            return; // membership changes show in the conversation; they do not ring phones
        }
        long age = clock.millis() - request.message().sentAt();
        if (age > maxAge.toMillis()) {
            // A notification this late is noise (e.g. the first start of push-service on an old topic).
            log.debug("Dropping a notification request {} ms old for user {}", age, request.recipientId());
            return;
        }
        PendingNotification notification = new PendingNotification(record.partition(), request.recipientId(), request.message());
        pending.save(notification);
        notifier.accept(notification);
    }
}
