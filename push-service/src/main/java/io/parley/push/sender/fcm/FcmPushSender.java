package io.parley.push.sender.fcm;

import com.google.firebase.ErrorCode;
import com.google.firebase.IncomingHttpResponse;
import com.google.firebase.messaging.AndroidConfig;
import com.google.firebase.messaging.AndroidNotification;
import com.google.firebase.messaging.ApnsConfig;
import com.google.firebase.messaging.Aps;
import com.google.firebase.messaging.BatchResponse;
import com.google.firebase.messaging.FirebaseMessaging;
import com.google.firebase.messaging.FirebaseMessagingException;
import com.google.firebase.messaging.Message;
import com.google.firebase.messaging.MessagingErrorCode;
import com.google.firebase.messaging.Notification;
import com.google.firebase.messaging.SendResponse;
import com.google.firebase.messaging.WebpushConfig;
import io.parley.push.sender.PushMessage;
import io.parley.push.sender.PushSender;
import io.parley.push.sender.SendOutcome;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Firebase Cloud Messaging through firebase-admin's {@link FirebaseMessaging#sendEach}: one HTTP v1
 * request per device, sent concurrently by the SDK, up to 500 per call. The SDK itself retries
 * 500/503 a few times with back-off (honouring Retry-After); what is still failing after that is
 * classified here as FCM documents it (https://firebase.google.com/docs/cloud-messaging/manage-tokens
 * and the v1 error codes): UNREGISTERED, INVALID_ARGUMENT and SENDER_ID_MISMATCH mean the token is
 * dead; UNAVAILABLE, INTERNAL and QUOTA_EXCEEDED (429) mean "later"; anything else is permanent.
 */
public final class FcmPushSender implements PushSender {

    /** The most messages {@code sendEach} takes in one call. */
    static final int MAX_PER_CALL = 500;

    private static final Set<MessagingErrorCode> DEAD_TOKEN = EnumSet.of(
            MessagingErrorCode.UNREGISTERED, MessagingErrorCode.INVALID_ARGUMENT, MessagingErrorCode.SENDER_ID_MISMATCH);
    private static final Set<MessagingErrorCode> TRY_LATER = EnumSet.of(
            MessagingErrorCode.UNAVAILABLE, MessagingErrorCode.INTERNAL, MessagingErrorCode.QUOTA_EXCEEDED);
    /** Platform-level codes (no FCM-specific code given) that are worth another attempt. */
    private static final Set<ErrorCode> TRANSIENT = EnumSet.of(ErrorCode.UNAVAILABLE, ErrorCode.INTERNAL,
            ErrorCode.RESOURCE_EXHAUSTED, ErrorCode.DEADLINE_EXCEEDED, ErrorCode.ABORTED, ErrorCode.UNKNOWN);

    private final FirebaseMessaging messaging;
    private final String project;

    public FcmPushSender(FirebaseMessaging messaging, String project) {
        this.messaging = messaging;
        this.project = project;
    }

    @Override
    public List<SendOutcome> send(List<PushMessage> messages) {
        List<SendOutcome> outcomes = new ArrayList<>(messages.size());
        for (int from = 0; from < messages.size(); from += MAX_PER_CALL) {
            List<PushMessage> chunk = messages.subList(from, Math.min(messages.size(), from + MAX_PER_CALL));
            outcomes.addAll(sendChunk(chunk));
        }
        return outcomes;
    }

    private List<SendOutcome> sendChunk(List<PushMessage> chunk) {
        List<Message> fcmMessages = chunk.stream().map(FcmPushSender::toFcm).toList();
        try {
            BatchResponse batch = messaging.sendEach(fcmMessages);
            return batch.getResponses().stream().map(FcmPushSender::outcome).toList();
        } catch (FirebaseMessagingException e) {
            // The whole call failed before any message was handed over: every one may be retried.
            SendOutcome retry = new SendOutcome.Retry(retryAfter(e.getHttpResponse()), describe(e));
            return chunk.stream().map(m -> retry).toList();
        }
    }

    static Message toFcm(PushMessage message) {
        return Message.builder()
                .setToken(message.token())
                .setNotification(Notification.builder().setTitle(message.title()).setBody(message.body()).build())
                .putAllData(message.data())
                // Android: collapse queued messages of the conversation, and replace its shown notification (tag).
                .setAndroidConfig(AndroidConfig.builder()
                        .setCollapseKey(message.collapseKey())
                        .setPriority(AndroidConfig.Priority.HIGH)
                        .setNotification(AndroidNotification.builder().setTag(message.collapseKey()).build())
                        .build())
                // iOS: apns-collapse-id replaces the shown notification; thread-id groups the conversation.
                .setApnsConfig(ApnsConfig.builder()
                        .putHeader("apns-collapse-id", message.collapseKey())
                        .setAps(Aps.builder().setThreadId(message.collapseKey()).build())
                        .build())
                // Web push: a pending message with the same Topic is replaced.
                .setWebpushConfig(WebpushConfig.builder().putHeader("Topic", message.collapseKey()).build())
                .build();
    }

    static SendOutcome outcome(SendResponse response) {
        if (response.isSuccessful()) {
            return new SendOutcome.Sent(response.getMessageId());
        }
        FirebaseMessagingException e = response.getException();
        MessagingErrorCode code = e.getMessagingErrorCode();
        if (code != null && DEAD_TOKEN.contains(code)) {
            return new SendOutcome.InvalidToken(describe(e));
        }
        if ((code != null && TRY_LATER.contains(code)) || (code == null && TRANSIENT.contains(e.getErrorCode()))) {
            return new SendOutcome.Retry(retryAfter(e.getHttpResponse()), describe(e));
        }
        return new SendOutcome.Failed(describe(e));
    }

    private static String describe(FirebaseMessagingException e) {
        Object code = e.getMessagingErrorCode() != null ? e.getMessagingErrorCode() : e.getErrorCode();
        IncomingHttpResponse http = e.getHttpResponse();
        return code + (http != null ? " (HTTP " + http.getStatusCode() + ")" : "") + ": " + e.getMessage();
    }

    /** The Retry-After header (delay-seconds or an HTTP date), or null if absent or unreadable. */
    static Duration retryAfter(IncomingHttpResponse response) {
        if (response == null) {
            return null;
        }
        String value = header(response.getHeaders(), "retry-after");
        if (value == null) {
            return null;
        }
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(value.trim())));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration wait = Duration.between(ZonedDateTime.now(at.getZone()), at);
                return wait.isNegative() ? Duration.ZERO : wait;
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
    }

    private static String header(Map<String, Object> headers, String name) {
        if (headers == null) {
            return null;
        }
        for (Map.Entry<String, Object> entry : headers.entrySet()) {
            if (entry.getKey() != null && entry.getKey().equalsIgnoreCase(name)) {
                Object value = entry.getValue();
                if (value instanceof Collection<?> values) {
                    return values.isEmpty() ? null : String.valueOf(values.iterator().next());
                }
                return value == null ? null : String.valueOf(value);
            }
        }
        return null;
    }

    @Override
    public String sink() {
        return "fcm (Firebase project " + project + ")";
    }

    @Override
    public boolean logOnly() {
        return false;
    }
}
