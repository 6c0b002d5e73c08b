package io.parley.chat.security;

import static io.parley.testsupport.fuzz.Gen.frequency;
import static io.parley.testsupport.fuzz.Gen.weight;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import com.datastax.oss.driver.api.core.CqlSession;
import io.parley.chat.session.ChatNodeTestApp;
import io.parley.chat.session.WsTestClient;
import io.parley.common.events.MessageSubmitted;
import io.parley.common.events.SystemEvent;
import io.parley.common.events.Topics;
import io.parley.testsupport.RealInfrastructure;
import io.parley.testsupport.fuzz.FuzzJson;
import io.parley.testsupport.fuzz.Gen;
import io.parley.testsupport.jwt.TestJwt;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Security suite (issue 9): bounded property-based fuzzing of client frames against one real
 * chat node (sequencer included) on real Kafka and Cassandra.
 *
 * <p>A fuzzing user sends frames drawn by our own seeded {@link Gen}, one at a time: frames of
 * every type with a random subset of their fields holding plausible or hostile values (every JSON
 * type, unpaired surrogates, numbers beyond 64 bits, deep nesting), unknown and non-string types,
 * text that is not a JSON object, and frames around and far over {@code maxFrameBytes}. After each one it sends
 * a barrier (a receipt the node refuses with {@code ref} = the barrier's id; answers come in frame
 * order), so everything the fuzzed frame caused is read before the next. Each must be answered as
 * docs/protocol.md says: an {@code error} with a documented code (never an internal error) or the
 * frame's documented answer, and a frame over 4x the limit closes with 1009 (then it reconnects).
 *
 * <p>Meanwhile two other users of the same node sit in a group with the fuzzer. Afterwards their
 * sessions must still be open, and a message each sends after the fuzz must reach the other and the
 * fuzzer: no lost connection, no frozen partition. The node runs in this JVM, so its log is
 * watched too: the fuzz must not make it log an ERROR or a stack trace.
 *
 * <p>Bounded for CI: {@value #DEFAULT_TRIES} cases from a fixed seed; {@code -Dparley.fuzz.seed}
 * and {@code -Dparley.fuzz.tries} vary them.
 */
@SpringBootTest(classes = ChatNodeTestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "eureka.client.enabled=false",
        "parley.chat.node-id=it-fuzz-node-1",
        // The fuzzer's presence frames would be refused after ten: let them all reach the handlers.
        "parley.chat.rate-limits.enabled=false"
})
@Import(TestJwt.class)
class FrameFuzzIT {

    static final int DEFAULT_TRIES = 1000;
    static final long DEFAULT_SEED = 20261207L;

    /** Every error code of docs/protocol.md, "Errors". */
    private static final Set<String> DOCUMENTED_CODES = Set.of("invalid_frame", "frame_too_large", "missing_field",
            "invalid_field", "text_too_long", "unknown_recipient", "unknown_conversation", "unknown_message",
            "too_many_requests", "unavailable");
    private static final Set<String> SERVER_FRAME_TYPES = Set.of("welcome", "ack", "message", "sync_result", "pong",
            "error", "reconnect", "token_expiring", "presence", "presence_settings", "receipt", "typing");
    private static final List<String> TYPES = List.of("send", "sync", "ping", "presence_subscribe", "presence_query",
            "presence_settings", "receipt", "typing");
    private static final int MAX_FRAME_BYTES = 16384;

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

    private final ConcurrentLinkedQueue<String> logged = new ConcurrentLinkedQueue<>();
    private AppenderBase<ILoggingEvent> appender;

    /** A frame to send, and what kind of answer it must get. */
    record Case(String expect, String text) {
    }

