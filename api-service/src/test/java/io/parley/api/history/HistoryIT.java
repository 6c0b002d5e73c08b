package io.parley.api.history;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchStatementBuilder;
import com.datastax.oss.driver.api.core.cql.DefaultBatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import io.parley.api.support.ApiClient.Response;
import io.parley.api.support.ApiClient.Session;
import io.parley.api.support.ApiIntegrationTest;
import io.parley.api.support.TestIds;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * History over the real schema. Messages are written with plain CQL exactly as the sequencer
 * lays them out (bucket = (seq - 1) / 4096), with seqs around the first bucket boundary
 * (4090..4105) rather than thousands of rows: the boundary is what paging must get right.
 */
class HistoryIT extends ApiIntegrationTest {

    private static final long FIRST = 4090;
    private static final long LAST = 4105;

    @Autowired
    CqlSession session;

    private Session member;
    private Session sender;
    private long conversationId;

    @BeforeEach
    void conversationWithMessagesAcrossABucketBoundary() {
        member = api.newUser("mia");
        sender = api.newUser("sam");
        conversationId = TestIds.id();
        for (Session s : List.of(member, sender)) {
            session.execute("INSERT INTO conversation_members (conversation_id, user_id, joined_at) VALUES (?, ?, ?)",
                    conversationId, s.userId(), Instant.now());
        }
        storeMessages(FIRST, LAST);
    }

    private void storeMessages(long from, long to) {
        PreparedStatement message = session.prepare("INSERT INTO messages (conversation_id, bucket, seq, message_id, "
                + "sender_id, client_message_id, body, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
        PreparedStatement activity = session.prepare(
                "UPDATE conversation_activity USING TIMESTAMP ? SET last_seq = ? WHERE conversation_id = ?");
        for (long seq = from; seq <= to; seq++) {
            // one partition per statement kind and bucket would be tidier; an unlogged batch
            // of a row and the conversation's newest seq is enough for test data
            BatchStatementBuilder batch = BatchStatement.builder(DefaultBatchType.UNLOGGED);
            batch.addStatement(message.bind(conversationId, (seq - 1) / 4096, seq, 1_000_000 + seq, sender.userId(),
                    "client-" + seq, "message " + seq, Instant.ofEpochMilli(1_700_000_000_000L + seq)));
            batch.addStatement(activity.bind(seq, seq, conversationId));
            session.execute(batch.build());
        }
    }

    private Response messages(String query, Session as) {
        return api.get("/api/conversations/" + conversationId + "/messages" + query, as.token());
    }

    private static List<Long> seqs(Response response) {
        List<Long> seqs = new ArrayList<>();
        response.json().get("messages").forEach(m -> seqs.add(m.get("seq").asLong()));
        return seqs;
    }

    @Test
    void latestPageIsNewestFirstAndCarriesTheMessageFields() {
        Response page = messages("?limit=3", member);

        assertThat(page.status()).isEqualTo(200);
        assertThat(seqs(page)).containsExactly(4105L, 4104L, 4103L);
        JsonNode newest = page.json().get("messages").get(0);
        assertThat(newest.get("messageId").asString()).isEqualTo(Long.toString(1_000_000 + 4105));
        assertThat(newest.get("conversationId").asString()).isEqualTo(Long.toString(conversationId));
        assertThat(newest.get("senderId").asString()).isEqualTo(Long.toString(sender.userId()));
        assertThat(newest.get("clientMessageId").asString()).isEqualTo("client-4105");
        assertThat(newest.get("text").asString()).isEqualTo("message 4105");
        assertThat(newest.get("sentAt").asLong()).isEqualTo(1_700_000_000_000L + 4105);
        assertThat(page.json().get("nextBefore").asLong()).isEqualTo(4103);
        assertThat(page.json().get("nextAfter").isNull()).isTrue();
    }

    @Test
    void pagingBackwardsCrossesTheBucketBoundaryWithoutGapsOrRepeats() {
        List<Long> seen = new ArrayList<>();
        Response page = messages("?limit=4", member);
        seen.addAll(seqs(page));
        int pages = 1;
        while (!page.json().get("nextBefore").isNull() && pages < 10) {
            long cursor = page.json().get("nextBefore").asLong();
            page = messages("?limit=4&before=" + cursor, member);
            seen.addAll(seqs(page));
            pages++;
        }

        List<Long> expected = new ArrayList<>();
        for (long seq = LAST; seq >= FIRST; seq--) {
            expected.add(seq);
        }
        assertThat(seen).containsExactlyElementsOf(expected);
    }

    @Test
    void beforeAPageStraddlingTheBoundaryReadsBothBuckets() {
        Response page = messages("?before=4099&limit=5", member);

        assertThat(seqs(page)).containsExactly(4098L, 4097L, 4096L, 4095L, 4094L);
        assertThat(page.json().get("nextBefore").asLong()).isEqualTo(4094);
    }

    @Test
    void afterPagesAreOldestFirstAndCatchUpAcrossTheBoundary() {
        Response first = messages("?after=4093&limit=5", member);

        assertThat(seqs(first)).containsExactly(4094L, 4095L, 4096L, 4097L, 4098L);
        assertThat(first.json().get("nextAfter").asLong()).isEqualTo(4098);
        assertThat(first.json().get("nextBefore").isNull()).isTrue();

        Response rest = messages("?after=4098&limit=50", member);
        assertThat(seqs(rest)).containsExactly(4099L, 4100L, 4101L, 4102L, 4103L, 4104L, 4105L);
        assertThat(rest.json().get("nextAfter").isNull()).as("caught up").isTrue();
    }

    @Test
    void afterPagesStopAtASeqThatIsClaimedButNotYetStored() {
        // the conversation's newest seq is 4106 but its row is not visible yet; 4107 is already written
        session.execute("UPDATE conversation_activity USING TIMESTAMP ? SET last_seq = ? WHERE conversation_id = ?",
                4106L, 4106L, conversationId);
        storeMessages(4107, 4107);

        Response page = messages("?after=4103", member);

        assertThat(seqs(page)).containsExactly(4104L, 4105L);
        assertThat(page.json().get("nextAfter").asLong()).isEqualTo(4105);
    }

    @Test
    void nonMembersGet404AsIfTheConversationDidNotExist() {
        Session outsider = api.newUser("oscar");

        Response forOutsider = messages("", outsider);
        Response forNobody = api.get("/api/conversations/" + TestIds.id() + "/messages", outsider.token());

        assertThat(forOutsider.status()).isEqualTo(404);
        assertThat(forNobody.status()).isEqualTo(404);
        assertThat(forOutsider.body()).doesNotContain("message 41");
        // same answer in both cases, apart from the id itself
        assertThat(forOutsider.json().get("title").asString()).isEqualTo(forNobody.json().get("title").asString());
    }

    @Test
    void badPagingParametersAre400sNamingTheParameter() {
        assertThat(field(messages("?limit=0", member))).isEqualTo("limit");
        assertThat(field(messages("?limit=201", member))).isEqualTo("limit");
        assertThat(field(messages("?before=0", member))).isEqualTo("before");
        assertThat(field(messages("?after=-1", member))).isEqualTo("after");
        assertThat(field(messages("?after=abc", member))).isEqualTo("after");
        assertThat(field(messages("?after=1&before=5", member))).isEqualTo("after");
    }

    private static String field(Response response) {
        assertThat(response.status()).isEqualTo(400);
        return response.json().get("errors").get(0).get("field").asString();
    }

    @Test
    void historyNeedsAToken() {
        assertThat(api.get("/api/conversations/" + conversationId + "/messages", null).status()).isEqualTo(401);
    }
}
