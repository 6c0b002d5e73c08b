package io.parley.api.receipt;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import io.parley.api.support.ApiClient.Response;
import io.parley.api.support.ApiClient.Session;
import io.parley.api.support.ApiIntegrationTest;
import io.parley.api.support.StoredChat;
import io.parley.api.support.TestIds;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * GET /api/conversations/{id}/receipts on real Cassandra, marks written as chat-service writes
 * them (USING TIMESTAMP seq). The group: alice (owner), bob and carol from the start, dave added
 * at seq 4, erin removed at seq 3. Seq 1 group_created and 2, 4, 5 by alice; 3 by bob.
 */
class ReceiptsIT extends ApiIntegrationTest {

    @Autowired
    CqlSession cassandra;

    private StoredChat chat;
    private Session alice;
    private Session bob;
    private Session carol;
    private Session dave;
    private Session erin;
    private long group;

    @BeforeEach
    void groupWithMarks() {
        chat = new StoredChat(cassandra);
        alice = api.newUser("alice");
        bob = api.newUser("bob");
        carol = api.newUser("carol");
        dave = api.newUser("dave");
        erin = api.newUser("erin");
        Response created = api.post("/api/groups", Map.of("name", "Marks", "memberIds",
                List.of(Long.toString(bob.userId()), Long.toString(carol.userId()), Long.toString(erin.userId()))),
                alice.token());
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        group = Long.parseLong(created.json().get("conversationId").asString());
        Instant t = Instant.now().minusSeconds(60);
        chat.system(group, 1, alice.userId(), "group_created", List.of(bob.userId(), carol.userId(), erin.userId()),
                "Marks", t);
        chat.text(group, 2, alice.userId(), "two", t.plusSeconds(2));
        chat.text(group, 3, bob.userId(), "three", t.plusSeconds(3));
        chat.removeMember(group, erin.userId(), 3); // (a removal is a system message; its seq is all that matters here)
        chat.system(group, 4, alice.userId(), "member_added", List.of(dave.userId()), null, t.plusSeconds(4));
        chat.addMember(group, dave.userId(), 4);
        chat.text(group, 5, alice.userId(), "five", t.plusSeconds(5));

        chat.delivered(group, bob.userId(), 5);   // bob: received all, read up to 3 (his own)
        chat.delivered(group, carol.userId(), 1); // carol: her device reported read 4 before delivered
        chat.read(group, carol.userId(), 4);
        chat.read(group, carol.userId(), 2);      // a stale receipt arriving late changes nothing
        chat.read(group, dave.userId(), 5);       // dave: read all (nothing delivered reported)
        chat.read(group, erin.userId(), 5);       // erin's row stays after her removal
    }

    private Response receipts(Session as, String query) {
        return api.get("/api/conversations/" + group + "/receipts" + query, as.token());
    }

    private static Map<String, List<Long>> marks(Response response) {
        Map<String, List<Long>> marks = new HashMap<>();
        response.json().get("members").forEach(m -> marks.put(m.get("userId").asString(),
                List.of(m.get("deliveredSeq").asLong(), m.get("readSeq").asLong())));
        return marks;
    }

