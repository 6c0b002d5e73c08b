package io.parley.push.sender;

import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.firebase.FirebaseApp;
import com.google.firebase.FirebaseOptions;
import com.google.firebase.messaging.FirebaseMessaging;
import io.parley.push.config.PushSettings;
import io.parley.push.sender.fcm.FcmPushSender;
import io.parley.push.sender.log.LogPushSender;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Chooses the {@link PushSender}: FCM when a {@link FirebaseMessaging} bean exists (in-JVM tests
 * supply one aimed at a fake FCM server), an FCM emulator is named ({@code parley.push.fcm.emulator-host},
 * for tests and benchmarks that run push-service as its own process), or Firebase credentials are
 * configured ({@code parley.push.fcm.credentials-file}, else GOOGLE_APPLICATION_CREDENTIALS); otherwise the
 * log-only sink, announced at WARN on start and in {@code /actuator/health} (component {@code push}).
 */
@Configuration(proxyBeanMethods = false)
class SenderConfig {

    private static final Logger log = LoggerFactory.getLogger(SenderConfig.class);
    /** A named app, so this service never collides with a default FirebaseApp someone else made. */
    static final String APP_NAME = "parley-push";
    static final String EMULATOR_PROJECT = "parley-emulator";

    @Bean
    PushSender pushSender(PushSettings settings, ObjectProvider<FirebaseMessaging> provided) {
        FirebaseMessaging messaging = provided.getIfAvailable();
        String project = settings.fcm().projectId();
        String emulator = settings.fcm().emulatorHost();
        if (messaging == null && emulator != null && !emulator.isBlank()) {
            if (project == null || project.isBlank()) {
                project = EMULATOR_PROJECT;
            }
            messaging = FirebaseMessaging.getInstance(emulatorApp(emulator.strip(), project));
            log.warn("push-service sends notifications to an FCM EMULATOR at http://{}, not to Google "
                    + "(parley.push.fcm.emulator-host); devices receive nothing.", emulator.strip());
            project = project + ", emulator at http://" + emulator.strip();
        } else if (messaging == null) {
            Path credentials = credentialsFile(settings);
            if (credentials != null) {
                FirebaseApp app = firebaseApp(credentials, project);
                messaging = FirebaseMessaging.getInstance(app);
                project = app.getOptions().getProjectId();
            }
        }
        PushSender sender = messaging != null
                ? new FcmPushSender(messaging, project == null || project.isEmpty() ? "(from credentials)" : project)
                : new LogPushSender();
        if (sender.logOnly()) {
            log.warn("push-service sends to a LOG-ONLY sink: no FCM credentials configured (set "
                    + "parley.push.fcm.credentials-file or GOOGLE_APPLICATION_CREDENTIALS; see docs/operations.md). "
                    + "Notifications are logged, not delivered.");
        } else {
            log.info("push-service sends notifications to {}", sender.sink());
        }
        return sender;
    }

    /** {@code /actuator/health} → {@code components.push}: UP either way, and says which sink is in use. */
    @Bean
    HealthIndicator pushHealthIndicator(PushSender sender) {
        Health health = Health.up()
                .withDetail("sink", sender.logOnly() ? "log-only" : "fcm")
                .withDetail("description", sender.sink())
                .build();
        return () -> health;
    }

    private static Path credentialsFile(PushSettings settings) {
        String configured = settings.fcm().credentialsFile();
        if (configured == null || configured.isBlank()) {
            configured = System.getenv("GOOGLE_APPLICATION_CREDENTIALS");
        }
        if (configured == null || configured.isBlank()) {
            return null;
        }
        Path path = Path.of(configured);
        if (!Files.isReadable(path)) {
            // Configured but missing is a deployment mistake: fail loudly rather than silently log-only.
            throw new IllegalStateException("FCM credentials file " + path.toAbsolutePath() + " is not readable");
        }
        return path;
    }

    /**
     * The real SDK talking to a stand-in server: firebase-admin has no FCM root-URL setting, so its
     * HTTP transport rewrites every URL (https://fcm.googleapis.com/v1/projects/…/messages:send) to
     * {@code http://<host:port>} with the same path, and a placeholder access token replaces
     * Google credentials (an emulator does not check it; no Google endpoint is ever called).
     */
    static FirebaseApp emulatorApp(String hostAndPort, String projectId) {
        URI root = URI.create("http://" + hostAndPort);
        if (root.getHost() == null || root.getPort() < 0) {
            throw new IllegalStateException("parley.push.fcm.emulator-host must be host:port, not " + hostAndPort);
        }
        NetHttpTransport transport = new NetHttpTransport.Builder()
                .setConnectionFactory(url -> (HttpURLConnection)
                        new URL("http", root.getHost(), root.getPort(), url.getFile()).openConnection())
                .build();
        FirebaseOptions options = FirebaseOptions.builder()
                .setCredentials(GoogleCredentials.create(new AccessToken("emulator", Date.from(Instant.now().plus(3650, ChronoUnit.DAYS)))))
                .setProjectId(projectId)
                .setHttpTransport(transport)
                .build();
        return FirebaseApp.getApps().stream().filter(app -> app.getName().equals(APP_NAME)).findFirst()
                .orElseGet(() -> FirebaseApp.initializeApp(options, APP_NAME));
    }

    private static FirebaseApp firebaseApp(Path credentials, String projectId) {
        try (InputStream in = Files.newInputStream(credentials)) {
            FirebaseOptions.Builder options = FirebaseOptions.builder().setCredentials(GoogleCredentials.fromStream(in));
            if (projectId != null && !projectId.isBlank()) {
                options.setProjectId(projectId);
            }
            return FirebaseApp.getApps().stream().filter(app -> app.getName().equals(APP_NAME)).findFirst()
                    .orElseGet(() -> FirebaseApp.initializeApp(options.build(), APP_NAME));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read FCM credentials from " + credentials, e);
        }
    }
}