    @BeforeEach
    void watchTheLog() {
        appender = new AppenderBase<>() {
            @Override
            protected void append(ILoggingEvent event) {
                if (event.getLevel().isGreaterOrEqual(Level.ERROR)
                        || (event.getLevel().isGreaterOrEqual(Level.WARN) && event.getThrowableProxy() != null)) {
                    logged.add(event.getLevel() + " " + event.getLoggerName() + ": " + event.getFormattedMessage()
                            + (event.getThrowableProxy() == null ? "" : " / " + event.getThrowableProxy().getClassName()
                            + ": " + event.getThrowableProxy().getMessage()));
                }
            }
        };
        appender.setContext((LoggerContext) LoggerFactory.getILoggerFactory());
        appender.start();
        ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(appender);
    }

    @AfterEach
    void stopWatching() {
        ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).detachAppender(appender);
        appender.stop();
    }

    private URI ws() {
        return URI.create("ws://127.0.0.1:" + port + "/ws/v1");
    }

    private long newUser() {
        long id = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
        cassandra.execute("INSERT INTO users (user_id, username, created_at) VALUES (?, ?, ?)", id, "it-" + id, Instant.now());
        return id;
    }

    /** The rows api-service writes for a new group (owner first), then its group_created message. */
    private long createGroup(long owner, long... members) throws Exception {
        long group = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
        Instant now = Instant.now();
        List<Long> all = new ArrayList<>();
        all.add(owner);
        for (long m : members) {
            all.add(m);
        }
        for (long user : all) {
            cassandra.execute("INSERT INTO conversation_members (conversation_id, user_id, joined_at, role, joined_at_seq)"
                    + " VALUES (?, ?, ?, ?, 1)", group, user, now, user == owner ? "owner" : "member");
            cassandra.execute("INSERT INTO user_conversations (user_id, conversation_id, joined_at, joined_at_seq)"
                    + " VALUES (?, ?, ?, 1)", user, group, now);
        }
        cassandra.execute("INSERT INTO conversations (conversation_id, kind, name, created_by, created_at) VALUES (?, 'group', ?, ?, ?)",
                group, "Fuzz", owner, now);
        MessageSubmitted created = MessageSubmitted.system(ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE), group,
                new SystemEvent(SystemEvent.GROUP_CREATED, owner, all.subList(1, all.size()), "Fuzz", null),
                System.currentTimeMillis());
        kafka.send(Topics.MESSAGES_SUBMITTED, Long.toString(group), created).get(30, TimeUnit.SECONDS);
        return group;
    }

    /** Frames of every type: the fields of its table in docs/protocol.md, plausible or hostile. */
    private static Gen<Case> frames(long group, long fuzzer, long alice, long bob) {
        Gen<Object> anyString = FuzzJson.oddStrings().asObject();
        Gen<Object> anyId = frequency(
                weight(4, Gen.of(group, alice, bob, fuzzer, 1L, Long.MAX_VALUE).map(l -> Long.toString(l))),
                weight(1, Gen.longs(1, Long.MAX_VALUE).map(l -> Long.toString(l))),
                weight(1, anyString));
        // Client ids: the shortest and the longest (64 after the prefix) as explicit edge cases.
        Gen<String> plausibleClientId = frequency(
                weight(6, Gen.strings(Gen.charsOf(FuzzJson.ALPHANUMERIC), 1, 64).map(s -> "fz-" + s)),
                weight(1, Gen.of("fz-0", "fz-" + "Z".repeat(64))));
        Gen<Object> clientId = frequency(weight(3, plausibleClientId), weight(1, anyString));
        Gen<Object> seq = frequency(
                weight(3, Gen.<Object>of(1L, 2L, 3L, 1_000_000L, 0L, -1L)),
                weight(1, FuzzJson.oddNumbers()));
        Gen<String> cursorKey = frequency(weight(3, anyId.map(String::valueOf)), weight(1, FuzzJson.oddStrings()));
        Gen<Object> cursorValue = frequency(
                weight(3, Gen.<Object>of("0", "1", "5", "999999999")),
                weight(1, FuzzJson.anyValue(1)));
        Gen<Object> cursors = Gen.maps(cursorKey, cursorValue, 5).asObject();
        Gen<Object> userIds = frequency(weight(3, anyId.list(0, 5)), weight(1, anyId.list(99, 102)));
        Gen<Object> text = frequency(weight(1, Gen.constant("hello")), weight(2, anyString));
        Gen<Object> limit = frequency(weight(3, Gen.<Object>of(1, 100, 500, 501, 0, -1)), weight(1, FuzzJson.oddNumbers()));
        Gen<Object> bool = Gen.<Object>of(true, false);
        Gen<Object> status = frequency(weight(3, Gen.<Object>of("delivered", "read")), weight(1, anyString));
        Gen<Object> state = frequency(weight(3, Gen.<Object>of("start", "stop")), weight(1, anyString));
        Map<String, Map<String, Gen<Object>>> fields = Map.of(
                "send", Map.of("id", clientId, "conversationId", anyId, "to", anyId, "text", text),
                "sync", Map.of("cursors", cursors, "limit", limit),
                "ping", Map.of(),
                "presence_subscribe", Map.of("id", clientId, "enabled", bool),
                "presence_query", Map.of("id", clientId, "userIds", userIds),
                "presence_settings", Map.of("id", clientId, "hidden", bool),
                "receipt", Map.of("id", clientId, "conversationId", anyId, "status", status, "seq", seq),
                "typing", Map.of("conversationId", anyId, "state", state));
        List<Gen.Weighted<Case>> all = new ArrayList<>();
        for (String type : TYPES) {
            Gen<Case> typed = FuzzJson.object(fields.get(type)).map(body -> {
                Map<String, Object> frame = new LinkedHashMap<>();
                frame.put("type", type);
                frame.putAll(body);
                return new Case(type, FuzzJson.render(frame));
            });
            all.add(weight(3, typed));
        }
        Gen<Object> wrongType = frequency(
                weight(2, FuzzJson.oddStrings().filter(s -> !TYPES.contains(s))),
                weight(1, FuzzJson.anyValue(1).filter(v -> !(v instanceof String))),
                weight(1, Gen.<Object>of("SEND", "Ping", " ping", "pong", "welcome", "ack", "message")));
        Gen<Map<String, Object>> sendBody = FuzzJson.object(fields.get("send"));
        Gen<Case> badType = random -> {
            Object type = wrongType.next(random);
            Map<String, Object> frame = new LinkedHashMap<>();
            frame.put("type", type);
            frame.putAll(sendBody.next(random));
            return new Case("invalid", FuzzJson.render(frame));
        };
        Gen<Case> noType = FuzzJson.object(fields.get("receipt")).map(body -> new Case("invalid", FuzzJson.render(body)));
        Gen<Case> notAnObject = FuzzJson.notAnObject().map(t -> new Case("invalid", t));
        Gen<Case> oversized = Gen.of(16385, 20000, 65536, 65537, 100_000).map(size -> {
            String prefix = "{\"type\":\"send\",\"id\":\"big\",\"to\":\"" + alice + "\",\"text\":\"";
            return new Case("send", prefix + "y".repeat(Math.max(0, size - prefix.length() - 2)) + "\"}");
        });
        // Sends that are well formed but for one hostile string: they reach the sequencer and the store when accepted.
        Gen<String> target = Gen.of(Long.toString(group), Long.toString(alice));
        Gen<String> targetKey = Gen.of("conversationId", "to");
        Gen<Case> almostValidSend = random -> {
            Object id = clientId.next(random);
            String to = target.next(random);
            String key = targetKey.next(random);
            Object hostile = anyString.next(random);
            Map<String, Object> frame = new LinkedHashMap<>();
            frame.put("type", "send");
            frame.put("id", id);
            frame.put(key.equals("to") && to.equals(Long.toString(group)) ? "conversationId" : key, to);
            frame.put("text", hostile);
            return new Case("send", FuzzJson.render(frame));
        };
        all.add(weight(4, almostValidSend));
        all.add(weight(3, badType));
        all.add(weight(1, noType));
        all.add(weight(4, notAnObject));
        all.add(weight(1, oversized));
        return frequency(all);
    }

    @Test
    void everyFuzzedFrameGetsADocumentedAnswerAndOtherUsersAreUnaffected() throws Exception {
        long fuzzer = newUser();
        long alice = newUser();
        long bob = newUser();
        long seed = FuzzJson.seed(DEFAULT_SEED);
        int tries = FuzzJson.tries(DEFAULT_TRIES);
        List<Case> cases;

        Map<String, Integer> answers = new TreeMap<>();
        int closes1009 = 0;
        long started = System.nanoTime();
        try (WsTestClient a = WsTestClient.connect(ws(), TestJwt.token(alice));
             WsTestClient b = WsTestClient.connect(ws(), TestJwt.token(bob))) {
            a.pingEvery(Duration.ofSeconds(10));
            b.pingEvery(Duration.ofSeconds(10));
            long group = createGroup(alice, bob, fuzzer);
            awaitMessage(a, m -> m.path("seq").asLong() == 1 && m.path("conversationId").asString().equals(Long.toString(group)));
            cases = Gen.sample(frames(group, fuzzer, alice, bob), tries, seed);
            started = System.nanoTime();

            WsTestClient f = WsTestClient.connect(ws(), TestJwt.token(fuzzer));
            try {
                for (int i = 0; i < cases.size(); i++) {
                    Case c = cases.get(i);
                    String context = "case " + i + " (seed " + seed + "): " + abbreviate(c.text());
                    int bytes = c.text().getBytes(StandardCharsets.UTF_8).length;
                    f.send(c.text());
                    if (bytes > 4 * MAX_FRAME_BYTES) {
                        assertThat(f.awaitClose()).as(context).isEqualTo(1009);
                        closes1009++;
                        answers.merge("close 1009", 1, Integer::sum);
                        f.close();
                        f = WsTestClient.connect(ws(), TestJwt.token(fuzzer));
                        continue;
                    }
                    String barrier = "barrier-" + i;
                    f.send("{\"type\":\"receipt\",\"id\":\"" + barrier + "\",\"conversationId\":\"1\",\"status\":\"bogus\",\"seq\":1}");
                    List<JsonNode> got = untilBarrier(f, barrier, context);
                    check(c, bytes, got, context, answers);
                    if (i % 100 == 99) {
                        System.out.printf("FrameFuzzIT: %d frames, %d ms%n", i + 1, (System.nanoTime() - started) / 1_000_000);
                    }
                }
            } finally {
                f.close();
            }
            long fuzzMillis = (System.nanoTime() - started) / 1_000_000;

            // Nobody else noticed: both sessions are open, and messages sent now are delivered.
            assertThat(a.isClosed()).as("alice's session survived the fuzz").isFalse();
            assertThat(b.isClosed()).as("bob's session survived the fuzz").isFalse();
            try (WsTestClient f2 = WsTestClient.connect(ws(), TestJwt.token(fuzzer))) {
                a.send(Map.of("type", "send", "id", "after-fuzz-a", "conversationId", Long.toString(group), "text", "still here"));
                awaitMessage(b, m -> "after-fuzz-a".equals(m.path("clientMessageId").asString()));
                awaitMessage(f2, m -> "after-fuzz-a".equals(m.path("clientMessageId").asString()));
                b.send(Map.of("type", "send", "id", "after-fuzz-b", "to", Long.toString(alice), "text", "me too"));
                awaitMessage(a, m -> "after-fuzz-b".equals(m.path("clientMessageId").asString()));
            }
            System.out.printf("FrameFuzzIT: %d fuzzed frames (seed %d) in %d ms, %d closes 1009, answers %s%n",
                    cases.size(), seed, fuzzMillis, closes1009, answers);
        }
        assertThat(logged).as("ERROR or stack trace logged by the node during the fuzz").isEmpty();
    }

    /** Everything the session received up to the barrier's error, which is left out. */
    private static List<JsonNode> untilBarrier(WsTestClient client, String barrier, String context) throws Exception {
        List<JsonNode> got = new ArrayList<>();
        long deadline = System.nanoTime() + WsTestClient.WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode frame = client.poll(Duration.ofMillis(200));
            if (frame == null) {
                if (client.isClosed()) {
                    throw new AssertionError("connection closed (" + client.awaitClose() + ") after " + context);
                }
                continue;
            }
            if ("error".equals(frame.path("type").asString()) && barrier.equals(frame.path("ref").asString())) {
                return got;
            }
            got.add(frame);
        }
        throw new AssertionError("no answer to the barrier within " + WsTestClient.WAIT + " after " + context + "; got " + got);
    }

    private static void check(Case c, int bytes, List<JsonNode> got, String context, Map<String, Integer> answers) {
        List<JsonNode> answersToIt = new ArrayList<>();
        for (JsonNode frame : got) {
            String type = frame.path("type").asString();
            assertThat(SERVER_FRAME_TYPES).as(context + " got " + frame).contains(type);
            if (type.equals("error")) {
                assertThat(DOCUMENTED_CODES).as(context + " got " + frame).contains(frame.path("code").asString());
                String message = frame.path("message").asString();
                assertThat(message).as(context + " got " + frame).doesNotContain("Exception").doesNotContain("\tat ");
            }
            if (Set.of("error", "ack", "sync_result", "pong", "presence_settings").contains(type)
                    || (type.equals("presence") && frame.has("ref"))) {
                answersToIt.add(frame);
            }
        }
        String expect = bytes > MAX_FRAME_BYTES ? "too_large" : c.expect();
        Set<String> allowed = switch (expect) {
            case "too_large", "invalid" -> Set.of("error");
            case "send" -> Set.of("ack", "error");
            case "sync" -> Set.of("sync_result", "error");
            case "ping" -> Set.of("pong", "error");
            case "presence_subscribe", "presence_query" -> Set.of("presence", "error");
            case "presence_settings" -> Set.of("presence_settings", "error");
            default -> Set.of("error"); // receipt, typing: no answer on success
        };
        boolean answerRequired = !Set.of("receipt", "typing", "presence_subscribe", "presence_query").contains(expect);
        if (answerRequired) {
            assertThat(answersToIt).as(context + ": one answer; got " + got).hasSize(1);
        } else {
            assertThat(answersToIt.size()).as(context + ": at most one answer; got " + got).isLessThanOrEqualTo(1);
        }
        for (JsonNode answer : answersToIt) {
            String type = answer.path("type").asString();
            assertThat(allowed).as(context + " got " + answer).contains(type);
            // (an "invalid" frame may still parse as another: {"type":"ping","type":"send"} is a send without fields)
            if (expect.equals("too_large")) {
                assertThat(answer.path("code").asString()).as(context).isEqualTo("frame_too_large");
            }
            answers.merge(type.equals("error") ? "error " + answer.path("code").asString() : type, 1, Integer::sum);
        }
        if (answersToIt.isEmpty()) {
            answers.merge("no answer (" + expect + ")", 1, Integer::sum);
        }
    }

    private static JsonNode awaitMessage(WsTestClient client, java.util.function.Predicate<JsonNode> wanted) throws Exception {
        long deadline = System.nanoTime() + WsTestClient.WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode frame = client.poll(Duration.ofMillis(200));
            if (frame != null && "message".equals(frame.path("type").asString()) && wanted.test(frame.path("message"))) {
                return frame.path("message");
            }
            if (frame == null && client.isClosed()) {
                throw new AssertionError("connection closed: " + client.awaitClose());
            }
        }
        throw new AssertionError("the message did not arrive within " + WsTestClient.WAIT);
    }

    private static String abbreviate(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "… (" + text.length() + " chars)";
    }
}
