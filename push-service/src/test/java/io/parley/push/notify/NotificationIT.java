package io.parley.push.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.parley.common.events.MessageKind;
import io.parley.common.events.StoredMessage;
import io.parley.common.events.SystemEvent;
import io.parley.push.support.FakeFcm;
import io.parley.push.support.PushIntegrationTest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Offline-notification requests in, FCM HTTP v1 requests out: payload, mute, de-duplication,
 * coalescing and FCM error handling, on real Kafka and Cassandra through the real firebase-admin SDK.
 */
class NotificationIT extends PushIntegrationTest {

    @Test
    void offlineRecipientGetsExactlyOneNotificationWithTheDocumentedPayload() throws Exception {
        long alice = user("Alice");
        long bob = user("Bob");
        long conversation = conversation(alice, bob);
        String token = token("bob-phone");
        registerDevice(bob, "phone-1", "android", token);

        StoredMessage message = message(conversation, alice, 7, "  see you at\n8?  ");
        RecordMetadata record = publish(bob, message);

        await().atMost(PATIENCE).until(() -> fcm.deliveredTo(token).size() == 1);
        awaitHandled(record, bob, conversation);
        List<FakeFcm.Request> requests = fcm.requestsFor(token);
        assertThat(requests).hasSize(1);
        FakeFcm.Request request = requests.get(0);
        assertThat(request.authorization()).isEqualTo("Bearer fake");
        JsonNode fcmMessage = request.message();
        assertThat(fcmMessage.path("notification").path("title").asString()).isEqualTo("Alice");
        assertThat(fcmMessage.path("notification").path("body").asString()).isEqualTo("see you at 8?");
        assertThat(JSON.convertValue(fcmMessage.path("data"), Map.class)).isEqualTo(Map.of(
                "conversationId", Long.toString(conversation),
                "messageId", Long.toString(message.messageId()),
                "seq", "7",
                "count", "1"));
        String collapseKey = "c" + conversation;
        assertThat(fcmMessage.path("android").path("collapse_key").asString()).isEqualTo(collapseKey);
        assertThat(fcmMessage.path("android").path("notification").path("tag").asString()).isEqualTo(collapseKey);
        assertThat(fcmMessage.path("apns").path("headers").path("apns-collapse-id").asString()).isEqualTo(collapseKey);
        assertThat(fcmMessage.path("webpush").path("headers").path("Topic").asString()).isEqualTo(collapseKey);
    }

    @Test
    void everyDeviceOfTheRecipientIsNotifiedOnceAndTheSendersDevicesNever() throws Exception {
        long alice = user("Alice");
        long bob = user("Bob");
        long conversation = conversation(alice, bob);
        String phone = token("bob-phone");
        String browser = token("bob-web");
        String aliceToken = token("alice-phone");
        registerDevice(bob, "phone", "ios", phone);
        registerDevice(bob, "browser", "web", browser);
        registerDevice(alice, "phone", "android", aliceToken);

        StoredMessage message = message(conversation, alice, 1, "hi");
        RecordMetadata toBob = publish(bob, message);
        RecordMetadata toAlice = publish(alice, message); // the sender: must be ignored

        awaitHandled(toBob, bob, conversation);
        awaitHandled(toAlice, alice, conversation);
        assertThat(fcm.deliveredTo(phone)).hasSize(1);
        assertThat(fcm.deliveredTo(browser)).hasSize(1);
        assertThat(fcm.requestsFor(aliceToken)).isEmpty();
    }

