package io.parley.api.group;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import io.parley.api.support.ApiClient.Response;
import io.parley.api.support.ApiClient.Session;
import io.parley.api.support.ApiIntegrationTest;
import io.parley.common.events.Topics;
import io.parley.testsupport.RealInfrastructure;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The groups REST API on real Cassandra and Kafka. No chat node runs here, so nothing applies the
 * published changes (the chat-service GroupConversationIT proves that half); these tests check what
 * api-service owns: validation before anything is written, authorization, the rows of a new group,
 * the system messages on parley.messages.submitted, and history limited to what a member may read
 * (a removal is laid out in Cassandra exactly as the sequencer applies it).
 */
class GroupIT extends ApiIntegrationTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired
    CqlSession cassandra;

    private KafkaConsumer<String, String> submitted;
    private final List<ConsumerRecord<String, String>> seen = new ArrayList<>();

    private Session alice;
    private Session bob;
    private Session carol;

    @BeforeEach
    void users() {
        alice = api.newUser("alice");
        bob = api.newUser("bob");
        carol = api.newUser("carol");
        submitted = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, RealInfrastructure.kafka().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "group-it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer());
        submitted.subscribe(List.of(Topics.MESSAGES_SUBMITTED));
    }

    @AfterEach
    void closeConsumer() {
        submitted.close();
    }

    /** Every system message published for the group so far, in partition (= sequencing) order. */
    private List<JsonNode> published(String conversationId, int atLeast) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        List<JsonNode> mine;
        do {
            submitted.poll(Duration.ofMillis(200)).forEach(seen::add);
            mine = seen.stream().filter(r -> conversationId.equals(r.key())).map(r -> JSON.readTree(r.value())).toList();
        } while (mine.size() < atLeast && System.nanoTime() < deadline);
        return mine;
    }

    private String createGroup(String name, Session... members) {
        List<String> ids = new ArrayList<>();
        for (Session m : members) {
            ids.add(Long.toString(m.userId()));
        }
        Response created = api.post("/api/groups", Map.of("name", name, "memberIds", ids), alice.token());
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json().get("conversationId").asString();
    }

    private static String field(Response problem) {
        return problem.json().path("errors").get(0).path("field").asString();
    }

    @Test
    void aGroupNameThatIsNotValidUnicodeOrHidesItselfIsA400NamingName() {
        Session alice = api.newUser("gname");
        Response surrogate = api.sendJson("POST", "/api/groups", "{\"name\":\"Hikers \\udc00\",\"memberIds\":[]}", alice.token());
        assertThat(surrogate.status()).isEqualTo(400);
        assertThat(surrogate.json().get("errors").get(0).get("field").asString()).isEqualTo("name");
        for (String name : new String[] {"\u202Egnp.exe", "Hik\u200Ders", "Bad\nname", "\uFEFFHikers"}) {
            Response refused = api.post("/api/groups", Map.of("name", name, "memberIds", List.of()), alice.token());
            assertThat(refused.status()).as(name).isEqualTo(400);
            assertThat(refused.json().get("type").asString()).isEqualTo("urn:parley:problem:invalid-request");
            assertThat(refused.json().get("errors").get(0).get("field").asString()).isEqualTo("name");
        }
        Response created = api.post("/api/groups", Map.of("name", "Hikers \uD83E\uDD7E", "memberIds", List.of()), alice.token());
        assertThat(created.status()).isEqualTo(201);
        String id = created.json().get("conversationId").asString();
        Response rename = api.sendJson("PATCH", "/api/groups/" + id, "{\"name\":\"\\ud800\"}", alice.token());
        assertThat(rename.status()).isEqualTo(400);
        assertThat(rename.json().get("errors").get(0).get("field").asString()).isEqualTo("name");
        assertThat(api.get("/api/groups/" + id, alice.token()).json().get("name").asString()).isEqualTo("Hikers \uD83E\uDD7E");
    }

    @Test
    void creatingAGroupMakesTheCallerOwnerAndPublishesGroupCreated() {
        Response created = api.post("/api/groups", Map.of("name", "  Hikers ",
                "memberIds", List.of(Long.toString(bob.userId()), Long.toString(carol.userId()))), alice.token());
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        JsonNode group = created.json();
        String id = group.get("conversationId").asString();
        assertThat(created.header("Location")).endsWith("/api/groups/" + id);
        assertThat(group.get("name").asString()).isEqualTo("Hikers");
        assertThat(group.get("yourRole").asString()).isEqualTo("owner");
        Map<String, String> roles = new java.util.HashMap<>();
        group.get("members").forEach(m -> roles.put(m.get("userId").asString(), m.get("role").asString()));
        assertThat(roles).containsExactlyInAnyOrderEntriesOf(Map.of(Long.toString(alice.userId()), "owner",
                Long.toString(bob.userId()), "member", Long.toString(carol.userId()), "member"));

        // Every member finds it in its conversations, readable from seq 1, and may read it.
        for (Session member : List.of(alice, bob, carol)) {
            assertThat(cassandra.execute("SELECT joined_at_seq FROM user_conversations WHERE user_id = ? AND conversation_id = ?",
                    member.userId(), Long.parseLong(id)).one().getLong("joined_at_seq")).isEqualTo(1);
            assertThat(api.get("/api/groups/" + id, member.token()).status()).isEqualTo(200);
        }
        assertThat(api.get("/api/groups/" + id, bob.token()).json().get("yourRole").asString()).isEqualTo("member");

        List<JsonNode> messages = published(id, 1);
        assertThat(messages).hasSize(1);
        JsonNode first = messages.get(0);
        assertThat(first.get("kind").asString()).isEqualTo("system");
        assertThat(first.get("conversationId").asLong()).isEqualTo(Long.parseLong(id));
        assertThat(first.get("senderId").asLong()).isEqualTo(alice.userId());
        assertThat(first.get("system").get("event").asString()).isEqualTo("group_created");
        assertThat(first.get("system").get("name").asString()).isEqualTo("Hikers");
        assertThat(first.get("system").get("targetIds")).hasSize(2);
    }

    @Test
    void nonMembersAndMembersOfAnotherGroupGet404ForEverything() {
        String group = createGroup("Private", bob);
        Session outsider = api.newUser("eve");
        // eve owns a group of her own: being a member of some group gives nothing in another.
        Response own = api.post("/api/groups", Map.of("name", "Eve's", "memberIds", List.of()), outsider.token());
        assertThat(own.status()).isEqualTo(201);
        String base = "/api/groups/" + group;
        List<Response> answers = List.of(
                api.get(base, outsider.token()),
                api.patch(base, Map.of("name", "Mine now"), outsider.token()),
                api.post(base + "/members", Map.of("userIds", List.of(Long.toString(outsider.userId()))), outsider.token()),
                api.delete(base + "/members/" + bob.userId(), outsider.token()),
                api.put(base + "/members/" + bob.userId() + "/role", Map.of("role", "admin"), outsider.token()),
                api.post(base + "/leave", Map.of(), outsider.token()),
                api.get("/api/conversations/" + group + "/messages", outsider.token()),
                api.get("/api/groups/" + own.json().get("conversationId").asString(), bob.token()),
                api.get("/api/groups/123456789", alice.token()));
        for (Response answer : answers) {
            assertThat(answer.status()).as(answer.body()).isEqualTo(404);
            // (the problem's `instance` echoes the caller's own path; nothing else about the group is in it)
            assertThat(answer.body()).doesNotContain("Private");
            assertThat(answer.json().has("members")).isFalse();
            assertThat(answer.json().has("name")).isFalse();
        }
        assertThat(published(group, 1)).hasSize(1); // only group_created: nothing was published
    }

    @Test
    void badInputIsRefusedNamingTheFieldAndChangesNothing() {
        String group = createGroup("Limits", bob);
        String base = "/api/groups/" + group;
        Response emptyName = api.patch(base, Map.of("name", "   "), alice.token());
        assertThat(emptyName.status()).isEqualTo(400);
        assertThat(field(emptyName)).isEqualTo("name");

        Response unknownUser = api.post(base + "/members", Map.of("userIds",
                List.of(Long.toString(carol.userId()), "987654321")), alice.token());
        assertThat(unknownUser.status()).isEqualTo(400);
        assertThat(field(unknownUser)).isEqualTo("userIds");
        assertThat(unknownUser.body()).contains("987654321");

        Response notAnId = api.post(base + "/members", Map.of("userIds", List.of("bob")), alice.token());
        assertThat(notAnId.status()).isEqualTo(400);
        assertThat(field(notAnId)).isEqualTo("userIds");

        Response already = api.post(base + "/members", Map.of("userIds", List.of(Long.toString(bob.userId()))), alice.token());
        assertThat(already.status()).isEqualTo(400);

        // max-members is 4 in these tests: 2 now + 3 more is over.
        List<String> three = List.of(Long.toString(carol.userId()), Long.toString(api.newUser("x").userId()),
                Long.toString(api.newUser("y").userId()));
        Response overLimit = api.post(base + "/members", Map.of("userIds", three), alice.token());
        assertThat(overLimit.status()).isEqualTo(400);
        assertThat(field(overLimit)).isEqualTo("userIds");
        assertThat(overLimit.body()).contains("limit is 4");

        Response badRole = api.put(base + "/members/" + bob.userId() + "/role", Map.of("role", "king"), alice.token());
        assertThat(badRole.status()).isEqualTo(400);
        assertThat(field(badRole)).isEqualTo("role");

        Response createEmpty = api.post("/api/groups", Map.of("name", "", "memberIds", List.of()), alice.token());
        assertThat(createEmpty.status()).isEqualTo(400);
        assertThat(field(createEmpty)).isEqualTo("name");
        Response createUnknown = api.post("/api/groups", Map.of("name", "Ghosts", "memberIds", List.of("987654321")), alice.token());
        assertThat(createUnknown.status()).isEqualTo(400);
        assertThat(field(createUnknown)).isEqualTo("memberIds");
        Response createTooBig = api.post("/api/groups", Map.of("name", "Crowd", "memberIds", List.of("1", "2", "3", "4")), alice.token());
        assertThat(createTooBig.status()).isEqualTo(400);
        assertThat(field(createTooBig)).isEqualTo("memberIds");

        // Nothing changed: same name, same members, and no system message besides the creation.
        JsonNode unchanged = api.get(base, alice.token()).json();
        assertThat(unchanged.get("name").asString()).isEqualTo("Limits");
        assertThat(unchanged.get("members")).hasSize(2);
        assertThat(published(group, 1)).hasSize(1);
    }

    @Test
    void rolesDecideWhoMayChangeWhatAndAllowedChangesArePublishedInOrder() {
        String group = createGroup("Roles", bob, carol);
        String base = "/api/groups/" + group;
        // A plain member may do none of the owner's or admins' things.
        assertThat(api.patch(base, Map.of("name", "Bob's"), bob.token()).status()).isEqualTo(403);
        assertThat(api.delete(base + "/members/" + carol.userId(), bob.token()).status()).isEqualTo(403);
        assertThat(api.post(base + "/members", Map.of("userIds", List.of(Long.toString(api.newUser("z").userId()))),
                bob.token()).status()).isEqualTo(403);
        assertThat(api.put(base + "/members/" + carol.userId() + "/role", Map.of("role", "admin"), bob.token()).status())
                .isEqualTo(403);
        // An admin (as the sequencer would record it) may not remove the owner or another admin.
        cassandra.execute("UPDATE conversation_members SET role = 'admin' WHERE conversation_id = ? AND user_id IN ?",
                Long.parseLong(group), List.of(bob.userId(), carol.userId()));
        assertThat(api.delete(base + "/members/" + alice.userId(), bob.token()).status()).isEqualTo(403);
        assertThat(api.delete(base + "/members/" + carol.userId(), bob.token()).status()).isEqualTo(403);
        assertThat(published(group, 1)).hasSize(1);

        // The owner's changes: accepted (202: no sequencer here to apply them) and published in order.
        Response rename = api.patch(base, Map.of("name", "Renamed"), alice.token());
        assertThat(rename.status()).as(rename.body()).isEqualTo(202);
        assertThat(api.put(base + "/members/" + carol.userId() + "/role", Map.of("role", "member"), alice.token()).status())
                .isEqualTo(202);
        assertThat(api.delete(base + "/members/" + carol.userId(), alice.token()).status()).isEqualTo(202);
        // The owner leaves: the group passes to the longest standing admin first, then the owner leaves.
        assertThat(api.post(base + "/leave", Map.of(), alice.token()).status()).isEqualTo(202);

        List<String> events = published(group, 6).stream().map(m -> m.get("system").get("event").asString()).toList();
        assertThat(events).containsExactly("group_created", "group_renamed", "role_changed", "member_removed",
                "ownership_transferred", "member_left");
        JsonNode transfer = published(group, 6).get(4);
        assertThat(transfer.get("system").get("targetIds").get(0).asLong()).isIn(bob.userId(), carol.userId());
    }

    @Test
    void aRemovedMemberReadsUpToItsRemovalAndNothingAboutTheGroup() {
        String group = createGroup("Leavers", bob);
        long conversation = Long.parseLong(group);
        // Seqs 1-5, and bob removed at seq 3, laid out exactly as the sequencer applies a removal.
        for (long seq = 1; seq <= 5; seq++) {
            cassandra.execute("INSERT INTO messages (conversation_id, bucket, seq, message_id, sender_id, body, sent_at, kind)"
                    + " VALUES (?, 0, ?, ?, ?, ?, ?, 'text')", conversation, seq, 5_000_000 + seq, alice.userId(), "m" + seq, Instant.now());
            cassandra.execute("UPDATE conversation_activity USING TIMESTAMP ? SET last_seq = ? WHERE conversation_id = ?",
                    seq, seq, conversation);
        }
        cassandra.execute("INSERT INTO messages (conversation_id, bucket, seq, message_id, sender_id, sent_at, kind,"
                        + " system_event, system_actor_id, system_target_ids) VALUES (?, 0, 3, 5000003, ?, ?, 'system', 'member_removed', ?, ?)",
                conversation, alice.userId(), Instant.now(), alice.userId(), List.of(bob.userId()));
        cassandra.execute("DELETE FROM conversation_members WHERE conversation_id = ? AND user_id = ?", conversation, bob.userId());
        cassandra.execute("UPDATE user_conversations SET removed_at_seq = 3 WHERE user_id = ? AND conversation_id = ?",
                bob.userId(), conversation);

        assertThat(api.get("/api/groups/" + group, bob.token()).status()).isEqualTo(404);
        assertThat(api.post("/api/groups/" + group + "/leave", Map.of(), bob.token()).status()).isEqualTo(404);
        JsonNode latest = api.get("/api/conversations/" + group + "/messages", bob.token()).json();
        List<Long> seqs = new ArrayList<>();
        latest.get("messages").forEach(m -> seqs.add(m.get("seq").asLong()));
        assertThat(seqs).containsExactly(3L, 2L, 1L);
        JsonNode removal = latest.get("messages").get(0);
        assertThat(removal.get("kind").asString()).isEqualTo("system");
        assertThat(removal.get("system").get("event").asString()).isEqualTo("member_removed");
        assertThat(removal.get("system").get("targetIds").get(0).asString()).isEqualTo(Long.toString(bob.userId()));
        JsonNode after = api.get("/api/conversations/" + group + "/messages?after=2", bob.token()).json();
        assertThat(after.get("messages")).hasSize(1);
        assertThat(after.get("nextAfter").isNull()).isTrue();
        // The owner still reads everything, text messages with kind text.
        JsonNode owners = api.get("/api/conversations/" + group + "/messages?limit=10", alice.token()).json();
        assertThat(owners.get("messages")).hasSize(5);
        assertThat(owners.get("messages").get(0).get("kind").asString()).isEqualTo("text");
    }
}
