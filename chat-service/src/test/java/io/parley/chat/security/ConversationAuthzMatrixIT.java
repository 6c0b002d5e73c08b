package io.parley.chat.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import io.parley.chat.session.ChatNodeTestApp;
import io.parley.chat.session.WsTestClient;
import io.parley.common.events.MessageSubmitted;
import io.parley.common.events.SystemEvent;
import io.parley.common.events.Topics;
import io.parley.testsupport.RealInfrastructure;
import io.parley.testsupport.jwt.TestJwt;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Security suite (issue 9): the authorization matrix of every frame type that touches a
 * conversation, for each relation a session's user can have to a group: owner, admin, member,
 * removed member, outsider. Expected answers are docs/protocol.md's: members send, sync, mark and
 * type; a removed member or an outsider gets {@code unknown_conversation} exactly as for a
 * conversation that does not exist, syncs nothing past its removal (nothing at all as outsider),
 * and sees the group's members as {@code unknown} in presence.
 *
 * <p>Table-driven: a new frame type is one {@link Row}. The group is laid out and changed exactly
 * as api-service does it (rows, then system messages on parley.messages.submitted), so the
 * removal is applied by this node's sequencer at its seq.
 */
@SpringBootTest(classes = ChatNodeTestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "eureka.client.enabled=false",
        "parley.chat.node-id=it-authz-node-1"
})
@Import(TestJwt.class)
class ConversationAuthzMatrixIT {

    enum Relation { OWNER, ADMIN, MEMBER, REMOVED, OUTSIDER }

    /** What the frames of a cell were answered with, up to the barrier; null when as documented, else why not. */
    @FunctionalInterface
    interface Expect {
        String check(List<JsonNode> answers, Ctx ctx);
    }

    /** The ids a row's frame and expectation may use. */
    record Ctx(long group, long contact, int removedAtSeq) {
    }

    /** One frame type: the frame (from the ids), and its documented answer for each relation. */
    record Row(String frame, java.util.function.Function<Ctx, String> text, Map<Relation, Expect> expected) {
    }

    private static Map<Relation, Expect> members(Expect member, Expect removed, Expect outsider) {
        Map<Relation, Expect> map = new EnumMap<>(Relation.class);
        map.put(Relation.OWNER, member);
        map.put(Relation.ADMIN, member);
        map.put(Relation.MEMBER, member);
        map.put(Relation.REMOVED, removed);
        map.put(Relation.OUTSIDER, outsider);
        return map;
    }

    private static Expect only(String type) {
        return (answers, ctx) -> answers.size() == 1 && answers.get(0).path("type").asString().equals(type)
                ? null : "expected one " + type + ", got " + answers;
    }

    private static Expect error(String code) {
        return (answers, ctx) -> answers.size() == 1 && answers.get(0).path("type").asString().equals("error")
                && answers.get(0).path("code").asString().equals(code) ? null : "expected error " + code + ", got " + answers;
    }

    private static Expect noAnswer() {
        return (answers, ctx) -> answers.isEmpty() ? null : "expected no answer, got " + answers;
    }

    /** A sync_result whose messages of the group go up to at most {@code maxSeq} (0: none of them). */
    private static Expect syncUpTo(boolean removed, boolean some) {
        return (answers, ctx) -> {
            if (answers.size() != 1 || !answers.get(0).path("type").asString().equals("sync_result")) {
                return "expected a sync_result, got " + answers;
            }
            long max = 0;
            int count = 0;
            for (JsonNode m : answers.get(0).path("messages")) {
                if (m.path("conversationId").asString().equals(Long.toString(ctx.group()))) {
                    max = Math.max(max, m.path("seq").asLong());
                    count++;
                }
            }
            if (!some) {
                return count == 0 ? null : "expected nothing of the group, got " + answers;
            }
            if (count == 0) {
                return "expected messages of the group, got " + answers;
            }
            return !removed || max <= ctx.removedAtSeq() ? null
                    : "expected nothing after the removal at seq " + ctx.removedAtSeq() + ", got " + answers;
        };
    }

    /** A presence answer in which the group's other member {@code contact} is known (or unknown). */
    private static Expect contactIs(boolean known) {
        return (answers, ctx) -> {
            if (answers.size() != 1 || !answers.get(0).path("type").asString().equals("presence")) {
                return "expected a presence answer, got " + answers;
            }
            String status = "absent";
            for (JsonNode user : answers.get(0).path("users")) {
                if (user.path("userId").asString().equals(Long.toString(ctx.contact()))) {
                    status = user.path("status").asString();
                }
            }
            boolean seen = status.equals("online") || status.equals("offline");
            return seen == known ? null : "expected the contact " + (known ? "visible" : "unknown or absent")
                    + ", got " + answers;
        };
    }

