package io.parley.api.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.SignedJWT;
import io.parley.api.support.ApiClient.Response;
import io.parley.api.support.ApiIntegrationTest;
import io.parley.api.support.TestIds;
import io.parley.common.events.Topics;
import io.parley.testsupport.RealInfrastructure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * api-service's half of revocation, over real HTTP on real Kafka and Cassandra: access tokens name
 * their login ({@code sid}), and logout and password change announce what they revoked on
 * {@code parley.auth.revocations} before they answer. The chat nodes' half (closing the sessions)
 * is chat-service's TokenRevocationIT, on the same record.
 */
class RevocationIT extends ApiIntegrationTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private KafkaConsumer<String, String> consumer;
    private final List<JsonNode> seen = new ArrayList<>();

    @BeforeEach
    void subscribe() {
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, RealInfrastructure.kafka().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "revocations-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer());
        consumer.subscribe(List.of(Topics.TOKEN_REVOCATIONS));
    }

    @AfterEach
    void unsubscribe() {
        consumer.close();
    }

    /** The revocations of the user so far, waiting until there are {@code count}. */
    private List<JsonNode> revocationsOf(long userId, int count) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        List<JsonNode> mine;
        do {
            consumer.poll(Duration.ofMillis(200)).forEach(record -> {
                if (Long.toString(userId).equals(record.key())) {
                    seen.add(JSON.readTree(record.value()));
                }
            });
            mine = List.copyOf(seen);
        } while (mine.size() < count && System.nanoTime() < deadline);
        return mine;
    }

    private record Account(String username, String password, long userId) {
    }

    private Account signUp(String prefix) {
        String username = TestIds.username(prefix);
        String password = "password-" + username;
        Response signUp = api.post("/api/users",
                Map.of("username", username, "password", password, "displayName", "User " + username), null);
        assertThat(signUp.status()).as(signUp.body()).isEqualTo(201);
        return new Account(username, password, Long.parseLong(signUp.json().get("id").asString()));
    }

    private JsonNode login(Account account, String password) {
        Response login = api.post("/api/auth/login", Map.of("username", account.username(), "password", password), null);
        assertThat(login.status()).as(login.body()).isEqualTo(200);
        return login.json();
    }

    private static String sid(JsonNode tokens) throws Exception {
        return SignedJWT.parse(tokens.get("accessToken").asString()).getJWTClaimsSet().getStringClaim("sid");
    }

    private static List<String> logins(JsonNode revocation) {
        List<String> logins = new ArrayList<>();
        revocation.get("logins").forEach(login -> logins.add(login.asString()));
        return logins;
    }

    @Test
    void logoutAnnouncesItsLoginAndAPasswordChangeEveryLoginButTheOneItStarts() throws Exception {
        Account erin = signUp("rv_erin");
        JsonNode phone = login(erin, erin.password());
        JsonNode laptop = login(erin, erin.password());
        String phoneLogin = sid(phone);
        String laptopLogin = sid(laptop);
        assertThat(phoneLogin).isNotBlank().isNotEqualTo(laptopLogin);
        // a refresh keeps the login: its access token carries the same sid
        Response refreshed = api.post("/api/auth/refresh", Map.of("refreshToken", laptop.get("refreshToken").asString()), null);
        assertThat(refreshed.status()).as(refreshed.body()).isEqualTo(200);
        assertThat(sid(refreshed.json())).isEqualTo(laptopLogin);

        long beforeLogout = System.currentTimeMillis();
        Response logout = api.post("/api/auth/logout", Map.of("refreshToken", phone.get("refreshToken").asString()), null);
        assertThat(logout.status()).as(logout.body()).isEqualTo(204);

        // announced before the answer: the record is on the broker now
        JsonNode loggedOut = revocationsOf(erin.userId(), 1).get(0);
        assertThat(loggedOut.get("userId").asLong()).isEqualTo(erin.userId());
        assertThat(logins(loggedOut)).containsExactly(phoneLogin);
        assertThat(loggedOut.get("everyLogin").asBoolean()).isFalse();
        assertThat(loggedOut.get("revokedAt").asLong()).isGreaterThanOrEqualTo(beforeLogout);

        String newPassword = "a-brand-new-password";
        Response changed = api.post("/api/auth/password",
                Map.of("currentPassword", erin.password(), "newPassword", newPassword),
                refreshed.json().get("accessToken").asString());
        assertThat(changed.status()).as(changed.body()).isEqualTo(200);

        JsonNode passwordChange = revocationsOf(erin.userId(), 2).get(1);
        assertThat(passwordChange.get("everyLogin").asBoolean()).isTrue();
        assertThat(logins(passwordChange)).contains(phoneLogin, laptopLogin).doesNotContain(sid(changed.json()));
    }

    @Test
    void aRepeatedPasswordChangeSucceedsAndAnnouncesAgain() throws Exception {
        // What a client does after a 503 (the change was made but not announced): the same request again.
        Account frank = signUp("rv_frank");
        JsonNode tokens = login(frank, frank.password());
        Map<String, String> change = Map.of("currentPassword", frank.password(), "newPassword", "another-new-password");

        Response first = api.post("/api/auth/password", change, tokens.get("accessToken").asString());
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        Response again = api.post("/api/auth/password", change, first.json().get("accessToken").asString());
        assertThat(again.status()).as(again.body()).isEqualTo(200);

        List<JsonNode> revocations = revocationsOf(frank.userId(), 2);
        assertThat(revocations).hasSize(2);
        assertThat(logins(revocations.get(1))).contains(sid(first.json()));
        // the current password is still checked: a wrong one that is not the new one either is refused
        Response wrong = api.post("/api/auth/password",
                Map.of("currentPassword", "not-the-password", "newPassword", "yet-another-password"),
                again.json().get("accessToken").asString());
        assertThat(wrong.status()).isEqualTo(403);
    }
}
