package io.parley.api.group;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import io.parley.api.support.ApiClient.Response;
import io.parley.api.support.ApiClient.Session;
import io.parley.api.support.ApiIntegrationTest;
import io.parley.api.support.PublishedMessages;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Idempotency-Key on the group changes, on real Cassandra and Kafka: a retry with the same key gets
 * the first answer and changes nothing more (one group, one system message); the same key for another
 * request, or a malformed key, is refused and changes nothing; a key whose holder "crashed" (its row
 * set back to in progress, as a crash between claim and completion leaves it) answers 409 while the
 * lease runs and is then taken over and finished with the same group id / message id.
 */
class GroupIdempotencyIT extends ApiIntegrationTest {

    /** Long enough for a second, wrongly published record to reach the test's consumer. */
    private static final Duration SETTLE = Duration.ofSeconds(2);

    @Autowired
    CqlSession cassandra;

    private PublishedMessages published;
    private Session alice;
    private Session bob;
    private Session carol;

    @BeforeEach
    void setUp() {
        alice = api.newUser("alice");
        bob = api.newUser("bob");
        carol = api.newUser("carol");
        published = new PublishedMessages();
    }

    @AfterEach
    void closeConsumer() {
        published.close();
    }

    private Response send(String method, String path, Object body, Session caller, String key) {
        return api.send(method, path, body, caller.token(), key == null ? Map.of() : Map.of("Idempotency-Key", key));
    }

    private static String newKey() {
        return UUID.randomUUID().toString();
    }

    private String createGroup(String name, Session... members) {
        List<String> ids = new ArrayList<>();
        for (Session member : members) {
            ids.add(Long.toString(member.userId()));
        }
        Response created = send("POST", "/api/groups", Map.of("name", name, "memberIds", ids), alice, null);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json().get("conversationId").asString();
    }

    private long groupsNamed(Session member, String name) {
        JsonNode list = api.get("/api/conversations?limit=100", member.token()).json().get("conversations");
        long count = 0;
        for (JsonNode conversation : list) {
            if (conversation.path("name").isString() && name.equals(conversation.get("name").asString())) {
                count++;
            }
        }
        return count;
    }

    /** What a crash between claim and completion leaves: the key in progress, its lease ending at {@code leaseUntil}. */
    private void setBackToInProgress(Session caller, String key, Instant leaseUntil) {
        cassandra.execute("UPDATE idempotency_keys SET state = 'in_progress', lease_until = ?"
                + " WHERE caller_id = ? AND idempotency_key = ?", leaseUntil, caller.userId(), key);
    }

    @Test
    void aRetriedCreateWithTheSameKeyAnswersTheSameGroupAndCreatesOnlyOne() {
        String key = newKey();
        String name = "Retry " + key.substring(0, 8);
        Map<String, Object> body = Map.of("name", name, "memberIds", List.of(Long.toString(bob.userId())));

        Response first = send("POST", "/api/groups", body, alice, key);
        Response retry = send("POST", "/api/groups", body, alice, key);

        assertThat(first.status()).as(first.body()).isEqualTo(201);
        assertThat(first.header("Idempotent-Replayed")).isNull();
        assertThat(retry.status()).as(retry.body()).isEqualTo(201);
        assertThat(retry.header("Idempotent-Replayed")).isEqualTo("true");
        String id = first.json().get("conversationId").asString();
        assertThat(retry.json().get("conversationId").asString()).isEqualTo(id);
        assertThat(retry.header("Location")).isEqualTo(first.header("Location")).endsWith("/api/groups/" + id);
        assertThat(retry.json().get("members")).hasSize(2);
        assertThat(published.events(id, 1, SETTLE)).containsExactly("group_created");
        assertThat(groupsNamed(alice, name)).isEqualTo(1);
        assertThat(groupsNamed(bob, name)).isEqualTo(1);

        // The key is what makes it the same request: without it, the same body is a second group.
        assertThat(send("POST", "/api/groups", body, alice, null).status()).isEqualTo(201);
        assertThat(groupsNamed(alice, name)).isEqualTo(2);
    }

    @Test
    void keysBelongToTheirUser() {
        String key = newKey();
        Response alices = send("POST", "/api/groups", Map.of("name", "Alice's", "memberIds", List.of()), alice, key);
        Response bobs = send("POST", "/api/groups", Map.of("name", "Bob's", "memberIds", List.of()), bob, key);
        assertThat(bobs.status()).as(bobs.body()).isEqualTo(201);
        assertThat(bobs.header("Idempotent-Replayed")).isNull();
        assertThat(bobs.json().get("conversationId").asString())
                .isNotEqualTo(alices.json().get("conversationId").asString());
    }

