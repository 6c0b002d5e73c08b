package io.parley.push.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of push-service ({@code parley.push.*}); each is described in push-service/README.md.
 *
 * @param preview          put a text preview in the notification body; false shows only "New message"
 *                         (for deployments that must not hand message text to Google/Apple)
 * @param previewLength    longest preview, in Unicode code points (longer text is cut and gets "…")
 * @param coalesceWindow   how long a (recipient, conversation) collects messages before one
 *                         notification is sent for all of them
 * @param maxAge           requests for messages older than this (by their sentAt) are dropped: a
 *                         notification that late is noise (e.g. a first start on an old topic)
 * @param claimLease       how long a device's claim in state {@code sending} protects an FCM attempt:
 *                         one not sent (nor re-stamped for a scheduled retry) within this is taken to
 *                         belong to a dead instance and is taken over and sent by whoever notifies
 *                         that window next. Longer than the longest single {@code sendEach} (the
 *                         SDK's own timeouts and 5xx retries) plus clock skew between instances
 * @param retry            back-off for FCM answers that say "try later" (429, 5xx)
 * @param consumer         the Kafka consumer of {@code parley.notifications.offline}
 * @param fcm              Firebase credentials; none configured means the log-only sink
 */
@ConfigurationProperties("parley.push")
public record PushSettings(
        @DefaultValue("true") boolean preview,
        @DefaultValue("100") int previewLength,
        @DefaultValue("3s") Duration coalesceWindow,
        @DefaultValue("1h") Duration maxAge,
        @DefaultValue("3m") Duration claimLease,
        @DefaultValue Retry retry,
        @DefaultValue Consumer consumer,
        @DefaultValue Fcm fcm) {

    public PushSettings {
        if (previewLength < 1) {
            throw new IllegalArgumentException("parley.push.preview-length must be positive");
        }
        if (coalesceWindow.isNegative()) {
            throw new IllegalArgumentException("parley.push.coalesce-window must not be negative");
        }
        if (claimLease.isNegative() || claimLease.isZero()) {
            throw new IllegalArgumentException("parley.push.claim-lease must be positive");
        }
    }

    /**
     * @param initialBackoff first pause before retrying a device whose send FCM answered 429/5xx
     * @param maxBackoff     longest pause (a longer Retry-After is honoured up to this too)
     * @param maxAttempts    attempts per notification before it is given up and logged
     */
    public record Retry(
            @DefaultValue("1s") Duration initialBackoff,
            @DefaultValue("60s") Duration maxBackoff,
            @DefaultValue("6") int maxAttempts) {

        public Retry {
            if (maxAttempts < 1 || initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
                throw new IllegalArgumentException("parley.push.retry: max-attempts >= 1 and 0 <= initial-backoff <= max-backoff");
            }
        }
    }

    /**
     * @param concurrency     consumer threads of this instance (at most the topic's partitions are used)
     * @param topicPartitions partitions of {@code parley.notifications.offline} if this service creates it
     *                        (chat-service declares the same topic; keep the two equal)
     * @param topicReplicas   its replication factor
     * @param senderThreads   threads that build and send notifications; they mostly wait on Cassandra
     *                        and FCM, so throughput grows with them (docs/benchmarks.md, push-service)
     */
    public record Consumer(
            @DefaultValue("1") int concurrency,
            @DefaultValue("16") int topicPartitions,
            @DefaultValue("1") short topicReplicas,
            @DefaultValue("32") int senderThreads) {

        public Consumer {
            if (concurrency < 1 || topicPartitions < 1 || topicReplicas < 1 || senderThreads < 1) {
                throw new IllegalArgumentException("parley.push.consumer.* must be positive");
            }
        }
    }

    /**
     * @param credentialsFile a Firebase service-account JSON; empty falls back to
     *                        GOOGLE_APPLICATION_CREDENTIALS, and with neither the log-only sink is used
     * @param projectId       the Firebase project; empty takes the one named in the credentials
     * @param emulatorHost    {@code host:port} of a server that speaks the FCM HTTP v1 API over plain
     *                        HTTP (a fake FCM for tests and benchmarks); set, it replaces Google
     *                        and no credentials are used. Never set in production
     */
    public record Fcm(
            @DefaultValue("") String credentialsFile,
            @DefaultValue("") String projectId,
            @DefaultValue("") String emulatorHost) {
    }
}