    /** Every frame type that names a conversation or its members. */
    static final List<Row> ROWS = List.of(
            new Row("send", ctx -> "{\"type\":\"send\",\"id\":\"mx-" + ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE)
                    + "\",\"conversationId\":\"" + ctx.group() + "\",\"text\":\"hello\"}",
                    members(only("ack"), error("unknown_conversation"), error("unknown_conversation"))),
            new Row("sync", ctx -> "{\"type\":\"sync\",\"cursors\":{\"" + ctx.group() + "\":\"0\"},\"limit\":500}",
                    members(syncUpTo(false, true), syncUpTo(true, true), syncUpTo(false, false))),
            new Row("receipt delivered", ctx -> "{\"type\":\"receipt\",\"id\":\"mx-d\",\"conversationId\":\"" + ctx.group()
                    + "\",\"status\":\"delivered\",\"seq\":1}",
                    members(noAnswer(), error("unknown_conversation"), error("unknown_conversation"))),
            new Row("receipt read", ctx -> "{\"type\":\"receipt\",\"id\":\"mx-r\",\"conversationId\":\"" + ctx.group()
                    + "\",\"status\":\"read\",\"seq\":1}",
                    members(noAnswer(), error("unknown_conversation"), error("unknown_conversation"))),
            new Row("typing", ctx -> "{\"type\":\"typing\",\"conversationId\":\"" + ctx.group() + "\",\"state\":\"start\"}",
                    members(noAnswer(), error("unknown_conversation"), error("unknown_conversation"))),
            new Row("presence_query of a member", ctx -> "{\"type\":\"presence_query\",\"id\":\"mx-q\",\"userIds\":[\""
                    + ctx.contact() + "\"]}",
                    members(contactIs(true), contactIs(false), contactIs(false))),
            new Row("presence_subscribe", ctx -> "{\"type\":\"presence_subscribe\",\"id\":\"mx-s\"}",
                    members(contactIs(true), contactIs(false), contactIs(false))));

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        RealInfrastructure.registerKafka(registry);
        RealInfrastructure.registerCassandra(registry);
    }

    @LocalServerPort
    int port;

    @Autowired
    CqlSession cassandra;

    @Autowired
    KafkaTemplate<String, Object> kafka;

    private URI ws() {
        return URI.create("ws://127.0.0.1:" + port + "/ws/v1");
    }

    private long newUser() {
        long id = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
        cassandra.execute("INSERT INTO users (user_id, username, created_at) VALUES (?, ?, ?)", id, "it-" + id, Instant.now());
        return id;
    }

    /** The rows api-service writes for a new group (owner first), then its group_created message. */
    private long createGroup(long owner, List<Long> members) throws Exception {
        long group = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
        Instant now = Instant.now();
        List<Long> all = new ArrayList<>();
        all.add(owner);
        all.addAll(members);
        for (long user : all) {
            cassandra.execute("INSERT INTO conversation_members (conversation_id, user_id, joined_at, role, joined_at_seq)"
                    + " VALUES (?, ?, ?, ?, 1)", group, user, now, user == owner ? "owner" : "member");
            cassandra.execute("INSERT INTO user_conversations (user_id, conversation_id, joined_at, joined_at_seq)"
                    + " VALUES (?, ?, ?, 1)", user, group, now);
        }
        cassandra.execute("INSERT INTO conversations (conversation_id, kind, name, created_by, created_at) VALUES (?, 'group', ?, ?, ?)",
                group, "Matrix", owner, now);
        publish(group, new SystemEvent(SystemEvent.GROUP_CREATED, owner, members, "Matrix", null));
        return group;
    }

    private void publish(long group, SystemEvent event) throws Exception {
        MessageSubmitted message = MessageSubmitted.system(ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE),
                group, event, System.currentTimeMillis());
        kafka.send(Topics.MESSAGES_SUBMITTED, Long.toString(group), message).get(30, TimeUnit.SECONDS);
    }

    private static void awaitSeq(WsTestClient client, long group, long seq) throws Exception {
        long deadline = System.nanoTime() + WsTestClient.WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode frame = client.poll(Duration.ofMillis(200));
            if (frame != null && frame.path("type").asString().equals("message")
                    && frame.path("message").path("conversationId").asString().equals(Long.toString(group))
                    && frame.path("message").path("seq").asLong() >= seq) {
                return;
            }
        }
        throw new AssertionError("seq " + seq + " of the group did not arrive");
    }

    /** The answers (not pushes) the session got before the barrier's error. */
    private static List<JsonNode> answersUntilBarrier(WsTestClient client, String barrier) throws Exception {
        List<JsonNode> answers = new ArrayList<>();
        long deadline = System.nanoTime() + WsTestClient.WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode frame = client.poll(Duration.ofMillis(200));
            if (frame == null) {
                continue;
            }
            String type = frame.path("type").asString();
            if (type.equals("error") && barrier.equals(frame.path("ref").asString())) {
                return answers;
            }
            if (type.equals("error") || type.equals("ack") || type.equals("sync_result")
                    || (type.equals("presence") && frame.has("ref"))) {
                answers.add(frame);
            }
        }
        throw new AssertionError("no answer to the barrier " + barrier);
    }

    @Test
    void everyConversationFrameAnswersEachRelationAsDocumented() throws Exception {
        Map<Relation, Long> users = new EnumMap<>(Relation.class);
        for (Relation relation : Relation.values()) {
            users.put(relation, newUser());
        }
        long contact = newUser();
        Map<Relation, WsTestClient> sessions = new EnumMap<>(Relation.class);
        WsTestClient contactSession = WsTestClient.connect(ws(), TestJwt.token(contact));
        try {
            for (Relation relation : Relation.values()) {
                WsTestClient session = WsTestClient.connect(ws(), TestJwt.token(users.get(relation)));
                session.pingEvery(Duration.ofSeconds(10));
                sessions.put(relation, session);
            }
            contactSession.pingEvery(Duration.ofSeconds(10));
            long owner = users.get(Relation.OWNER);
            long group = createGroup(owner, List.of(users.get(Relation.ADMIN), users.get(Relation.MEMBER),
                    users.get(Relation.REMOVED), contact));
            publish(group, new SystemEvent(SystemEvent.ROLE_CHANGED, owner, List.of(users.get(Relation.ADMIN)), null, "admin"));
            publish(group, new SystemEvent(SystemEvent.MEMBER_REMOVED, owner, List.of(users.get(Relation.REMOVED)), null, null));
            int removedAtSeq = 3;
            awaitSeq(sessions.get(Relation.OWNER), group, removedAtSeq);
            awaitSeq(sessions.get(Relation.REMOVED), group, removedAtSeq);
            Ctx ctx = new Ctx(group, contact, removedAtSeq);

            List<String> wrong = new ArrayList<>();
            int cells = 0;
            for (Row row : ROWS) {
                for (Relation relation : Relation.values()) {
                    WsTestClient session = sessions.get(relation);
                    String barrier = "barrier-" + cells;
                    session.send(row.text().apply(ctx));
                    session.send("{\"type\":\"receipt\",\"id\":\"" + barrier + "\",\"conversationId\":\"1\",\"status\":\"bogus\",\"seq\":1}");
                    String why = row.expected().get(relation).check(answersUntilBarrier(session, barrier), ctx);
                    cells++;
                    if (why != null) {
                        wrong.add(row.frame() + " as " + relation + ": " + why);
                    }
                }
            }
            // A member's send after the removal never reaches the removed member or the outsider.
            String last = "mx-last";
            sessions.get(Relation.MEMBER).send("{\"type\":\"send\",\"id\":\"" + last + "\",\"conversationId\":\"" + group
                    + "\",\"text\":\"members only\"}");
            awaitClientMessage(contactSession, last);
            for (Relation relation : List.of(Relation.REMOVED, Relation.OUTSIDER)) {
                WsTestClient session = sessions.get(relation);
                String barrier = "barrier-final-" + relation;
                session.send("{\"type\":\"receipt\",\"id\":\"" + barrier + "\",\"conversationId\":\"1\",\"status\":\"bogus\",\"seq\":1}");
                List<JsonNode> seen = new ArrayList<>();
                JsonNode frame;
                while ((frame = session.poll(Duration.ofSeconds(2))) != null) {
                    seen.add(frame);
                }
                for (JsonNode f : seen) {
                    if (f.path("type").asString().equals("message")
                            && f.path("message").path("conversationId").asString().equals(Long.toString(group))
                            && f.path("message").path("seq").asLong() > removedAtSeq) {
                        wrong.add("live message after the removal reached " + relation + ": " + f);
                    }
                }
            }
            System.out.printf("ConversationAuthzMatrixIT: %d frame types x %d relations = %d cells%n", ROWS.size(),
                    Relation.values().length, cells);
            assertThat(wrong).as("cells answered otherwise than documented").isEmpty();
        } finally {
            sessions.values().forEach(WsTestClient::close);
            contactSession.close();
        }
    }

    private static void awaitClientMessage(WsTestClient client, String clientMessageId) throws Exception {
        long deadline = System.nanoTime() + WsTestClient.WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode frame = client.poll(Duration.ofMillis(200));
            if (frame != null && frame.path("type").asString().equals("message")
                    && clientMessageId.equals(frame.path("message").path("clientMessageId").asString())) {
                return;
            }
        }
        throw new AssertionError("message " + clientMessageId + " did not arrive");
    }
}