    @Test
    void aRetriedAddPublishesOneMemberAddedAndRepeatsTheAnswer() {
        String group = createGroup("Adds", bob);
        String key = newKey();
        Map<String, Object> body = Map.of("userIds", List.of(Long.toString(carol.userId())));

        Response first = send("POST", "/api/groups/" + group + "/members", body, alice, key);
        Response retry = send("POST", "/api/groups/" + group + "/members", body, alice, key);

        assertThat(first.status()).as(first.body()).isEqualTo(202); // no sequencer here to apply it
        assertThat(retry.status()).isEqualTo(202);
        assertThat(retry.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(retry.json()).isEqualTo(first.json());
        assertThat(published.events(group, 2, SETTLE)).containsExactly("group_created", "member_added");
        // ... and the seats were taken once: 2 members + carol.
        assertThat(memberCount(group)).isEqualTo(3);
    }

    @Test
    void retriesOfRenameRemoveRoleAndLeavePublishOnce() {
        String group = createGroup("Changes", bob, carol);
        String base = "/api/groups/" + group;
        List<Runnable> twice = List.of(
                () -> twice("PATCH", base, Map.of("name", "Renamed"), alice, 202),
                () -> twice("PUT", base + "/members/" + bob.userId() + "/role", Map.of("role", "admin"), alice, 202),
                () -> twice("DELETE", base + "/members/" + carol.userId(), null, alice, 202),
                () -> twice("POST", base + "/leave", null, bob, 202));
        twice.forEach(Runnable::run);
        assertThat(published.events(group, 5, SETTLE))
                .containsExactly("group_created", "group_renamed", "role_changed", "member_removed", "member_left");
    }

    private void twice(String method, String path, Object body, Session caller, int status) {
        String key = newKey();
        Response first = send(method, path, body, caller, key);
        Response retry = send(method, path, body, caller, key);
        assertThat(first.status()).as(method + " " + path + ": " + first.body()).isEqualTo(status);
        assertThat(retry.status()).as(method + " " + path + ": " + retry.body()).isEqualTo(status);
        assertThat(retry.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(retry.body()).isEqualTo(first.body());
    }

    @Test
    void theSameKeyForAnotherRequestIsRefusedAndChangesNothing() {
        String group = createGroup("Reuse", bob);
        String key = newKey();
        Response add = send("POST", "/api/groups/" + group + "/members",
                Map.of("userIds", List.of(Long.toString(carol.userId()))), alice, key);
        assertThat(add.status()).as(add.body()).isEqualTo(202);

        Session dave = api.newUser("dave");
        List<Response> reused = List.of(
                // another body on the same endpoint
                send("POST", "/api/groups/" + group + "/members", Map.of("userIds", List.of(Long.toString(dave.userId()))), alice, key),
                // another endpoint
                send("PATCH", "/api/groups/" + group, Map.of("name", "Other"), alice, key),
                send("POST", "/api/groups", Map.of("name", "Other", "memberIds", List.of()), alice, key));
        for (Response answer : reused) {
            assertThat(answer.status()).as(answer.body()).isEqualTo(422);
            assertThat(answer.header("Content-Type")).startsWith("application/problem+json");
            assertThat(answer.json().get("detail").asString()).contains("Idempotency-Key").contains("another request");
        }
        assertThat(published.events(group, 2, SETTLE)).containsExactly("group_created", "member_added");
        assertThat(memberCount(group)).isEqualTo(3);
        assertThat(groupsNamed(alice, "Other")).isZero();
    }

    @Test
    void aMalformedKeyIsA400NamingTheHeaderAndChangesNothing() {
        String group = createGroup("Keys", bob);
        // (Java's client turns non-ASCII into '?', so a tab stands for the invisible characters)
        for (String bad : List.of("x".repeat(129), "has space", "tab\tinside")) {
            Response rename = api.send("PATCH", "/api/groups/" + group, Map.of("name", "Bad key"), alice.token(),
                    Map.of("Idempotency-Key", bad));
            assertThat(rename.status()).as(bad + ": " + rename.body()).isEqualTo(400);
            assertThat(rename.json().path("errors").get(0).path("field").asString()).isEqualTo("Idempotency-Key");
        }
        Response create = api.send("POST", "/api/groups", Map.of("name", "Bad key", "memberIds", List.of()), alice.token(),
                Map.of("Idempotency-Key", "x".repeat(129)));
        assertThat(create.status()).isEqualTo(400);
        // 128 visible characters is fine
        assertThat(send("PATCH", "/api/groups/" + group, Map.of("name", "Good key"), alice, "k".repeat(128)).status())
                .isEqualTo(202);

        assertThat(published.events(group, 2, SETTLE)).containsExactly("group_created", "group_renamed");
        assertThat(groupsNamed(alice, "Bad key")).isZero();
    }

    @Test
    void aFailedRequestIsNotRememberedSoItsRetryRunsAgain() {
        String group = createGroup("Failures", bob);
        String key = newKey();
        Response refused = send("PATCH", "/api/groups/" + group, Map.of("name", "Mine"), bob, key);
        assertThat(refused.status()).isEqualTo(403);
        // bob becomes admin (as the sequencer would apply it); the same request with the same key now works
        cassandra.execute("UPDATE conversation_members SET role = 'admin' WHERE conversation_id = ? AND user_id = ?",
                Long.parseLong(group), bob.userId());
        Response retried = send("PATCH", "/api/groups/" + group, Map.of("name", "Mine"), bob, key);
        assertThat(retried.status()).as(retried.body()).isEqualTo(202);
        assertThat(retried.header("Idempotent-Replayed")).isNull();
        assertThat(published.events(group, 2, SETTLE)).containsExactly("group_created", "group_renamed");
    }

    @Test
    void aKeyLeftInProgressByACrashAnswers409UntilItsLeaseEndsThenTheRetryFinishesTheSameGroup() {
        String key = newKey();
        String name = "Crash " + key.substring(0, 8);
        Map<String, Object> body = Map.of("name", name, "memberIds", List.of(Long.toString(bob.userId())));
        Response first = send("POST", "/api/groups", body, alice, key);
        assertThat(first.status()).isEqualTo(201);
        String id = first.json().get("conversationId").asString();

        setBackToInProgress(alice, key, Instant.now().plusSeconds(60));
        Response whileHeld = send("POST", "/api/groups", body, alice, key);
        assertThat(whileHeld.status()).as(whileHeld.body()).isEqualTo(409);
        assertThat(whileHeld.header("Retry-After")).isEqualTo("1");
        assertThat(whileHeld.json().get("detail").asString()).contains("in progress");

        setBackToInProgress(alice, key, Instant.now().minusSeconds(1));
        Response takenOver = send("POST", "/api/groups", body, alice, key);
        assertThat(takenOver.status()).as(takenOver.body()).isEqualTo(201);
        assertThat(takenOver.header("Idempotent-Replayed")).isNull(); // it ran again ...
        assertThat(takenOver.json().get("conversationId").asString()).isEqualTo(id); // ... on the same group
        assertThat(groupsNamed(alice, name)).isEqualTo(1);
        // group_created went out again under the same message id (the group id), which the sequencer
        // places once; nothing else was published.
        List<JsonNode> messages = published.of(id, 2, SETTLE);
        assertThat(messages).hasSize(2);
        assertThat(messages).allSatisfy(m -> {
            assertThat(m.get("system").get("event").asString()).isEqualTo("group_created");
            assertThat(m.get("messageId").asString()).isEqualTo(id);
        });
        // and now it is done: a further retry is a replay
        assertThat(send("POST", "/api/groups", body, alice, key).header("Idempotent-Replayed")).isEqualTo("true");
    }

    @Test
    void aTakenOverAddRepublishesTheSameMessageAndTakesNoMoreSeats() {
        String group = createGroup("Redo", bob);
        String key = newKey();
        Map<String, Object> body = Map.of("userIds", List.of(Long.toString(carol.userId())));
        assertThat(send("POST", "/api/groups/" + group + "/members", body, alice, key).status()).isEqualTo(202);

        setBackToInProgress(alice, key, Instant.now().minusSeconds(1));
        Response redo = send("POST", "/api/groups/" + group + "/members", body, alice, key);
        assertThat(redo.status()).as(redo.body()).isEqualTo(202);

        List<JsonNode> messages = published.of(group, 3, SETTLE);
        assertThat(messages).hasSize(3);
        assertThat(messages.get(1).get("system").get("event").asString()).isEqualTo("member_added");
        assertThat(messages.get(2).get("messageId").asString()).isEqualTo(messages.get(1).get("messageId").asString());
        assertThat(memberCount(group)).isEqualTo(3);
    }

    private int memberCount(String group) {
        return cassandra.execute("SELECT member_count FROM conversations WHERE conversation_id = ?",
                Long.parseLong(group)).one().getInt("member_count");
    }
}
