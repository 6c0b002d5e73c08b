package io.parley.api.group;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import io.parley.api.support.ApiClient.Response;
import io.parley.api.support.ApiClient.Session;
import io.parley.api.support.ApiIntegrationTest;
import io.parley.api.support.PublishedMessages;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The member limit ({@code parley.groups.max-members}, 4 in the integration tests) under concurrency,
 * on real Cassandra. No sequencer runs here, so published adds are never applied: a check that read
 * the members (as before) would let every add through; only the seats taken by lightweight
 * transaction stop them, which is exactly what must hold while adds are in flight.
 */
class GroupMemberLimitIT extends ApiIntegrationTest {

    private static final int LIMIT = 4;

    @Autowired
    CqlSession cassandra;

    private String createGroup(Session owner, Session... members) {
        List<String> ids = new ArrayList<>();
        for (Session member : members) {
            ids.add(Long.toString(member.userId()));
        }
        Response created = api.post("/api/groups", Map.of("name", "Limit", "memberIds", ids), owner.token());
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json().get("conversationId").asString();
    }

    private Response add(Session caller, String group, Session... users) {
        List<String> ids = new ArrayList<>();
        for (Session user : users) {
            ids.add(Long.toString(user.userId()));
        }
        return api.post("/api/groups/" + group + "/members", Map.of("userIds", ids), caller.token());
    }

    private int memberCount(String group) {
        return cassandra.execute("SELECT member_count FROM conversations WHERE conversation_id = ?",
                Long.parseLong(group)).one().getInt("member_count");
    }

    /** Runs the calls at the same moment (as far as threads allow) and returns their answers. */
    private static List<Response> concurrently(List<Callable<Response>> calls) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(calls.size());
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Response>> answers = new ArrayList<>();
            for (Callable<Response> call : calls) {
                answers.add(pool.submit(() -> {
                    start.await();
                    return call.call();
                }));
            }
            start.countDown();
            List<Response> responses = new ArrayList<>();
            for (Future<Response> answer : answers) {
                responses.add(answer.get());
            }
            return responses;
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * A list longer than the limit is refused as such before any id in it is looked up: these ids
     * belong to nobody, and a check that read them first would answer "no such user" (or, with
     * 200,000 of them, run out of heap, as a probe once made api-service do).
     */
    @Test
    void aListLongerThanTheLimitIsRefusedBeforeAnyIdIsRead() {
        Session owner = api.newUser("owner");
        List<String> strangers = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) { // ~25KB: inside the body limit, far over the member limit
            strangers.add(Long.toString(9_000_000_000_000_000_000L + i));
        }

        Response create = api.post("/api/groups", Map.of("name", "Huge", "memberIds", strangers), owner.token());
        assertThat(create.status()).as(create.body()).isEqualTo(400);
        assertThat(create.json().path("errors").get(0).path("field").asString()).isEqualTo("memberIds");
        assertThat(create.body()).contains("at most " + LIMIT).doesNotContain("no such user");

        String group = createGroup(owner, api.newUser("member"));
        Response add = api.post("/api/groups/" + group + "/members", Map.of("userIds", strangers), owner.token());
        assertThat(add.status()).as(add.body()).isEqualTo(400);
        assertThat(add.json().path("errors").get(0).path("field").asString()).isEqualTo("userIds");
        assertThat(add.body()).contains("at most " + (LIMIT - 1)).doesNotContain("no such user");
        assertThat(memberCount(group)).isEqualTo(2);
    }

    @Test
    void concurrentAddsRacingForTheLastSeatsNeverPassTheLimit() throws Exception {
        for (int round = 0; round < 3; round++) {
            Session owner = api.newUser("owner");
            Session admin = api.newUser("admin");
            String group = createGroup(owner, admin); // 2 of 4 seats
            cassandra.execute("UPDATE conversation_members SET role = 'admin' WHERE conversation_id = ? AND user_id = ?",
                    Long.parseLong(group), admin.userId());
            List<Callable<Response>> adds = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Session caller = i % 2 == 0 ? owner : admin;
                Session first = api.newUser("new");
                Session second = api.newUser("new");
                adds.add(() -> add(caller, group, first, second)); // each wants the last 2 seats
            }

            List<Response> answers = concurrently(adds);

            assertThat(answers).filteredOn(r -> r.status() == 202).as(answers.toString()).hasSize(1);
            assertThat(answers).filteredOn(r -> r.status() == 400).hasSize(2).allSatisfy(refused -> {
                assertThat(refused.json().path("errors").get(0).path("field").asString()).isEqualTo("userIds");
                assertThat(refused.body()).contains("limit is " + LIMIT);
            });
            assertThat(memberCount(group)).isEqualTo(LIMIT);
            try (PublishedMessages published = new PublishedMessages()) {
                assertThat(published.events(group, 2, Duration.ofSeconds(1))).containsExactly("group_created", "member_added");
            }
            // Full: even one more is refused while those adds are in flight.
            assertThat(add(owner, group, api.newUser("late")).status()).isEqualTo(400);
        }
    }

    @Test
    void aRemovalGivesItsSeatBackOnceEvenWhenTwoRemoveTheSameMember() throws Exception {
        Session owner = api.newUser("owner");
        Session admin = api.newUser("admin");
        Session member = api.newUser("member");
        Session other = api.newUser("other");
        String group = createGroup(owner, admin, member, other); // full: 4 of 4
        cassandra.execute("UPDATE conversation_members SET role = 'admin' WHERE conversation_id = ? AND user_id = ?",
                Long.parseLong(group), admin.userId());
        assertThat(add(owner, group, api.newUser("extra")).status()).isEqualTo(400);

        // Owner and admin remove the same member at once, and the member leaves at the same time:
        // all pass validation (nothing applies the first one here), one seat comes back.
        List<Response> removals = concurrently(List.of(
                () -> api.delete("/api/groups/" + group + "/members/" + member.userId(), owner.token()),
                () -> api.delete("/api/groups/" + group + "/members/" + member.userId(), admin.token()),
                () -> api.post("/api/groups/" + group + "/leave", Map.of(), member.token())));
        assertThat(removals).allSatisfy(r -> assertThat(r.status()).as(r.body()).isEqualTo(202));
        assertThat(memberCount(group)).isEqualTo(3);

        assertThat(add(owner, group, api.newUser("two"), api.newUser("seats")).status()).isEqualTo(400);
        assertThat(add(owner, group, api.newUser("one")).status()).isEqualTo(202);
        assertThat(memberCount(group)).isEqualTo(LIMIT);
    }

    @Test
    void aGroupFromBeforeTheCountIsCountedOnceFromItsMembers() {
        Session owner = api.newUser("owner");
        String group = createGroup(owner, api.newUser("member")); // 2 members
        // As a group created before schema V006 looks: no member_count, no seat changes.
        cassandra.execute("DELETE member_count, seat_changes FROM conversations WHERE conversation_id = ?",
                Long.parseLong(group));

        Response tooMany = add(owner, group, api.newUser("a"), api.newUser("b"), api.newUser("c"));
        assertThat(tooMany.status()).isEqualTo(400);
        assertThat(tooMany.body()).contains("would have 5 members");
        assertThat(memberCount(group)).isEqualTo(2); // counted, nothing taken

        assertThat(add(owner, group, api.newUser("d"), api.newUser("e")).status()).isEqualTo(202);
        assertThat(memberCount(group)).isEqualTo(LIMIT);
    }
}
