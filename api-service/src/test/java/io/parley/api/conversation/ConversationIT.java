package io.parley.api.conversation;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import io.parley.api.support.ApiClient.Response;
import io.parley.api.support.ApiClient.Session;
import io.parley.api.support.ApiIntegrationTest;
import io.parley.api.support.TestIds;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class ConversationIT extends ApiIntegrationTest {

    @Autowired
    CqlSession session;

    @Test
    void bothParticipantsFindTheirDirectConversation() {
        Session kim = api.newUser("kim");
        Session lee = api.newUser("lee");
        long conversationId = TestIds.id();
        // as chat-service writes it: one row per pair, lower id first
        session.execute("INSERT INTO direct_conversations (user_low, user_high, conversation_id) VALUES (?, ?, ?)",
                Math.min(kim.userId(), lee.userId()), Math.max(kim.userId(), lee.userId()), conversationId);

        Response fromKim = api.get("/api/conversations/direct/" + lee.userId(), kim.token());
        Response fromLee = api.get("/api/conversations/direct/" + kim.userId(), lee.token());

        assertThat(fromKim.status()).isEqualTo(200);
        assertThat(fromKim.json().get("conversationId").asString()).isEqualTo(Long.toString(conversationId));
        assertThat(fromLee.json().get("conversationId").asString()).isEqualTo(Long.toString(conversationId));
    }

    @Test
    void noConversationYetIs404() {
        Session max = api.newUser("max");
        Session ned = api.newUser("ned");

        Response response = api.get("/api/conversations/direct/" + ned.userId(), max.token());

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
    }

    @Test
    void lookupNeedsAToken() {
        assertThat(api.get("/api/conversations/direct/1", null).status()).isEqualTo(401);
    }
}
