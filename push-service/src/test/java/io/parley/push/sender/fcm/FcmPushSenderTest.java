package io.parley.push.sender.fcm;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.api.client.http.HttpTransport;
import com.google.api.client.testing.http.MockHttpTransport;
import com.google.api.client.testing.http.MockLowLevelHttpResponse;
import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.firebase.FirebaseApp;
import com.google.firebase.FirebaseOptions;
import com.google.firebase.messaging.FirebaseMessaging;
import io.parley.push.sender.PushMessage;
import io.parley.push.sender.SendOutcome;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** FCM answers → outcomes, through the real SDK on the google-http-client mock transport (no server). */
class FcmPushSenderTest {

    private FirebaseApp app;

    @AfterEach
    void deleteApp() {
        if (app != null) {
            app.delete();
        }
    }

    private FcmPushSender answering(int status, String body, String retryAfter) {
        MockLowLevelHttpResponse response = new MockLowLevelHttpResponse().setStatusCode(status)
                .setContentType("application/json").setContent(body);
        if (retryAfter != null) {
            response.addHeader("Retry-After", retryAfter);
        }
        HttpTransport transport = new MockHttpTransport.Builder().setLowLevelHttpResponse(response).build();
        app = FirebaseApp.initializeApp(FirebaseOptions.builder()
                .setCredentials(GoogleCredentials.create(new AccessToken("fake", new Date(System.currentTimeMillis() + 3_600_000))))
                .setProjectId("p").setHttpTransport(transport).build(), "unit-" + UUID.randomUUID());
        return new FcmPushSender(FirebaseMessaging.getInstance(app), "p");
    }

    private static SendOutcome sendOne(FcmPushSender sender) {
        return sender.send(List.of(new PushMessage("tok", "t", "b", Map.of("k", "v"), "c1"))).get(0);
    }

    private static String error(int code, String status, String fcmCode) {
        return "{\"error\":{\"code\":" + code + ",\"message\":\"m\",\"status\":\"" + status + "\",\"details\":[{\"@type\":"
                + "\"type.googleapis.com/google.firebase.fcm.v1.FcmError\",\"errorCode\":\"" + fcmCode + "\"}]}}";
    }

    @Test
    void acceptedIsSentWithItsName() {
        assertThat(sendOne(answering(200, "{\"name\":\"projects/p/messages/1\"}", null)))
                .isEqualTo(new SendOutcome.Sent("projects/p/messages/1"));
    }

    @Test
    void unregisteredAndInvalidArgumentMeanADeadToken() {
        assertThat(sendOne(answering(404, error(404, "NOT_FOUND", "UNREGISTERED"), null))).isInstanceOf(SendOutcome.InvalidToken.class);
        app.delete();
        assertThat(sendOne(answering(400, error(400, "INVALID_ARGUMENT", "INVALID_ARGUMENT"), null))).isInstanceOf(SendOutcome.InvalidToken.class);
    }

    @Test
    void quotaExceededIsRetriedAfterWhatTheServerAsked() {
        SendOutcome outcome = sendOne(answering(429, error(429, "RESOURCE_EXHAUSTED", "QUOTA_EXCEEDED"), "7"));
        assertThat(outcome).isInstanceOf(SendOutcome.Retry.class);
        assertThat(((SendOutcome.Retry) outcome).retryAfter()).isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void anAuthenticationProblemIsPermanent() {
        assertThat(sendOne(answering(403, error(403, "PERMISSION_DENIED", "THIRD_PARTY_AUTH_ERROR"), null)))
                .isInstanceOf(SendOutcome.Failed.class);
    }
}