    @Test
    void mutedConversationIsNotNotifiedUntilUnmuted() throws Exception {
        long alice = user("Alice");
        long bob = user("Bob");
        long conversation = conversation(alice, bob);
        String token = token("bob-phone");
        registerDevice(bob, "phone", "android", token);
        assertThat(call("PUT", "/api/push/mutes/" + conversation, bob, Map.of("until",
                Instant.now().plusSeconds(3600).toString())).status()).isEqualTo(200);

        RecordMetadata muted = publish(bob, message(conversation, alice, 1, "you will not hear this"));
        awaitHandled(muted, bob, conversation);
        assertThat(fcm.requestsFor(token)).isEmpty();

        assertThat(call("DELETE", "/api/push/mutes/" + conversation, bob, null).status()).isEqualTo(204);
        RecordMetadata unmuted = publish(bob, message(conversation, alice, 2, "but this"));
        awaitHandled(unmuted, bob, conversation);
        assertThat(fcm.deliveredTo(token)).hasSize(1);
        assertThat(fcm.deliveredTo(token).get(0).message().path("notification").path("body").asString()).isEqualTo("but this");
    }

    @Test
    void aGroupChangeRingsNoPhoneAndIsNotCountedInTheBurst() throws Exception {
        long alice = user("Alice");
        long bob = user("Bob");
        long conversation = conversation(alice, bob);
        String token = token("bob-phone");
        registerDevice(bob, "phone", "android", token);
        StoredMessage renamed = new StoredMessage(randomId(), conversation, 1, alice, null, null,
                System.currentTimeMillis(), MessageKind.SYSTEM,
                new SystemEvent(SystemEvent.GROUP_RENAMED, alice, List.of(), "Weekend", null));

        publish(bob, renamed);
        RecordMetadata text = publish(bob, message(conversation, alice, 2, "see the new name?"));
        awaitHandled(text, bob, conversation);

        assertThat(fcm.requestsFor(token)).hasSize(1);
        JsonNode notification = fcm.requestsFor(token).get(0).message();
        assertThat(notification.path("data").path("count").asString()).isEqualTo("1");
        assertThat(notification.path("notification").path("body").asString()).isEqualTo("see the new name?");
    }

    @Test
    void aRedeliveredRequestNotifiesNoMore() throws Exception {
        long alice = user("Alice");
        long bob = user("Bob");
        long conversation = conversation(alice, bob);
        String token = token("bob-phone");
        registerDevice(bob, "phone", "android", token);
        StoredMessage message = message(conversation, alice, 1, "once");

        // Twice within one window (a retried fan-out), then once more after it was notified (a replay).
        publish(bob, message);
        RecordMetadata second = publish(bob, message);
        awaitHandled(second, bob, conversation);
        RecordMetadata replay = publish(bob, message);
        awaitHandled(replay, bob, conversation);

        assertThat(fcm.requestsFor(token)).hasSize(1);
        assertThat(fcm.requestsFor(token).get(0).message().path("data").path("count").asString()).isEqualTo("1");
    }

    @Test
    void aBurstIsOneNotificationSayingHowManyMessages() throws Exception {
        long alice = user("Alice");
        long bob = user("Bob");
        long conversation = conversation(alice, bob);
        String token = token("bob-phone");
        registerDevice(bob, "phone", "android", token);

        int burst = 10;
        List<StoredMessage> messages = new ArrayList<>();
        RecordMetadata last = null;
        for (int seq = 1; seq <= burst; seq++) {
            StoredMessage message = message(conversation, alice, seq, "message " + seq);
            messages.add(message);
            last = publish(bob, message);
        }
        awaitHandled(last, bob, conversation);

        assertThat(fcm.requestsFor(token)).hasSize(1);
        JsonNode notification = fcm.requestsFor(token).get(0).message();
        assertThat(notification.path("notification").path("body").asString()).isEqualTo(burst + " new messages");
        assertThat(notification.path("data").path("count").asString()).isEqualTo(Integer.toString(burst));
        assertThat(notification.path("data").path("seq").asString()).isEqualTo(Integer.toString(burst));
        assertThat(notification.path("data").path("messageId").asString())
                .isEqualTo(Long.toString(messages.get(burst - 1).messageId()));
    }

