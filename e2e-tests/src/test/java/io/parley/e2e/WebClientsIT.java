package io.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.testsupport.server.RepoRoot;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The TypeScript clients against the whole system: one {@link ClientsHarness} (a LocalSystem on
 * free ports, plus the control endpoint that drains chat nodes), then the SDK's integration
 * tests ({@code clients/js/test/integration}, node's test runner) and the web app's browser tests
 * ({@code clients/web/test}, headless Debian chromium through playwright-core), each as npm runs
 * them. The clients module of the same build has already run {@code npm ci} and built both.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebClientsIT {

    private static final long NPM_TIMEOUT_MINUTES = 6;

    private final Path clients = RepoRoot.find().resolve("clients");
    private ClientsHarness harness;

    @BeforeAll
    void startSystem() throws IOException {
        assertThat(clients.resolve("node_modules")).as("clients/node_modules: the clients module runs npm ci first").isDirectory();
        harness = ClientsHarness.start();
    }

    @AfterAll
    void stopSystem() {
        if (harness != null) {
            harness.close();
        }
    }

    @Test
    @Order(1)
    void sdkIntegrationTestsPass() throws Exception {
        assertThat(npm("test:integration", Map.of())).as("npm run test:integration (clients/js) exit code").isZero();
    }

    @Test
    @Order(2)
    void browserTestsPass() throws Exception {
        String chromium = System.getenv().getOrDefault("CHROMIUM_PATH", "/usr/bin/chromium");
        assertThat(Path.of(chromium)).as("Debian's chromium for the browser tests (apt-get install -y chromium; .ci/run does)")
                .isRegularFile();
        Path screenshots = clients.resolve("web/test-results/screenshots");
        assertThat(npm("test:browser", Map.of("CHROMIUM_PATH", chromium, "PARLEY_SCREENSHOTS", screenshots.toString())))
                .as("npm run test:browser (clients/web) exit code").isZero();
        try (var shots = Files.list(screenshots)) {
            assertThat(shots.map(p -> p.getFileName().toString()).toList()).contains("chat-1to1.png", "group-phone.png");
        }
    }

    private int npm(String script, Map<String, String> env) throws Exception {
        // Not inheritIO: a forked test JVM's own stdout is Surefire's channel. Lines go through System.out.
        ProcessBuilder builder = new ProcessBuilder(List.of("npm", "run", script)).directory(clients.toFile())
                .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().put("PARLEY_CONTROL_URL", harness.controlUrl());
        builder.environment().putAll(env);
        Process process = builder.start();
        Thread pump = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    System.out.println("[npm " + script + "] " + line);
                }
            } catch (IOException e) {
                System.out.println("[npm " + script + "] output lost: " + e);
            }
        }, "npm-" + script);
        pump.setDaemon(true);
        pump.start();
        if (!process.waitFor(NPM_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new AssertionError("npm run " + script + " did not finish within " + NPM_TIMEOUT_MINUTES + " minutes");
        }
        pump.join(10_000);
        return process.exitValue();
    }
}
