package io.parley.api.receipt;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import io.parley.api.support.ApiClient.Response;
import io.parley.api.support.ApiClient.Session;
import io.parley.api.support.ApiIntegrationTest;
import io.parley.api.support.StoredChat;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/** A deployment with {@code parley.receipts.enabled=false}: nobody's marks are shared, your own still are. */
@TestPropertySource(properties = "parley.receipts.enabled=false")
class ReceiptsSwitchedOffIT extends ApiIntegrationTest {

    @Autowired
    CqlSession cassandra;

    @Test
    void onlyTheCallersOwnMarksAreAnsweredAndNoCounts() {
        StoredChat chat = new StoredChat(cassandra);
        Session kim = api.newUser("kim");
        Session lee = api.newUser("lee");
        long conversation = chat.direct(kim.userId(), lee.userId(), Instant.now());
        chat.text(conversation, 1, kim.userId(), "hi", Instant.now());
        chat.text(conversation, 2, kim.userId(), "there?", Instant.now());
        chat.read(conversation, lee.userId(), 1);

        Response forKim = api.get("/api/conversations/" + conversation + "/receipts?seq=2", kim.token());

        assertThat(forKim.status()).as(forKim.body()).isEqualTo(200);
        JsonNode body = forKim.json();
        assertThat(body.get("receiptsEnabled").asBoolean()).isFalse();
        assertThat(body.get("members")).hasSize(1);
        assertThat(body.get("members").get(0).get("userId").asString()).isEqualTo(Long.toString(kim.userId()));
        assertThat(body.get("members").get(0).get("readSeq").asLong()).isEqualTo(2);
        assertThat(body.get("message").isNull()).isTrue();
        assertThat(forKim.body()).doesNotContain(Long.toString(lee.userId()));

        JsonNode forLee = api.get("/api/conversations/" + conversation + "/receipts", lee.token()).json();
        assertThat(forLee.get("members").get(0).get("userId").asString()).isEqualTo(Long.toString(lee.userId()));
        assertThat(forLee.get("members").get(0).get("deliveredSeq").asLong()).isEqualTo(1);
        assertThat(forLee.get("members").get(0).get("readSeq").asLong()).isEqualTo(1);
        // input is still checked: an unknown message is 404 as when receipts are on
        assertThat(api.get("/api/conversations/" + conversation + "/receipts?seq=3", kim.token()).status()).isEqualTo(404);
    }
}
