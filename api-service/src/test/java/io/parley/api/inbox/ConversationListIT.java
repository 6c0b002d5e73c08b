package io.parley.api.inbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import io.parley.api.support.ApiClient.Response;
import io.parley.api.support.ApiClient.Session;
import io.parley.api.support.ApiIntegrationTest;
import io.parley.api.support.StoredChat;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * GET /api/conversations on real Cassandra. No chat node runs here: messages, activity rows and
 * receipt marks are laid out as chat-service writes them ({@link StoredChat}, USING TIMESTAMP seq).
 */
class ConversationListIT extends ApiIntegrationTest {

    @Autowired
    CqlSession cassandra;

    private StoredChat chat;
    private Session ann;
    private Session bob;
    /** Times well in the past, so "now" (a new group's joined time) is always newer. */
    private final Instant t0 = Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.MILLIS);

    @BeforeEach
    void users() {
        chat = new StoredChat(cassandra);
        ann = api.newUser("ann");
        bob = api.newUser("bob");
    }

    private Response list(Session as, String query) {
        return api.get("/api/conversations" + query, as.token());
    }

    private static List<String> ids(Response page) {
        List<String> ids = new ArrayList<>();
        page.json().get("conversations").forEach(c -> ids.add(c.get("conversationId").asString()));
        return ids;
    }

    private static JsonNode row(Response page, long conversationId) {
        for (JsonNode c : page.json().get("conversations")) {
            if (c.get("conversationId").asString().equals(Long.toString(conversationId))) {
                return c;
            }
        }
        throw new AssertionError("conversation " + conversationId + " not listed in " + page.body());
    }

    private long group(Session owner, String name, Session... members) {
        List<String> ids = new ArrayList<>();
        for (Session member : members) {
            ids.add(Long.toString(member.userId()));
        }
        Response created = api.post("/api/groups", Map.of("name", name, "memberIds", ids), owner.token());
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        long id = Long.parseLong(created.json().get("conversationId").asString());
        List<Long> targets = new ArrayList<>();
        for (Session member : members) {
            targets.add(member.userId());
        }
        // seq 1 as the sequencer would store it (nothing sequences here)
        chat.system(id, 1, owner.userId(), "group_created", targets, name, t0);
        return id;
    }

    @Test
    void conversationsAreNewestActivityFirstAndTheCursorWalksThemAllWithoutRepeatsOrGaps() {
        Session cy = api.newUser("cy");
        Session dee = api.newUser("dee");
        long withBob = chat.direct(ann.userId(), bob.userId(), t0);
        chat.text(withBob, 1, bob.userId(), "hi", t0.plusSeconds(600));
        long withCy = chat.direct(ann.userId(), cy.userId(), t0);
        chat.text(withCy, 1, cy.userId(), "yo", t0.plusSeconds(300));
        long hikers = group(bob, "Hikers", ann);
        chat.text(hikers, 2, bob.userId(), "walk?", t0.plusSeconds(300)); // same time as withCy
        long oldGroup = group(cy, "Old", ann);                              // only seq 1, at t0
        long quiet = chat.direct(ann.userId(), dee.userId(), t0.plusSeconds(900)); // no message yet

        List<String> expected = new ArrayList<>();
        expected.add(Long.toString(quiet));   // no activity: sorts by when ann joined (t0 + 900 s)
        expected.add(Long.toString(withBob)); // t0 + 600 s
        // t0 + 300 s twice: the higher conversation id first
        expected.add(Long.toString(Math.max(withCy, hikers)));
        expected.add(Long.toString(Math.min(withCy, hikers)));
        expected.add(Long.toString(oldGroup)); // t0

        Response all = list(ann, "");
        assertThat(all.status()).as(all.body()).isEqualTo(200);
        assertThat(ids(all)).containsExactlyElementsOf(expected);
        assertThat(all.json().get("nextCursor").isNull()).isTrue();
        assertThat(row(all, withBob).get("lastActivityAt").asLong()).isEqualTo(t0.plusSeconds(600).toEpochMilli());
        assertThat(row(all, quiet).get("lastActivityAt").asLong()).isEqualTo(t0.plusSeconds(900).toEpochMilli());

        List<String> walked = new ArrayList<>();
        List<Integer> pageSizes = new ArrayList<>();
        String cursor = null;
        do {
            Response page = list(ann, "?limit=2" + (cursor == null ? "" : "&cursor=" + cursor));
            assertThat(page.status()).as(page.body()).isEqualTo(200);
            walked.addAll(ids(page));
            pageSizes.add(page.json().get("conversations").size());
            cursor = page.json().get("nextCursor").isNull() ? null : page.json().get("nextCursor").asString();
        } while (cursor != null && pageSizes.size() < 10);
        assertThat(walked).containsExactlyElementsOf(expected);
        assertThat(pageSizes).containsExactly(2, 2, 1);

        // A page that ends exactly at the last conversation says there is nothing more.
        Response firstFour = list(ann, "?limit=4");
        Response last = list(ann, "?limit=4&cursor=" + firstFour.json().get("nextCursor").asString());
        assertThat(ids(last)).containsExactly(Long.toString(oldGroup));
        assertThat(last.json().get("nextCursor").isNull()).isTrue();
        assertThat(list(ann, "?limit=5").json().get("nextCursor").isNull()).isTrue();
    }

    @Test
    void rowsNameTheOtherUserOrTheGroupAndPreviewTheLastMessage() {
        long withBob = chat.direct(ann.userId(), bob.userId(), t0);
        String longText = "\uD83D\uDE00".repeat(60) + "x".repeat(60); // 60 emoji (two chars each) + 60: 120 code points
        chat.text(withBob, 1, ann.userId(), "first", t0.plusSeconds(1));
        chat.text(withBob, 2, bob.userId(), longText, t0.plusSeconds(2));
        long group = group(bob, "Climbers", ann);
        chat.system(group, 2, bob.userId(), "group_renamed", List.of(), "Climbers & co", t0.plusSeconds(3));
        chat.text(withBob, 3, bob.userId(), "short", t0.minusSeconds(1)); // sentAt is display only; seq 3 is still last

        Response page = list(ann, "");

        JsonNode direct = row(page, withBob);
        assertThat(direct.get("kind").asString()).isEqualTo("direct");
        assertThat(direct.get("name").isNull()).isTrue();
        assertThat(direct.get("peer").get("userId").asString()).isEqualTo(Long.toString(bob.userId()));
        assertThat(direct.get("peer").get("displayName").asString()).isEqualTo("User " + bob.username());
        assertThat(direct.get("lastSeq").asLong()).isEqualTo(3);
        assertThat(direct.get("lastMessage").get("text").asString()).isEqualTo("short");
        assertThat(direct.get("lastMessage").get("textTruncated").asBoolean()).isFalse();

        JsonNode groupRow = row(page, group);
        assertThat(groupRow.get("kind").asString()).isEqualTo("group");
        assertThat(groupRow.get("name").asString()).isEqualTo("Climbers"); // the conversations row, not the message
        assertThat(groupRow.get("peer").isNull()).isTrue();
        assertThat(groupRow.get("removed").asBoolean()).isFalse();
        JsonNode system = groupRow.get("lastMessage");
        assertThat(system.get("kind").asString()).isEqualTo("system");
        assertThat(system.get("seq").asLong()).isEqualTo(2);
        assertThat(system.get("senderId").asString()).isEqualTo(Long.toString(bob.userId()));
        assertThat(system.get("text").isNull()).isTrue();
        assertThat(system.get("system").get("event").asString()).isEqualTo("group_renamed");
        assertThat(system.get("system").get("name").asString()).isEqualTo("Climbers & co");
        assertThat(system.get("sentAt").asLong()).isEqualTo(t0.plusSeconds(3).toEpochMilli());

        // The long text, once it is the last message: cut at 100 code points, never inside an emoji.
        chat.text(withBob, 4, bob.userId(), longText, t0.plusSeconds(4));
        JsonNode preview = row(list(ann, ""), withBob).get("lastMessage");
        String text = preview.get("text").asString();
        assertThat(text.codePointCount(0, text.length())).isEqualTo(100);
        assertThat(text).isEqualTo("\uD83D\uDE00".repeat(60) + "x".repeat(40));
        assertThat(preview.get("textTruncated").asBoolean()).isTrue();
        assertThat(preview.get("messageId").asString()).isEqualTo(Long.toString(StoredChat.messageId(withBob, 4)));
        assertThat(preview.get("kind").asString()).isEqualTo("text");
        assertThat(preview.has("system")).isFalse();
    }

    @Test
    void unreadCountsFollowReadMarksOwnMessagesAndWhenTheMemberJoined() {
        long withBob = chat.direct(ann.userId(), bob.userId(), t0);
        for (long seq = 1; seq <= 5; seq++) {
            chat.text(withBob, seq, bob.userId(), "m" + seq, t0.plusSeconds(seq));
        }
        JsonNode fresh = row(list(ann, ""), withBob);
        assertThat(fresh.get("readSeq").asLong()).isZero();
        assertThat(fresh.get("unreadCount").asLong()).isEqualTo(5);
        assertThat(row(list(bob, ""), withBob).get("unreadCount").asLong()).as("own messages are read").isZero();

        chat.read(withBob, ann.userId(), 2);
        chat.read(withBob, ann.userId(), 1); // a late, older receipt: the higher mark stays
        JsonNode afterReading = row(list(ann, ""), withBob);
        assertThat(afterReading.get("readSeq").asLong()).isEqualTo(2);
        assertThat(afterReading.get("unreadCount").asLong()).isEqualTo(3);

        chat.text(withBob, 6, ann.userId(), "mine", t0.plusSeconds(6)); // answering reads everything before it
        assertThat(row(list(ann, ""), withBob).get("unreadCount").asLong()).isZero();
        chat.text(withBob, 7, bob.userId(), "and?", t0.plusSeconds(7));
        JsonNode afterAnswer = row(list(ann, ""), withBob);
        assertThat(afterAnswer.get("readSeq").asLong()).isEqualTo(6);
        assertThat(afterAnswer.get("unreadCount").asLong()).isEqualTo(1);
        assertThat(row(list(bob, ""), withBob).get("unreadCount").asLong()).isZero();

        // Ann is added to a group at seq 4 of 10: the three messages before she joined never count.
        Session cy = api.newUser("cy");
        long group = group(cy, "Later", bob);
        for (long seq = 2; seq <= 10; seq++) {
            if (seq == 4) {
                chat.system(group, 4, cy.userId(), "member_added", List.of(ann.userId()), null, t0.plusSeconds(14));
                chat.addMember(group, ann.userId(), 4);
            } else {
                chat.text(group, seq, bob.userId(), "g" + seq, t0.plusSeconds(10 + seq));
            }
        }
        JsonNode joined = row(list(ann, ""), group);
        assertThat(joined.get("readSeq").asLong()).isZero();
        assertThat(joined.get("unreadCount").asLong()).isEqualTo(7);
        chat.read(group, ann.userId(), 8);
        assertThat(row(list(ann, ""), group).get("unreadCount").asLong()).isEqualTo(2);
        assertThat(row(list(bob, ""), group).get("unreadCount").asLong()).as("bob sent seq 10").isZero();
    }

    @Test
    void aRemovedMemberSeesTheGroupAsItWasAtTheirRemoval() {
        long group = group(ann, "Club", bob);
        chat.text(group, 2, ann.userId(), "welcome", t0.plusSeconds(10));
        chat.system(group, 3, ann.userId(), "member_removed", List.of(bob.userId()), null, t0.plusSeconds(20));
        chat.removeMember(group, bob.userId(), 3);
        chat.text(group, 4, ann.userId(), "he is gone", t0.plusSeconds(3000));
        chat.text(group, 5, ann.userId(), "secret plans", t0.plusSeconds(3001));
        // Bob's other conversation is older than the group's latest message but newer than his removal.
        long withCy = chat.direct(bob.userId(), api.newUser("cy").userId(), t0);
        chat.text(withCy, 1, bob.userId(), "hello", t0.plusSeconds(100));
        chat.read(group, bob.userId(), 1);

        Response bobs = list(bob, "");

        assertThat(ids(bobs)).as("the group sorts by its removal message, not by later activity")
                .containsExactly(Long.toString(withCy), Long.toString(group));
        JsonNode clipped = row(bobs, group);
        assertThat(clipped.get("removed").asBoolean()).isTrue();
        assertThat(clipped.get("name").isNull()).as("the name may have changed since").isTrue();
        assertThat(clipped.get("lastSeq").asLong()).isEqualTo(3);
        assertThat(clipped.get("lastActivityAt").asLong()).isEqualTo(t0.plusSeconds(20).toEpochMilli());
        assertThat(clipped.get("unreadCount").asLong()).isEqualTo(2);
        assertThat(clipped.get("lastMessage").get("seq").asLong()).isEqualTo(3);
        assertThat(clipped.get("lastMessage").get("system").get("event").asString()).isEqualTo("member_removed");
        assertThat(bobs.body()).doesNotContain("secret plans").doesNotContain("he is gone");

        JsonNode owners = row(list(ann, ""), group);
        assertThat(owners.get("removed").asBoolean()).isFalse();
        assertThat(owners.get("lastSeq").asLong()).isEqualTo(5);
        assertThat(owners.get("name").asString()).isEqualTo("Club");
        assertThat(owners.get("lastMessage").get("text").asString()).isEqualTo("secret plans");
    }

    @Test
    void eachUserSeesOnlyTheirOwnConversations() {
        long withBob = chat.direct(ann.userId(), bob.userId(), t0);
        chat.text(withBob, 1, bob.userId(), "hi", t0);
        Session stranger = api.newUser("eve");

        Response strangers = list(stranger, "");

        assertThat(strangers.status()).isEqualTo(200);
        assertThat(strangers.json().get("conversations")).isEmpty();
        assertThat(strangers.json().get("nextCursor").isNull()).isTrue();
        assertThat(ids(list(bob, ""))).containsExactly(Long.toString(withBob));
        assertThat(api.get("/api/conversations", null).status()).isEqualTo(401);
    }

    @Test
    void badLimitsAndCursorsAre400sNamingTheParameterAndChangeNothing() {
        long withBob = chat.direct(ann.userId(), bob.userId(), t0);
        chat.text(withBob, 1, bob.userId(), "hi", t0);
        String before = list(ann, "").body();

        assertThat(field(list(ann, "?limit=0"))).isEqualTo("limit");
        assertThat(field(list(ann, "?limit=1000"))).isEqualTo("limit");
        assertThat(field(list(ann, "?limit=101"))).isEqualTo("limit");
        assertThat(field(list(ann, "?limit=ten"))).isEqualTo("limit");
        assertThat(field(list(ann, "?cursor=garbage!"))).isEqualTo("cursor");
        assertThat(field(list(ann, "?cursor=bm90LWEtY3Vyc29y"))).isEqualTo("cursor"); // base64 of "not-a-cursor"
        assertThat(field(list(ann, "?cursor=YzE6MTp4"))).isEqualTo("cursor");         // "c1:1:x"
        assertThat(field(list(ann, "?cursor="))).isEqualTo("cursor");
        assertThat(list(ann, "?limit=100").status()).isEqualTo(200);

        assertThat(list(ann, "").body()).isEqualTo(before);
        assertThat(row(list(ann, ""), withBob).get("unreadCount").asLong()).isEqualTo(1);
    }

    private static String field(Response response) {
        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        return response.json().get("errors").get(0).get("field").asString();
    }
}
