package io.parley.api.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.api.support.ApiClient.Response;
import io.parley.api.support.ApiIntegrationTest;
import io.parley.api.support.TestIds;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The login and sign-up limits over real HTTP, with windows short enough to wait out (3 s: enough
 * for a slow, shared machine to send each burst within one window). The test connects from
 * 127.0.0.1, a trusted proxy by default, so the X-Forwarded-For it sends plays the part of the
 * gateway naming different clients; requests without it have no client address and only the
 * per-username limit applies to them.
 */
@TestPropertySource(properties = {
        "parley.rate-limits.login-per-username.limit=3",
        "parley.rate-limits.login-per-username.period=3s",
        "parley.rate-limits.login-per-address.limit=6",
        "parley.rate-limits.login-per-address.period=3s",
        "parley.rate-limits.sign-up-per-address.limit=2",
        "parley.rate-limits.sign-up-per-address.period=3s"})
class RateLimitIT extends ApiIntegrationTest {

    private Response login(String username, String password, String clientAddress) {
        return api.send("POST", "/api/auth/login", Map.of("username", username, "password", password), null,
                clientAddress == null ? Map.of() : Map.of("X-Forwarded-For", clientAddress));
    }

    private Response signUp(String username, String clientAddress) {
        return api.send("POST", "/api/users",
                Map.of("username", username, "password", "right-password", "displayName", "Rate " + username), null,
                clientAddress == null ? Map.of() : Map.of("X-Forwarded-For", clientAddress));
    }

    private static void assertTooManyRequests(Response response, String instance, String detailStart) {
        assertThat(response.status()).as(response.body()).isEqualTo(429);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        long retryAfter = Long.parseLong(response.header("Retry-After"));
        assertThat(retryAfter).isBetween(1L, 3L);
        JsonNode problem = response.json();
        assertThat(problem.get("type").asString()).isEqualTo("urn:parley:problem:too-many-requests");
        assertThat(problem.get("status").asInt()).isEqualTo(429);
        assertThat(problem.get("title").asString()).isEqualTo("Too Many Requests");
        assertThat(problem.get("instance").asString()).isEqualTo(instance);
        assertThat(problem.get("detail").asString()).startsWith(detailStart);
    }

    @Test
    void wrongLoginsAreLimitedPerUsernameThenPerAddressAndAGoodLoginWorksOnceTheWindowPasses() throws Exception {
        String victim = TestIds.username("rl_victim");
        String other = TestIds.username("rl_other");
        assertThat(signUp(victim, null).status()).isEqualTo(201);
        assertThat(signUp(other, null).status()).isEqualTo(201);
        String attacker = "198.51.100.10";

        for (int i = 1; i <= 3; i++) {
            assertThat(login(victim, "wrong-password", attacker).status()).as("wrong login %d", i).isEqualTo(401);
        }
        Response fourth = login(victim, "wrong-password", attacker);
        assertTooManyRequests(fourth, "/api/auth/login", "Too many login attempts for this username");
        // per username, whatever the address: the right password from elsewhere is refused too
        Response elsewhere = login(victim, "right-password", "203.0.113.20");
        assertTooManyRequests(elsewhere, "/api/auth/login", "Too many login attempts for this username");

        // Another username from the attacker's address still gets the rest of the address's 6
        // attempts: 4 are spent (the refused 4th passed the address check and was then stopped by
        // the username limit), so 2 more, then the address limit answers.
        assertThat(login(other, "wrong-password", attacker).status()).isEqualTo(401);
        assertThat(login(other, "right-password", attacker).status()).isEqualTo(200);
        Response overAddress = login(other, "right-password", attacker);
        assertTooManyRequests(overAddress, "/api/auth/login", "Too many login attempts from your address");
        // the same user from another address is fine (2 of its 3 attempts used)
        assertThat(login(other, "right-password", "203.0.113.21").status()).isEqualTo(200);

        // The spoofable left-most X-Forwarded-For entry is not the client: the gateway's right-most one is.
        Response spoofed = login(other, "right-password", "192.0.2.99, " + attacker);
        assertThat(spoofed.status()).isEqualTo(429);

        Thread.sleep(Long.parseLong(elsewhere.header("Retry-After")) * 1000);

        Response good = login(victim, "right-password", attacker);
        assertThat(good.status()).as(good.body()).isEqualTo(200);
        assertThat(good.json().get("accessToken").asString()).isNotBlank();
    }

    @Test
    void signUpIsLimitedPerAddress() throws Exception {
        String address = "203.0.113.30";
        assertThat(signUp(TestIds.username("rl_su1"), address).status()).isEqualTo(201);
        assertThat(signUp(TestIds.username("rl_su2"), address).status()).isEqualTo(201);

        String third = TestIds.username("rl_su3");
        Response refused = signUp(third, address);
        assertTooManyRequests(refused, "/api/users", "Too many sign-ups from your address");
        // nothing was created: the name is still free, from another address
        assertThat(signUp(third, "203.0.113.31").status()).isEqualTo(201);
        // an IPv6 client is counted by its /64: a neighbour address in it shares the count
        assertThat(signUp(TestIds.username("rl_v6a"), "2001:db8:7:7::1").status()).isEqualTo(201);
        assertThat(signUp(TestIds.username("rl_v6b"), "2001:db8:7:7::2").status()).isEqualTo(201);
        assertThat(signUp(TestIds.username("rl_v6c"), "2001:db8:7:7::3").status()).isEqualTo(429);

        Thread.sleep(Long.parseLong(refused.header("Retry-After")) * 1000);

        assertThat(signUp(TestIds.username("rl_su4"), address).status()).isEqualTo(201);
    }

    @Test
    void aRequestWithoutAClientAddressIsLimitedOnlyPerUsername() {
        // From the trusted loopback without X-Forwarded-For (how the local run's gateway forwards
        // today): no address to count, so more sign-ups than the address limit all pass.
        for (int i = 0; i < 4; i++) {
            assertThat(signUp(TestIds.username("rl_local"), null).status()).isEqualTo(201);
        }
        String name = TestIds.username("rl_nouser");
        for (int i = 0; i < 3; i++) {
            assertThat(login(name, "whatever-password", null).status()).isEqualTo(401);
        }
        assertThat(login(name, "whatever-password", null).status()).isEqualTo(429);
    }
}