    @Test
    void anUnregisteredTokenIsDeletedAndOtherDevicesStillNotified() throws Exception {
        long alice = user("Alice");
        long bob = user("Bob");
        long conversation = conversation(alice, bob);
        String dead = token("bob-old-phone");
        String alive = token("bob-new-phone");
        registerDevice(bob, "old-phone", "android", dead);
        registerDevice(bob, "new-phone", "android", alive);
        fcm.answerNext(dead, 404, "UNREGISTERED", null);

        RecordMetadata record = publish(bob, message(conversation, alice, 1, "hello"));
        awaitHandled(record, bob, conversation);

        assertThat(fcm.requestsFor(dead)).hasSize(1);
        assertThat(fcm.deliveredTo(alive)).hasSize(1);
        JsonNode devices = call("GET", "/api/push/devices", bob, null).body();
        assertThat(devices).hasSize(1);
        assertThat(devices.get(0).path("deviceId").asString()).isEqualTo("new-phone");
    }

    @Test
    void unavailableThenAcceptedIsDeliveredExactlyOnce() throws Exception {
        long alice = user("Alice");
        long bob = user("Bob");
        long conversation = conversation(alice, bob);
        String token = token("bob-phone");
        registerDevice(bob, "phone", "android", token);
        fcm.answerNext(token, 503, null, null);

        RecordMetadata record = publish(bob, message(conversation, alice, 1, "hello"));
        awaitHandled(record, bob, conversation);

        assertThat(fcm.requestsFor(token)).extracting(FakeFcm.Request::status).containsExactly(503, 200);
    }

    @Test
    void quotaExceededIsRetriedAfterRetryAfterWithoutDuplicates() throws Exception {
        long alice = user("Alice");
        long bob = user("Bob");
        long conversation = conversation(alice, bob);
        String token = token("bob-phone");
        registerDevice(bob, "phone", "android", token);
        fcm.answerNext(token, 429, "QUOTA_EXCEEDED", "1");
        fcm.answerNext(token, 429, "QUOTA_EXCEEDED", "1");

        RecordMetadata record = publish(bob, message(conversation, alice, 1, "hello"));
        awaitHandled(record, bob, conversation);

        assertThat(fcm.requestsFor(token)).extracting(FakeFcm.Request::status).containsExactly(429, 429, 200);
        Map<String, Object> state = new HashMap<>();
        cql.execute("SELECT state, fcm_name FROM push_notified WHERE user_id = ? AND device_id = ?", bob, "phone")
                .forEach(row -> state.put(row.getString("state"), row.getString("fcm_name")));
        assertThat(state).containsOnlyKeys("sent");
        assertThat((String) state.get("sent")).startsWith("projects/parley-test/messages/");
    }

    @Test
    void aPermanentFailureIsRecordedAndDoesNotHoldBackOthers() throws Exception {
        long alice = user("Alice");
        long bob = user("Bob");
        long carol = user("Carol");
        long conversation = conversation(alice, bob, carol);
        String bobToken = token("bob-phone");
        String carolToken = token("carol-phone");
        registerDevice(bob, "phone", "android", bobToken);
        registerDevice(carol, "phone", "android", carolToken);
        fcm.answerNext(bobToken, 403, "THIRD_PARTY_AUTH_ERROR", null);

        StoredMessage message = message(conversation, alice, 1, "hello both");
        RecordMetadata toBob = publish(bob, message);
        RecordMetadata toCarol = publish(carol, message);
        awaitHandled(toBob, bob, conversation);
        awaitHandled(toCarol, carol, conversation);

        assertThat(fcm.requestsFor(bobToken)).extracting(FakeFcm.Request::status).containsExactly(403);
        assertThat(fcm.deliveredTo(carolToken)).hasSize(1);
        assertThat(cql.execute("SELECT state FROM push_notified WHERE user_id = ? AND device_id = ?", bob, "phone")
                .one().getString("state")).isEqualTo("failed");
        // The device keeps its token: the failure was not about the token.
        assertThat(call("GET", "/api/push/devices", bob, null).body()).hasSize(1);
    }
}
