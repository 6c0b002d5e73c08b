package io.parley.push.sender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.firebase.messaging.FirebaseMessaging;
import io.parley.push.config.PushSettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

class SenderConfigTest {

    private static PushSettings settings(String credentialsFile) {
        return settings(credentialsFile, "");
    }

    private static PushSettings settings(String credentialsFile, String emulatorHost) {
        return new PushSettings(true, 100, Duration.ofSeconds(3), Duration.ofHours(1), Duration.ofMinutes(3),
                new PushSettings.Retry(Duration.ofSeconds(1), Duration.ofSeconds(60), 6),
                new PushSettings.Consumer(1, 16, (short) 1, 4),
                new PushSettings.Fcm(credentialsFile, "", emulatorHost));
    }

    @Test
    void withoutCredentialsTheLogOnlySinkIsUsedAndHealthSaysSo() {
        assumeTrue(System.getenv("GOOGLE_APPLICATION_CREDENTIALS") == null, "no ambient Google credentials");
        SenderConfig config = new SenderConfig();
        PushSender sender = config.pushSender(settings(""),
                new StaticListableBeanFactory().getBeanProvider(FirebaseMessaging.class));

        assertThat(sender.logOnly()).isTrue();
        assertThat(sender.send(List.of(new PushMessage("token-123456789", "Alice", "hi", Map.of(), "c1"))))
                .singleElement().isInstanceOf(SendOutcome.Sent.class);
        Health health = config.pushHealthIndicator(sender).health(true);
        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails()).containsEntry("sink", "log-only");
    }

    @Test
    void anEmulatorHostIsNotHiddenBehindTheFcmSink() {
        PushSender sender = new SenderConfig().pushSender(settings("", "127.0.0.1:9"),
                new StaticListableBeanFactory().getBeanProvider(FirebaseMessaging.class));
        try {
            assertThat(sender.logOnly()).isFalse();
            assertThat(sender.sink()).contains("emulator at http://127.0.0.1:9");
        } finally {
            com.google.firebase.FirebaseApp.getInstance(SenderConfig.APP_NAME).delete();
        }
    }

    @Test
    void anEmulatorHostWithoutAPortStopsTheStart() {
        assertThatThrownBy(() -> new SenderConfig().pushSender(settings("", "localhost"),
                new StaticListableBeanFactory().getBeanProvider(FirebaseMessaging.class)))
                .hasMessageContaining("host:port");
    }

    @Test
    void aConfiguredButMissingCredentialsFileStopsTheStart() {
        assertThatThrownBy(() -> new SenderConfig().pushSender(settings("/nonexistent/fcm.json"),
                new StaticListableBeanFactory().getBeanProvider(FirebaseMessaging.class)))
                .hasMessageContaining("/nonexistent/fcm.json");
    }
}
