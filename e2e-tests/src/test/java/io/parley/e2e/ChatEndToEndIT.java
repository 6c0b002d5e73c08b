package io.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.parley.common.protocol.ClientFrame;
import io.parley.common.protocol.ServerFrame;
import io.parley.common.protocol.ServerFrame.Ack;
import io.parley.common.protocol.ServerFrame.Message;
import io.parley.common.protocol.ServerFrame.SyncResult;
import io.parley.common.protocol.ServerFrame.WireMessage;
import io.parley.localrun.LocalSystem;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

/**
 * The whole system as `./parley run` starts it (real Kafka, real Cassandra, discovery, api-service,
 * gateway, two chat nodes, each its own process), driven the way the protocol page tells a client
 * author to drive it. Alice is on chat node 1 with two devices, Bob on chat node 2.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChatEndToEndIT {

    private final HttpClient http = HttpClient.newHttpClient();
    private final String suffix = UUID.randomUUID().toString().substring(0, 8);
    private final List<ChatConnection> connections = new ArrayList<>();

    private Path dataDir;
    private FcmRecorder fcm;
    private LocalSystem system;
    private ParleyClient client;
    private ParleyClient.Session alice;
    private ParleyClient.Session bob;
    private ParleyClient.Session carol;
    private String conversationId;

    @BeforeAll
    void startSystem() throws Exception {
        dataDir = Files.createTempDirectory("parley-e2e");
        fcm = new FcmRecorder();
        system = LocalSystem.start(LocalSystem.Options.forTests(dataDir).withFcmEmulator(fcm.hostPort()));
        client = new ParleyClient(http, system.gatewayUrl());
        alice = client.signUpAndLogin("alice_" + suffix, "Alice");
        bob = client.signUpAndLogin("bob_" + suffix, "Bob");
        carol = client.signUpAndLogin("carol_" + suffix, "Carol");
    }

    @AfterAll
    void stopSystem() {
        connections.forEach(ChatConnection::close);
        if (system != null) {
            system.close();
        }
        if (fcm != null) {
            fcm.close();
        }
    }

    @Test
    @Order(1)
    void upgradeWithoutValidTokenIsRefusedWith401() {
        String wsUrl = wsUrl(0);
        assertThatThrownBy(() -> http.newWebSocketBuilder()
                .buildAsync(URI.create(wsUrl), new java.net.http.WebSocket.Listener() { }).join())
                .isInstanceOf(CompletionException.class)
                .cause().isInstanceOf(WebSocketHandshakeException.class)
                .satisfies(e -> assertThat(((WebSocketHandshakeException) e).getResponse().statusCode()).isEqualTo(401));
        assertThatThrownBy(() -> ChatConnection.open(http, wsUrl, "not-a-jwt"))
                .isInstanceOf(CompletionException.class)
                .cause().isInstanceOf(WebSocketHandshakeException.class);
    }

    /**
     * Issue 9 on the whole system: every service registered with the generated registry credentials
     * (else the system would not have come up), and the hijack is refused: nobody registers a chat
     * node, reads the registry or polls a node without them.
     */
    @Test
    @Order(2)
    void theServicePlaneIsClosedToAnyoneWithoutTheRegistryCredentials() throws Exception {
        String fake = "{\"instance\": {\"instanceId\": \"evil\", \"app\": \"CHAT-SERVICE\", \"hostName\": \"127.0.0.1\","
                + " \"ipAddr\": \"127.0.0.1\", \"vipAddress\": \"chat-service\", \"status\": \"UP\","
                + " \"port\": {\"$\": 9, \"@enabled\": \"true\"},"
                + " \"dataCenterInfo\": {\"@class\": \"com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo\", \"name\": \"MyOwn\"},"
                + " \"metadata\": {\"ws-url\": \"ws://127.0.0.1:9/ws/v1\"}}}";
        java.net.http.HttpResponse<String> register = http.send(java.net.http.HttpRequest.newBuilder(
                        URI.create(system.discoveryUrl() + "/eureka/apps/CHAT-SERVICE"))
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(fake)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(register.statusCode()).isEqualTo(401);
        for (String url : List.of(system.discoveryUrl() + "/eureka/apps", system.discoveryUrl() + "/internal/chat-nodes",
                system.chatNodeUrls().get(0) + "/internal/node", system.pushServiceUrl() + "/actuator/info")) {
            assertThat(status(url, null)).as(url).isEqualTo(401);
            assertThat(status(url, system.registryAuthorization())).as(url).isEqualTo(200);
        }
        for (int i = 0; i < 5; i++) {
            assertThat(List.of(wsUrl(0), wsUrl(1))).contains(client.chatServer(alice).body().get("url").asString());
        }
    }

    private int status(String url, String authorization) throws Exception {
        java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(URI.create(url));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    @Order(2)
    void discoveryNamesOneOfTheChatNodes() {
        ParleyClient.Response answer = client.chatServer(alice);
        assertThat(answer.status()).isEqualTo(200);
        assertThat(List.of(wsUrl(0), wsUrl(1))).contains(answer.body().get("url").asString());
        assertThat(client.get("/api/discovery/chat-server", null).status()).isEqualTo(401);
    }

    @Test
    @Order(3)
    void messageCrossesNodesAndEchoesToTheSendersOtherDevice() {
        ChatConnection alicePhone = connect(0, alice);
        ChatConnection aliceLaptop = connect(1, alice);
        ChatConnection bobPhone = connect(1, bob);

        alicePhone.send(new ClientFrame.Send("c-hello", null, bob.userId(), "Hello Bob 👋"));
        Ack ack = alicePhone.await(Ack.class);
        assertThat(ack.id()).isEqualTo("c-hello");
        assertThat(ack.messageId()).matches("\\d+");
        conversationId = ack.conversationId();

        WireMessage atBob = bobPhone.await(Message.class).message();
        assertThat(atBob.messageId()).isEqualTo(ack.messageId());
        assertThat(atBob.text()).isEqualTo("Hello Bob 👋");
        assertThat(atBob.senderId()).isEqualTo(alice.userId());
        assertThat(atBob.seq()).isEqualTo(1);

        WireMessage echo = aliceLaptop.await(Message.class).message();
        assertThat(echo.messageId()).isEqualTo(ack.messageId());
        // The sending device gets its own message too, after the ack: that is where it learns the seq.
        WireMessage own = alicePhone.await(Message.class).message();
        assertThat(own.clientMessageId()).isEqualTo("c-hello");
        assertThat(own.seq()).isEqualTo(1);
        assertThat(alicePhone.drain(Duration.ofSeconds(2)))
                .as("its own message comes back once")
                .noneMatch(Message.class::isInstance);

        JsonNode history = client.history(bob, conversationId, "").body();
        assertThat(texts(history)).containsExactly("Hello Bob 👋");
    }

    @Test
    @Order(4)
    void retryWithTheSameClientIdReturnsTheSameAckAndNoSecondMessage() {
        ChatConnection alicePhone = connect(0, alice);
        ChatConnection bobPhone = connect(1, bob);

        alicePhone.send(new ClientFrame.Send("c-retry", conversationId, null, "only once"));
        Ack first = alicePhone.await(Ack.class);
        alicePhone.send(new ClientFrame.Send("c-retry", conversationId, null, "only once", true));
        Ack second = alicePhone.await(Ack.class);
        assertThat(second).isEqualTo(first);

        assertThat(bobPhone.await(Message.class).message().messageId()).isEqualTo(first.messageId());
        assertThat(bobPhone.drain(Duration.ofSeconds(3))).noneMatch(Message.class::isInstance);
        assertThat(texts(client.history(alice, conversationId, "").body()))
                .containsExactly("only once", "Hello Bob 👋");
    }

    @Test
    @Order(5)
    void offlineRecipientSyncsExactlyWhatItMissed() {
        ChatConnection bobPhone = connect(1, bob);
        bobPhone.send(new ClientFrame.Sync(Map.of(), 100));
        List<WireMessage> everything = bobPhone.await(SyncResult.class).messages();
        long cursor = everything.stream().mapToLong(WireMessage::seq).max().orElseThrow();
        bobPhone.close();

        ChatConnection alicePhone = connect(0, alice);
        List<String> missedIds = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            alicePhone.send(new ClientFrame.Send("c-missed-" + i, conversationId, null, "while you were away " + i));
            missedIds.add(alicePhone.await(Ack.class).messageId());
        }

        ChatConnection bobAgain = connect(1, bob);
        bobAgain.send(new ClientFrame.Sync(Map.of(conversationId, Long.toString(cursor)), 100));
        SyncResult synced = bobAgain.await(SyncResult.class);
        assertThat(synced.more()).isFalse();
        assertThat(synced.messages()).allMatch(message -> message.seq() > cursor);

        // An acked message may still be on its way to the store when the device syncs; it then
        // arrives live. A client merges both by seq, as docs/protocol.md tells it to.
        Map<Long, WireMessage> held = new TreeMap<>();
        synced.messages().forEach(message -> held.put(message.seq(), message));
        while (held.size() < missedIds.size()) {
            WireMessage live = bobAgain.await(Message.class).message();
            held.putIfAbsent(live.seq(), live);
        }
        assertThat(held.keySet()).containsExactly(cursor + 1, cursor + 2, cursor + 3);
        assertThat(held.values()).extracting(WireMessage::messageId).containsExactlyElementsOf(missedIds);
        // Nothing beyond what was missed. A missed message may still come live after the sync found
        // it (its fan-out read the new session's registration): docs/protocol.md allows that
        // repeat, and the client drops it as a seq it holds. It must be that same message, though.
        assertThat(bobAgain.drain(Duration.ofSeconds(2)))
                .as("nothing beyond what was missed; a repeat only of a held seq, as the same message")
                .filteredOn(Message.class::isInstance)
                .map(frame -> ((Message) frame).message())
                .allSatisfy(repeat -> assertThat(held.get(repeat.seq())).isEqualTo(repeat));
    }

    @Test
    @Order(6)
    void badFramesGetAnErrorNamingTheProblemAndChangeNothing() {
        ChatConnection alicePhone = connect(0, alice);
        int before = texts(client.history(alice, conversationId, "").body()).size();

        alicePhone.sendRaw("this is not json");
        assertThat(alicePhone.await(ServerFrame.Error.class).code()).isEqualTo("invalid_frame");

        alicePhone.sendRaw("{\"type\":\"teleport\"}");
        assertThat(alicePhone.await(ServerFrame.Error.class).code()).isEqualTo("invalid_frame");

        alicePhone.send(new ClientFrame.Send("c-missing-text", conversationId, null, null));
        ServerFrame.Error missing = alicePhone.await(ServerFrame.Error.class);
        assertThat(missing.code()).isEqualTo("missing_field");
        assertThat(missing.field()).isEqualTo("text");

        alicePhone.send(new ClientFrame.Send(null, conversationId, null, "no client id"));
        assertThat(alicePhone.await(ServerFrame.Error.class).field()).isEqualTo("id");

        alicePhone.send(new ClientFrame.Send("c-too-long", conversationId, null, "x".repeat(4001)));
        assertThat(alicePhone.await(ServerFrame.Error.class).code()).isEqualTo("text_too_long");

        alicePhone.sendRaw("{\"type\":\"send\",\"id\":\"c-huge\",\"to\":\"" + bob.userId() + "\",\"text\":\""
                + "y".repeat(20_000) + "\"}");
        assertThat(alicePhone.await(ServerFrame.Error.class).code()).isEqualTo("frame_too_large");

        alicePhone.send(new ClientFrame.Send("c-nobody", null, "123456789", "hello?"));
        assertThat(alicePhone.await(ServerFrame.Error.class).code()).isEqualTo("unknown_recipient");

        alicePhone.send(new ClientFrame.Send("c-after-errors", conversationId, null, "still works"));
        assertThat(alicePhone.await(Ack.class).id()).isEqualTo("c-after-errors");
        // An ack means durable in Kafka, not stored yet; the sender's own copy of the message is
        // routed only once it is stored, so after it history must hold it.
        alicePhone.await(Message.class, m -> "c-after-errors".equals(m.message().clientMessageId()));
        assertThat(texts(client.history(alice, conversationId, "").body()))
                .hasSize(before + 1)
                .first().isEqualTo("still works");
    }

    @Test
    @Order(7)
    void threeUsersOnTwoNodesHoldAGroupConversationWithReceiptsTypingAndResync() {
        ChatConnection a = connect(0, alice);
        ChatConnection b = connect(1, bob);
        ChatConnection c = connect(0, carol);

        // The group is made over REST through the gateway; its creation notice is seq 1 for all.
        ParleyClient.Response created = client.post("/api/groups",
                Map.of("name", "Hikers", "memberIds", List.of(bob.userId(), carol.userId())), alice.token());
        assertThat(created.status()).isEqualTo(201);
        String group = created.body().get("conversationId").asString();
        for (ChatConnection member : List.of(a, b, c)) {
            WireMessage notice = member.await(Message.class, m -> m.message().conversationId().equals(group)).message();
            assertThat(notice.seq()).isEqualTo(1);
            assertThat(notice.system().event()).isEqualTo("group_created");
        }

        // A message from node 1 reaches all three, on both nodes, the sender's own session too.
        a.send(new ClientFrame.Send("g-hello", group, null, "Who is in for Saturday?"));
        a.await(Ack.class, ack -> ack.id().equals("g-hello"));
        for (ChatConnection member : List.of(a, b, c)) {
            WireMessage hello = member.await(Message.class, m -> m.message().conversationId().equals(group)).message();
            assertThat(hello.seq()).isEqualTo(2);
            assertThat(hello.text()).isEqualTo("Who is in for Saturday?");
        }

        // Bob (node 2) has it and reads it: alice and carol (node 1) see both watermarks move.
        b.send(new ClientFrame.Receipt("b-d", group, "delivered", 2L));
        b.send(new ClientFrame.Receipt("b-r", group, "read", 2L));
        for (ChatConnection member : List.of(a, c)) {
            ServerFrame.Receipt delivered = member.await(ServerFrame.Receipt.class, r -> r.status().equals("delivered"));
            ServerFrame.Receipt read = member.await(ServerFrame.Receipt.class, r -> r.status().equals("read"));
            assertThat(List.of(delivered.userId(), read.userId())).containsOnly(bob.userId());
            assertThat(read.seq()).isEqualTo(2);
            assertThat(read.conversationId()).isEqualTo(group);
        }
        // A receipt for a message that does not exist: a clear error, nothing recorded.
        c.send(new ClientFrame.Receipt("c-bad", group, "read", 99L));
        ServerFrame.Error refused = c.await(ServerFrame.Error.class);
        assertThat(refused.code()).isEqualTo("unknown_message");
        assertThat(refused.ref()).isEqualTo("c-bad");

        // Carol types: alice and bob see it, with an expiry; carol does not get her own.
        c.send(new ClientFrame.Typing(group, "start"));
        for (ChatConnection member : List.of(a, b)) {
            ServerFrame.Typing typing = member.await(ServerFrame.Typing.class);
            assertThat(typing.userId()).isEqualTo(carol.userId());
            assertThat(typing.state()).isEqualTo("start");
            assertThat(typing.expiresInMs()).isPositive();
        }
        assertThat(c.drain(Duration.ofSeconds(2))).noneMatch(ServerFrame.Typing.class::isInstance);

        // Carol goes away; three messages are written from both nodes; she comes back on the
        // other node and resyncs from her cursor: exactly the three, in order, nothing else.
        c.close();
        List<String> missed = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            ChatConnection from = i % 2 == 0 ? b : a;
            from.send(new ClientFrame.Send("g-away-" + i, group, null, "while carol was away " + i));
            missed.add(from.await(Ack.class, ack -> ack.conversationId().equals(group)).messageId());
        }
        ChatConnection carolAgain = connect(1, carol);
        carolAgain.send(new ClientFrame.Sync(Map.of(group, "2"), 100));
        Map<Long, WireMessage> held = new TreeMap<>();
        carolAgain.await(SyncResult.class).messages().stream()
                .filter(m -> m.conversationId().equals(group))
                .forEach(m -> held.put(m.seq(), m));
        while (held.size() < 3) {
            WireMessage live = carolAgain.await(Message.class, m -> m.message().conversationId().equals(group)).message();
            held.putIfAbsent(live.seq(), live);
        }
        assertThat(held.keySet()).containsExactly(3L, 4L, 5L);
        assertThat(held.values()).extracting(WireMessage::messageId).containsExactlyElementsOf(missed);
        // A missed message stored before her sync read and fanned out after her new session
        // registered comes both ways: docs/protocol.md allows that repeat (the client drops the
        // held seq). It must be that same message, though, and nothing she did not miss.
        assertThat(carolAgain.drain(Duration.ofSeconds(2)))
                .as("nothing beyond what she missed; a repeat only of a held seq, as the same message")
                .filteredOn(frame -> frame instanceof Message m && m.message().conversationId().equals(group))
                .map(frame -> ((Message) frame).message())
                .allSatisfy(repeat -> assertThat(held.get(repeat.seq())).isEqualTo(repeat));

        // The conversation list through the gateway: newest first, unread = newest seq - read mark
        // (your own messages count as read). Carol has read nothing yet; reading on this device
        // clears it for all her devices.
        assertThat(unread(carol, group)).isEqualTo(5);
        assertThat(unread(alice, group)).as("alice wrote seq 5").isZero();
        assertThat(unread(bob, group)).as("bob wrote seq 4").isEqualTo(1);
        carolAgain.send(new ClientFrame.Receipt("c-read", group, "read", 5L));
        assertThat(carolAgain.await(ServerFrame.Receipt.class, r -> r.userId().equals(carol.userId())).seq()).isEqualTo(5);
        assertThat(unread(carol, group)).isZero();
        JsonNode top = client.get("/api/conversations?limit=1", carol.token()).body().get("conversations").get(0);
        assertThat(top.get("conversationId").asString()).isEqualTo(group);
        assertThat(top.get("lastMessage").get("text").asString()).isEqualTo("while carol was away 3");
    }

    private long unread(ParleyClient.Session who, String conversation) {
        ParleyClient.Response list = client.get("/api/conversations", who.token());
        assertThat(list.status()).isEqualTo(200);
        for (JsonNode item : list.body().get("conversations")) {
            if (item.get("conversationId").asString().equals(conversation)) {
                return item.get("unreadCount").asLong();
            }
        }
        throw new AssertionError(conversation + " is not in the conversation list of " + who.userId());
    }

    @Test
    @Order(8)
    void contactsSeeEachOtherGoOnlineAndOfflineAcrossNodesAndStrangersSeeNothing() {
        connections.forEach(ChatConnection::close);
        connections.clear();
        ChatConnection a = connect(0, alice);
        a.send(new ClientFrame.PresenceSubscribe("p-1", true));
        ServerFrame.Presence snapshot = a.await(ServerFrame.Presence.class, p -> "p-1".equals(p.ref()));
        if (!shows(snapshot, bob, "offline")) {
            // Bob's sessions of the earlier tests just closed: he goes offline when the grace period ends.
            a.await(ServerFrame.Presence.class, p -> shows(p, bob, "offline"));
        }

        ChatConnection b = connect(1, bob);
        // Under the default visibility ("contacts") alice sees bob only once bob has sent her a
        // 1:1 message (her messages to him do not count); that first message shows him online.
        b.send(new ClientFrame.Send("c-consent", null, alice.userId(), "Hi Alice"));
        b.await(Ack.class, ack -> "c-consent".equals(ack.id()));
        a.await(ServerFrame.Presence.class, p -> shows(p, bob, "online"));
        b.close();
        ServerFrame.Presence offline = a.await(ServerFrame.Presence.class, p -> shows(p, bob, "offline"));
        assertThat(offline.users()).filteredOn(u -> u.userId().equals(bob.userId()))
                .allSatisfy(u -> assertThat(u.lastSeen()).isPositive());

        ParleyClient.Session dave = client.signUpAndLogin("dave_" + suffix, "Dave");
        connect(1, dave);
        a.send(new ClientFrame.PresenceQuery("q-1", List.of(dave.userId(), bob.userId())));
        ServerFrame.Presence answer = a.await(ServerFrame.Presence.class, p -> "q-1".equals(p.ref()));
        assertThat(answer.users()).extracting(ServerFrame.UserPresence::userId, ServerFrame.UserPresence::status)
                .containsExactlyInAnyOrder(
                        tuple(dave.userId(), "unknown"),
                        tuple(bob.userId(), "offline"));
    }

    private static boolean shows(ServerFrame.Presence frame, ParleyClient.Session user, String status) {
        return frame.users().stream().anyMatch(u -> u.userId().equals(user.userId()) && u.status().equals(status));
    }

    @Test
    @Order(9)
    void anOfflinePhoneGetsOneNotificationPerBurstAndNoneWhenOnlineOrMuted() {
        connections.forEach(ChatConnection::close);
        connections.clear();
        String token = "fcm-token-bob-" + suffix;
        ParleyClient.Response registered = client.put("/api/push/devices/bob-phone",
                Map.of("platform", "android", "token", token), bob.token());
        assertThat(registered.status()).isEqualTo(200);
        ChatConnection a = connect(0, alice);
        a.drain(Duration.ofSeconds(2)); // bob's sessions of the earlier tests unregister on close, within moments

        // Bob has no session: a burst of three messages is one notification through firebase-admin.
        for (int i = 1; i <= 3; i++) {
            a.send(new ClientFrame.Send("c-push-" + i, conversationId, null, "are you there? " + i));
            a.await(Ack.class, ack -> ack.conversationId().equals(conversationId));
        }
        JsonNode notification = awaitNotifications(token, 1).get(0);
        assertThat(notification.path("notification").path("title").asString()).isEqualTo("Alice");
        assertThat(notification.path("notification").path("body").asString()).isEqualTo("3 new messages");
        assertThat(notification.path("data").path("conversationId").asString()).isEqualTo(conversationId);
        assertThat(notification.path("data").path("count").asString()).isEqualTo("3");

        // Bob online (his phone's socket got it): no notification.
        ChatConnection b = connect(1, bob);
        a.send(new ClientFrame.Send("c-push-online", conversationId, null, "you are online"));
        assertThat(b.await(Message.class, m -> "c-push-online".equals(m.message().clientMessageId()))).isNotNull();
        b.close();

        // Muted: nothing. Unmuted again: the next message notifies, so bob was offline all along.
        assertThat(client.put("/api/push/mutes/" + conversationId, java.util.Collections.singletonMap("until", null),
                bob.token()).status()).isEqualTo(200);
        a.send(new ClientFrame.Send("c-push-muted", conversationId, null, "shh"));
        a.await(Ack.class, ack -> ack.id().equals("c-push-muted"));
        a.drain(Duration.ofSeconds(6)); // longer than the 3 s coalescing window
        assertThat(client.delete("/api/push/mutes/" + conversationId, bob.token()).status()).isEqualTo(204);
        a.send(new ClientFrame.Send("c-push-after", conversationId, null, "and now?"));
        JsonNode after = awaitNotifications(token, 2).get(1);
        assertThat(after.path("notification").path("body").asString()).isEqualTo("and now?");
        a.drain(Duration.ofSeconds(4));
        assertThat(fcm.sentTo(token)).as("one per burst, none while online or muted").hasSize(2);
    }

    /** Waits (bounded) until FCM has accepted this many messages for the token. */
    private List<JsonNode> awaitNotifications(String token, int count) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (fcm.sentTo(token).size() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("FCM got " + fcm.sentTo(token).size() + " of " + count + " notifications");
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return fcm.sentTo(token);
    }

    @Test
    @Order(10)
    void historySurvivesARestartOfTheWholeSystem() {
        List<String> before = texts(client.history(alice, conversationId, "").body());
        connections.forEach(ChatConnection::close);
        connections.clear();
        system.close();

        system = LocalSystem.start(LocalSystem.Options.forTests(dataDir).withFcmEmulator(fcm.hostPort()));
        client = new ParleyClient(http, system.gatewayUrl());
        alice = client.login("alice_" + suffix, "correct horse battery");
        assertThat(texts(client.history(alice, conversationId, "").body())).isEqualTo(before);
    }

    private ChatConnection connect(int node, ParleyClient.Session who) {
        ChatConnection connection = ChatConnection.open(http, wsUrl(node), who.token());
        connection.await(ServerFrame.Welcome.class);
        connections.add(connection);
        return connection;
    }

    private String wsUrl(int node) {
        return system.chatNodeUrls().get(node).replaceFirst("^http", "ws") + "/ws/v1";
    }

    private static List<String> texts(JsonNode history) {
        List<String> texts = new ArrayList<>();
        history.get("messages").forEach(message -> texts.add(message.get("text").asString()));
        return texts;
    }
}
