package io.parley.api.user;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.api.support.ApiClient.Response;
import io.parley.api.support.ApiClient.Session;
import io.parley.api.support.ApiIntegrationTest;
import io.parley.api.support.TestIds;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class UserIT extends ApiIntegrationTest {

    @Test
    void signUpCreatesTheUserAndAnswersWithItsLocation() {
        String username = TestIds.username("Dora");

        Response response = api.post("/api/users",
                Map.of("username", username, "password", "password1", "displayName", "  Dora the Explorer "), null);

        assertThat(response.status()).isEqualTo(201);
        JsonNode user = response.json();
        String id = user.get("id").asString();
        assertThat(id).matches("[0-9]+");
        assertThat(user.get("username").asString()).isEqualTo(username.toLowerCase());
        assertThat(user.get("displayName").asString()).isEqualTo("Dora the Explorer");
        assertThat(user.propertyNames()).containsExactlyInAnyOrder("id", "username", "displayName");
        assertThat(response.header("Location")).endsWith("/api/users/" + id);
    }

    @Test
    void concurrentSignUpsForOneUsernameCreateExactlyOneAccount() throws Exception {
        String username = TestIds.username("race");
        int contenders = 6;
        ExecutorService pool = Executors.newFixedThreadPool(contenders);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Response>> results = new ArrayList<>();
            for (int i = 0; i < contenders; i++) {
                int n = i;
                results.add(pool.submit(() -> {
                    start.await();
                    // mixed case on purpose: the claim is on the lowercase name
                    String spelled = n % 2 == 0 ? username : username.toUpperCase();
                    return api.post("/api/users",
                            Map.of("username", spelled, "password", "password-" + n, "displayName", "Racer " + n), null);
                }));
            }
            start.countDown();
            List<Integer> statuses = new ArrayList<>();
            for (Future<Response> result : results) {
                statuses.add(result.get(60, TimeUnit.SECONDS).status());
            }

            assertThat(statuses).containsOnly(201, 409);
            assertThat(statuses).filteredOn(s -> s == 201).hasSize(1);
        } finally {
            pool.shutdownNow();
        }

        // and the winner's account is the one the name leads to
        Response found = api.get("/api/users?username=" + username, api.newUser("observer").token());
        assertThat(found.status()).isEqualTo(200);
        assertThat(found.json().get("displayName").asString()).startsWith("Racer ");
    }

    @Test
    void aTakenUsernameIsRefusedWhateverItsCase() {
        Session first = api.newUser("erin");

        Response second = api.post("/api/users",
                Map.of("username", first.username().toUpperCase(), "password", "password2", "displayName", "Erin 2"), null);

        assertThat(second.status()).isEqualTo(409);
        assertThat(second.header("Content-Type")).startsWith("application/problem+json");
        assertThat(second.json().get("detail").asString()).contains(first.username()).contains("already taken");
    }

    @Test
    void invalidSignUpNamesEveryBadField() {
        Response response = api.post("/api/users", Map.of("username", "a!", "password", "short", "displayName", "ok"), null);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        JsonNode problem = response.json();
        assertThat(problem.get("detail").asString()).contains("password").contains("username");
        List<String> fields = new ArrayList<>();
        problem.get("errors").forEach(error -> fields.add(error.get("field").asString()));
        assertThat(fields).contains("username", "password").doesNotContain("displayName");
        problem.get("errors").forEach(error -> assertThat(error.get("message").asString()).isNotBlank());
    }

    @Test
    void malformedJsonIsA400Problem() {
        Response response = api.sendJson("POST", "/api/users", "{\"username\": \"x\",", null);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("detail").asString()).contains("not valid JSON");
    }

    /**
     * Issue 9: a display name with an unpaired surrogate was a 500 (it reached Cassandra); names
     * with bidi overrides or zero-width characters passed. Each is a 400 naming the field, with the
     * problem type docs/api.md lists, and changes nothing.
     */
    @Test
    void hostileTextIsA400NamingTheFieldAndChangesNothing() {
        String username = "hostile_" + Long.toString(System.nanoTime(), 36);
        Response surrogate = api.sendJson("POST", "/api/users", "{\"username\":\"" + username
                + "\",\"password\":\"password1\",\"displayName\":\"bad \\udc00 name\"}", null);
        assertFieldRefused(surrogate, "displayName");
        assertThat(surrogate.json().get("errors").get(0).get("message").asString()).contains("Unicode");
        Response surrogatePassword = api.sendJson("POST", "/api/users", "{\"username\":\"" + username
                + "\",\"password\":\"password\\ud800\",\"displayName\":\"ok\"}", null);
        assertFieldRefused(surrogatePassword, "password");
        for (String disguised : new String[] {"Ali\u202Eecila", "\u200Badmin", "admin\u2066", "Bo\uFEFFb", "Bell\u0007"}) {
            Response refused = api.post("/api/users",
                    Map.of("username", username, "password", "password1", "displayName", disguised), null);
            assertFieldRefused(refused, "displayName");
        }
        assertThat(api.get("/api/users?username=" + username, api.newUser("witness").token()).status()).isEqualTo(404);

        Session hank = api.newUser("hank");
        String before = api.get("/api/users/me", hank.token()).json().get("displayName").asString();
        assertFieldRefused(api.sendJson("PATCH", "/api/users/me", "{\"displayName\":\"x\\udfff\"}", hank.token()), "displayName");
        assertFieldRefused(api.patch("/api/users/me", Map.of("displayName", "Hank\u202D"), hank.token()), "displayName");
        assertThat(api.get("/api/users/me", hank.token()).json().get("displayName").asString()).isEqualTo(before);

        Response login = api.sendJson("POST", "/api/auth/login", "{\"username\":\"\\udc00\",\"password\":\"password1\"}", null);
        assertFieldRefused(login, "username");
    }

    @Test
    void everyProblemCarriesTheTypeTheDocsList() {
        Session ivy = api.newUser("ivy");
        assertThat(api.get("/api/users/me", null).json().get("type").asString()).isEqualTo("urn:parley:problem:unauthenticated");
        assertThat(api.get("/api/users/me", "not-a-jwt").json().get("type").asString()).isEqualTo("urn:parley:problem:unauthenticated");
        assertThat(api.get("/api/users/1", ivy.token()).json().get("type").asString()).isEqualTo("urn:parley:problem:not-found");
        assertThat(api.get("/api/users/abc", ivy.token()).json().get("type").asString()).isEqualTo("urn:parley:problem:invalid-request");
        assertThat(api.sendJson("POST", "/api/users", "{", null).json().get("type").asString())
                .isEqualTo("urn:parley:problem:invalid-request");
        assertThat(api.post("/api/auth/login", Map.of("username", ivy.username(), "password", "wrong-password"), null)
                .json().get("type").asString()).isEqualTo("urn:parley:problem:unauthenticated");
        Response taken = api.post("/api/users", Map.of("username", ivy.username(), "password", "password1", "displayName", "I"), null);
        assertThat(taken.json().get("type").asString()).isEqualTo("urn:parley:problem:conflict");
        assertThat(api.delete("/api/users/me", ivy.token()).json().get("type").asString())
                .isEqualTo("urn:parley:problem:method-not-allowed");
    }

    private static void assertFieldRefused(Response response, String field) {
        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.header("content-type")).contains("application/problem+json");
        assertThat(response.json().get("type").asString()).isEqualTo("urn:parley:problem:invalid-request");
        assertThat(response.json().get("errors").get(0).get("field").asString()).isEqualTo(field);
    }

    @Test
    void profileCanBeReadAndItsDisplayNameChanged() {
        Session frank = api.newUser("frank");

        Response updated = api.patch("/api/users/me", Map.of("displayName", " Frank N. Stein "), frank.token());

        assertThat(updated.status()).isEqualTo(200);
        assertThat(updated.json().get("displayName").asString()).isEqualTo("Frank N. Stein");
        Response me = api.get("/api/users/me", frank.token());
        assertThat(me.json().get("displayName").asString()).isEqualTo("Frank N. Stein");
        assertThat(me.json().get("username").asString()).isEqualTo(frank.username());
        assertThat(me.body()).doesNotContainIgnoringCase("password");
    }

    @Test
    void blankDisplayNameIsRejectedAndChangesNothing() {
        Session gina = api.newUser("gina");
        String before = api.get("/api/users/me", gina.token()).json().get("displayName").asString();

        Response response = api.patch("/api/users/me", Map.of("displayName", "   "), gina.token());

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("errors").get(0).get("field").asString()).isEqualTo("displayName");
        assertThat(api.get("/api/users/me", gina.token()).json().get("displayName").asString()).isEqualTo(before);
    }

    @Test
    void usersCanBeFoundByIdAndByUsernameCaseInsensitively() {
        Session hank = api.newUser("hank");
        Session ivy = api.newUser("ivy");

        Response byId = api.get("/api/users/" + ivy.userId(), hank.token());
        Response byName = api.get("/api/users?username=" + ivy.username().toUpperCase(), hank.token());

        assertThat(byId.status()).isEqualTo(200);
        assertThat(byId.json().get("username").asString()).isEqualTo(ivy.username());
        assertThat(byName.status()).isEqualTo(200);
        assertThat(byName.json().get("id").asString()).isEqualTo(Long.toString(ivy.userId()));
        assertThat(byName.body()).doesNotContainIgnoringCase("password");
    }

    @Test
    void unknownUsersAre404AndMalformedIdsAre400() {
        Session jo = api.newUser("jo");

        assertThat(api.get("/api/users?username=" + TestIds.username("nobody"), jo.token()).status()).isEqualTo(404);
        assertThat(api.get("/api/users/" + TestIds.id(), jo.token()).status()).isEqualTo(404);
        Response malformed = api.get("/api/users/not-a-number", jo.token());
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.json().get("errors").get(0).get("field").asString()).isEqualTo("id");
        Response missingParam = api.get("/api/users", jo.token());
        assertThat(missingParam.status()).isEqualTo(400);
        assertThat(missingParam.json().get("errors").get(0).get("field").asString()).isEqualTo("username");
    }
}