    @Test
    void everyCurrentMemberIsListedWithTheirMarks() {
        Response response = receipts(carol, "");

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.json().get("conversationId").asString()).isEqualTo(Long.toString(group));
        assertThat(response.json().get("receiptsEnabled").asBoolean()).isTrue();
        assertThat(response.json().get("message").isNull()).isTrue();
        assertThat(marks(response)).containsExactlyInAnyOrderEntriesOf(Map.of(
                Long.toString(alice.userId()), List.of(5L, 5L),   // her own messages
                Long.toString(bob.userId()), List.of(5L, 3L),
                Long.toString(carol.userId()), List.of(4L, 4L),   // read implies received
                Long.toString(dave.userId()), List.of(5L, 5L)));  // erin (removed) is not listed
        List<String> order = new java.util.ArrayList<>();
        response.json().get("members").forEach(m -> order.add(m.get("userId").asString()));
        assertThat(order).isSortedAccordingTo(java.util.Comparator.comparingLong(Long::parseLong));
    }

    @Test
    void countsForAMessageLeaveOutItsSenderAndMembersWhoJoinedAfterIt() {
        // seq 3 (bob's): alice and carol could see it; dave joined at 4, erin is gone.
        JsonNode three = receipts(alice, "?seq=3").json().get("message");
        assertThat(three.get("seq").asLong()).isEqualTo(3);
        assertThat(three.get("senderId").asString()).isEqualTo(Long.toString(bob.userId()));
        assertThat(three.get("recipientCount").asInt()).isEqualTo(2);
        assertThat(three.get("deliveredCount").asInt()).isEqualTo(2);
        assertThat(three.get("readCount").asInt()).isEqualTo(2);

        // seq 4 (alice's, dave's first): bob, carol and dave; bob has not read it.
        JsonNode four = receipts(bob, "?seq=4").json().get("message");
        assertThat(four.get("recipientCount").asInt()).isEqualTo(3);
        assertThat(four.get("deliveredCount").asInt()).isEqualTo(3);
        assertThat(four.get("readCount").asInt()).isEqualTo(2);

        // seq 5: carol has neither received nor read it.
        JsonNode five = receipts(dave, "?seq=5").json().get("message");
        assertThat(five.get("recipientCount").asInt()).isEqualTo(3);
        assertThat(five.get("deliveredCount").asInt()).isEqualTo(2);
        assertThat(five.get("readCount").asInt()).isEqualTo(1);

        // A new receipt moves the counts.
        chat.read(group, bob.userId(), 5);
        JsonNode later = receipts(dave, "?seq=5").json().get("message");
        assertThat(later.get("readCount").asInt()).isEqualTo(2);
        assertThat(later.get("deliveredCount").asInt()).isEqualTo(2);
    }

    @Test
    void outsidersMembersOfAnotherGroupAndRemovedMembersGetTheUnknownConversationAnswer() {
        Session outsider = api.newUser("oscar");
        Response own = api.post("/api/groups", Map.of("name", "Elsewhere", "memberIds",
                List.of(Long.toString(outsider.userId()))), dave.token());
        long unknown = TestIds.id();
        Response forNobody = api.get("/api/conversations/" + unknown + "/receipts", alice.token());
        assertThat(forNobody.status()).isEqualTo(404);

        List<Response> refused = List.of(
                receipts(outsider, ""),
                receipts(outsider, "?seq=3"),
                receipts(erin, ""), // removed at 3: may read history up to it, not the others' marks
                api.get("/api/conversations/" + own.json().get("conversationId").asString() + "/receipts", alice.token()));
        for (Response response : refused) {
            assertThat(response.status()).as(response.body()).isEqualTo(404);
            assertThat(response.header("Content-Type")).startsWith("application/problem+json");
            assertThat(response.body()).doesNotContain(Long.toString(alice.userId())).doesNotContain("readSeq");
            // the same problem as for an id that exists nowhere, apart from the id itself
            assertThat(response.json().get("title").asString()).isEqualTo(forNobody.json().get("title").asString());
            String id = response.json().get("instance").asString().split("/")[3];
            assertThat(response.json().get("detail").asString())
                    .isEqualTo(forNobody.json().get("detail").asString().replace(Long.toString(unknown), id));
        }
    }

    @Test
    void badSeqIs400AndAMessageTheCallerMayNotSeeIs404() {
        for (String bad : List.of("0", "-1", "abc", "1.5")) {
            Response response = receipts(alice, "?seq=" + bad);
            assertThat(response.status()).as(bad).isEqualTo(400);
            assertThat(response.json().get("errors").get(0).get("field").asString()).isEqualTo("seq");
        }
        Response notStored = receipts(alice, "?seq=6");
        assertThat(notStored.status()).isEqualTo(404);
        assertThat(notStored.json().get("detail").asString()).contains("Message 6 not found");
        // dave joined at 4: seq 3 exists but is not his to see, and gets the same answer
        Response beforeJoining = receipts(dave, "?seq=3");
        assertThat(beforeJoining.status()).isEqualTo(404);
        assertThat(beforeJoining.json().get("detail").asString()).contains("Message 3 not found");
        assertThat(receipts(dave, "?seq=4").status()).isEqualTo(200);
        assertThat(api.get("/api/conversations/" + group + "/receipts", null).status()).isEqualTo(401);
    }
}
