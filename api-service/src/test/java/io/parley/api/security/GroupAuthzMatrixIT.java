package io.parley.api.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import io.parley.api.support.ApiClient;
import io.parley.api.support.ApiClient.Response;
import io.parley.api.support.ApiClient.Session;
import io.parley.api.support.ApiIntegrationTest;
import io.parley.api.support.StoredChat;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Security suite (issue 9): the authorization matrix of every api-service operation on a group,
 * for each relation a caller can have to it: owner, admin, member, removed member, outsider.
 * The expected answers are docs/api.md's ("Endpoints", "Groups", "Receipts", "Errors"): a member
 * without the right gets 403, and anyone who is not (or no longer) a member gets 404 exactly as
 * for a group that does not exist; a removed member still reads the history up to its removal.
 *
 * <p>Table-driven: a new operation is one {@link Row}. Every cell runs on a fresh group (no chat
 * node applies changes here, so a change answers 202 and changes nothing; a fresh group keeps each
 * cell's seats and state independent of the others).
 */
class GroupAuthzMatrixIT extends ApiIntegrationTest {

    enum Relation { OWNER, ADMIN, MEMBER, REMOVED, OUTSIDER }

    /** The group of one cell and the users around it. */
    record Fixture(String group, Session owner, Session admin, Session member, Session target, Session newcomer) {
    }

    /** One operation: how to call it as {@code caller} in a fixture, and the accepted statuses per relation. */
    record Row(String operation, Call call, Map<Relation, Set<Integer>> expected) {
    }

    @FunctionalInterface
    interface Call {
        Response as(ApiClient api, Fixture f, Session caller);
    }

    private static final Set<Integer> OK = Set.of(200, 202);
    private static final Set<Integer> LEFT = Set.of(202, 204);

    private static Map<Relation, Set<Integer>> answers(Set<Integer> owner, Set<Integer> admin, Set<Integer> member,
            Set<Integer> removed, Set<Integer> outsider) {
        return Map.of(Relation.OWNER, owner, Relation.ADMIN, admin, Relation.MEMBER, member,
                Relation.REMOVED, removed, Relation.OUTSIDER, outsider);
    }

    private static Set<Integer> is(int status) {
        return Set.of(status);
    }

    /** Every group operation of docs/api.md. Expected: owner, admin, member, removed, outsider. */
    static final List<Row> ROWS = List.of(
            new Row("GET /api/groups/{id}",
                    (api, f, c) -> api.get("/api/groups/" + f.group(), c.token()),
                    answers(is(200), is(200), is(200), is(404), is(404))),
            new Row("PATCH /api/groups/{id} rename",
                    (api, f, c) -> api.patch("/api/groups/" + f.group(), Map.of("name", "Renamed"), c.token()),
                    answers(OK, OK, is(403), is(404), is(404))),
            new Row("POST /api/groups/{id}/members add",
                    (api, f, c) -> api.post("/api/groups/" + f.group() + "/members",
                            Map.of("userIds", List.of(Long.toString(f.newcomer().userId()))), c.token()),
                    answers(OK, OK, is(403), is(404), is(404))),
            new Row("DELETE /api/groups/{id}/members/{plain member}",
                    (api, f, c) -> api.delete("/api/groups/" + f.group() + "/members/" + f.target().userId(), c.token()),
                    answers(OK, OK, is(403), is(404), is(404))),
            new Row("DELETE /api/groups/{id}/members/{admin}",
                    (api, f, c) -> api.delete("/api/groups/" + f.group() + "/members/" + f.admin().userId(), c.token()),
                    // the admin itself: removing yourself is leaving (400)
                    answers(OK, is(400), is(403), is(404), is(404))),
            new Row("DELETE /api/groups/{id}/members/{owner}",
                    (api, f, c) -> api.delete("/api/groups/" + f.group() + "/members/" + f.owner().userId(), c.token()),
                    answers(is(400), is(403), is(403), is(404), is(404))),
            new Row("PUT /api/groups/{id}/members/{plain member}/role admin",
                    (api, f, c) -> api.put("/api/groups/" + f.group() + "/members/" + f.target().userId() + "/role",
                            Map.of("role", "admin"), c.token()),
                    answers(OK, is(403), is(403), is(404), is(404))),
            new Row("PUT /api/groups/{id}/members/{admin}/role member",
                    (api, f, c) -> api.put("/api/groups/" + f.group() + "/members/" + f.admin().userId() + "/role",
                            Map.of("role", "member"), c.token()),
                    // the admin itself: you cannot change your own role (400)
                    answers(OK, is(400), is(403), is(404), is(404))),
            new Row("PUT /api/groups/{id}/members/{plain member}/role owner (transfer)",
                    (api, f, c) -> api.put("/api/groups/" + f.group() + "/members/" + f.target().userId() + "/role",
                            Map.of("role", "owner"), c.token()),
                    answers(OK, is(403), is(403), is(404), is(404))),
            new Row("POST /api/groups/{id}/leave",
                    (api, f, c) -> api.post("/api/groups/" + f.group() + "/leave", Map.of(), c.token()),
                    answers(LEFT, LEFT, LEFT, is(404), is(404))),
            new Row("GET /api/conversations/{id}/messages",
                    (api, f, c) -> api.get("/api/conversations/" + f.group() + "/messages", c.token()),
                    // a removed member reads up to its removal
                    answers(is(200), is(200), is(200), is(200), is(404))),
            new Row("GET /api/conversations/{id}/messages?after=0",
                    (api, f, c) -> api.get("/api/conversations/" + f.group() + "/messages?after=0", c.token()),
                    answers(is(200), is(200), is(200), is(200), is(404))),
            new Row("GET /api/conversations/{id}/receipts",
                    (api, f, c) -> api.get("/api/conversations/" + f.group() + "/receipts", c.token()),
                    answers(is(200), is(200), is(200), is(404), is(404))),
            new Row("GET /api/conversations/{id}/receipts?seq=1",
                    (api, f, c) -> api.get("/api/conversations/" + f.group() + "/receipts?seq=1", c.token()),
                    // seq 1 (group_created) is readable by members; not stored here, so 404 "message not found" for them too
                    answers(Set.of(200, 404), Set.of(200, 404), Set.of(200, 404), is(404), is(404))),
            new Row("GET /api/conversations (the group listed only for current and removed members)",
                    (api, f, c) -> api.get("/api/conversations", c.token()),
                    answers(is(200), is(200), is(200), is(200), is(200))));

    @Autowired
    CqlSession cassandra;

    private StoredChat stored;
    private Session owner;
    private Session admin;
    private Session member;
    private Session removed;
    private Session outsider;
    private Session target;
    private Session newcomer;

    @BeforeEach
    void users() {
        stored = new StoredChat(cassandra);
        owner = api.newUser("mx_owner");
        admin = api.newUser("mx_admin");
        member = api.newUser("mx_member");
        removed = api.newUser("mx_removed");
        outsider = api.newUser("mx_out");
        target = api.newUser("mx_target");
        newcomer = api.newUser("mx_new");
        // the outsider belongs to a group of its own: membership elsewhere gives nothing here
        assertThat(api.post("/api/groups", Map.of("name", "Elsewhere", "memberIds", List.of()), outsider.token()).status())
                .isEqualTo(201);
    }

    /**
     * A group as the sequencer would have left it: created by the owner with admin and member (3
     * of 4 seats), the admin promoted, a plain member to act on, and a member removed at seq 2.
     */
    private Fixture group() {
        Response created = api.post("/api/groups", Map.of("name", "Matrix",
                "memberIds", List.of(Long.toString(admin.userId()), Long.toString(member.userId()))), owner.token());
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String group = created.json().get("conversationId").asString();
        long id = Long.parseLong(group);
        cassandra.execute("UPDATE conversation_members SET role = 'admin' WHERE conversation_id = ? AND user_id = ?",
                id, admin.userId());
        stored.addMember(id, target.userId(), 1);
        stored.addMember(id, removed.userId(), 1);
        stored.removeMember(id, removed.userId(), 2);
        return new Fixture(group, owner, admin, member, target, newcomer);
    }

    private Session caller(Relation relation) {
        return switch (relation) {
            case OWNER -> owner;
            case ADMIN -> admin;
            case MEMBER -> member;
            case REMOVED -> removed;
            case OUTSIDER -> outsider;
        };
    }

    @Test
    void everyGroupOperationAnswersEachRelationAsDocumented() {
        List<String> wrong = new ArrayList<>();
        int cells = 0;
        for (Row row : ROWS) {
            for (Relation relation : Relation.values()) {
                Fixture f = group();
                Response answer = row.call().as(api, f, caller(relation));
                cells++;
                Set<Integer> expected = row.expected().get(relation);
                if (!expected.contains(answer.status())) {
                    wrong.add(row.operation() + " as " + relation + ": " + answer.status() + " (expected " + expected + ") "
                            + answer.body());
                } else if (answer.status() >= 400) {
                    String type = answer.json().path("type").asString();
                    if (!type.startsWith("urn:parley:problem:")) {
                        wrong.add(row.operation() + " as " + relation + ": no problem type " + answer.body());
                    }
                    if (answer.status() == 404 && answer.body().contains("Matrix")) {
                        wrong.add(row.operation() + " as " + relation + ": a 404 tells the group's name " + answer.body());
                    }
                }
                if (row.operation().startsWith("GET /api/conversations (")) {
                    boolean listed = answer.body().contains("\"" + f.group() + "\"");
                    boolean shouldBe = relation != Relation.OUTSIDER && relation != Relation.REMOVED;
                    if (relation != Relation.REMOVED && listed != shouldBe) {
                        wrong.add(row.operation() + " as " + relation + ": listed=" + listed + " " + answer.body());
                    }
                }
            }
        }
        System.out.printf("GroupAuthzMatrixIT: %d operations x %d relations = %d cells%n", ROWS.size(),
                Relation.values().length, cells);
        assertThat(wrong).as("cells answered otherwise than documented").isEmpty();
    }
}
