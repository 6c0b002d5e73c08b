package io.parley.push.support;

import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.firebase.FirebaseApp;
import com.google.firebase.FirebaseOptions;
import com.google.firebase.messaging.FirebaseMessaging;
import java.net.HttpURLConnection;
import java.net.URL;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.UUID;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * The real firebase-admin SDK, aimed at {@link FakeFcm}: its HTTP transport rewrites every URL
 * (https://fcm.googleapis.com/v1/projects/…/messages:send) to the fake's port, keeping the path, and
 * the credentials are a fixed access token, so no Google endpoint is ever contacted. push-service
 * then uses its FCM sender exactly as in production.
 */
@TestConfiguration(proxyBeanMethods = false)
public class FakeFcmConfig {

    public static final String PROJECT = "parley-test";

    @Bean
    FakeFcm fakeFcm() {
        return FakeFcm.shared();
    }

    @Bean(destroyMethod = "delete")
    FirebaseApp testFirebaseApp(FakeFcm fake) {
        NetHttpTransport transport = new NetHttpTransport.Builder()
                .setConnectionFactory(url -> (HttpURLConnection)
                        new URL("http", "127.0.0.1", fake.port(), url.getFile()).openConnection())
                .build();
        FirebaseOptions options = FirebaseOptions.builder()
                .setCredentials(GoogleCredentials.create(
                        new AccessToken("fake", Date.from(Instant.now().plus(1, ChronoUnit.DAYS)))))
                .setProjectId(PROJECT)
                .setHttpTransport(transport)
                .build();
        return FirebaseApp.initializeApp(options, "test-" + UUID.randomUUID());
    }

    @Bean
    FirebaseMessaging firebaseMessaging(FirebaseApp app) {
        return FirebaseMessaging.getInstance(app);
    }
}
