package io.parley.localrun;

import com.datastax.oss.driver.api.core.CqlSession;
import io.parley.schema.SchemaMigrator;
import io.parley.testsupport.server.CassandraServerLauncher;
import io.parley.testsupport.server.Compilation;
import io.parley.testsupport.server.Jdks;
import io.parley.testsupport.server.KafkaServerLauncher;
import io.parley.testsupport.server.Ports;
import io.parley.testsupport.server.RepoRoot;
import io.parley.testsupport.server.ServerProcess;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The whole Parley system on one machine, as child processes: Kafka and Cassandra (real servers
 * from Maven Central), the schema, discovery-service, api-service, gateway, two chat-service
 * nodes and push-service (their Spring Boot jars). {@code ./parley run} and the end-to-end tests both use it.
 *
 * <p>{@link #start} returns when the system is <em>usable</em>, not merely started: every
 * service's {@code /actuator/health} is UP, the gateway routes to api-service
 * ({@code GET <gateway>/api/auth/jwks} answers 200, so Eureka has propagated), and
 * discovery-service lists every chat node as available ({@code GET <discovery>/internal/chat-nodes}),
 * so a client can sign up, ask for a chat server and open a WebSocket right away.
 *
 * <p>{@link #close} stops everything it started by PID: services first (chat nodes drain), then
 * Kafka and Cassandra. Every child also stops by itself if this JVM dies without closing it.
 */
public final class LocalSystem implements AutoCloseable {

    public static final String KEYSPACE = "parley";
    private static final String VERSION = "0.1.0-SNAPSHOT";

    private static final Duration INFRA_TIMEOUT = Duration.ofMinutes(4);
    private static final Duration SERVICE_TIMEOUT = Duration.ofMinutes(4);
    private static final Duration SERVICE_STOP_GRACE = Duration.ofSeconds(30); // chat nodes drain first
    private static final Duration SERVER_STOP_GRACE = Duration.ofSeconds(30);

    /**
     * How to run it.
     *
     * @param dataDir      Kafka's and Cassandra's data and every process's log ({@code logs/<name>.log})
     * @param keepData     keep {@code dataDir} after {@link #close} (a developer's run) or delete it (tests)
     * @param withServices false starts only Kafka, Cassandra and the schema
     * @param progress     where progress lines go
     * @param fcmEmulatorHost {@code host:port} of a fake FCM server push-service sends to (tests); null:
     *                     push-service's own configuration (the log-only sink without credentials)
     */
    public record Options(Path dataDir, LocalPorts ports, boolean keepData, boolean withServices, PrintStream progress,
                          String fcmEmulatorHost) {

        /** {@code ./parley run}: the documented ports, data in {@code <repo>/.parley}, kept. */
        public static Options defaults() {
            return new Options(RepoRoot.find().resolve(".parley"), LocalPorts.standard(), true, true, System.out, null);
        }

        /** Tests: free ports, a fresh temporary data dir deleted on close. */
        public static Options forTests() {
            try {
                return new Options(Files.createTempDirectory("parley-e2e-"), LocalPorts.free(), false, true, System.out, null);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /**
         * Tests that restart the whole system on the same data: free ports, and {@code dataDir}
         * is kept on close (the caller owns it, and deletes it when done).
         */
        public static Options forTests(Path dataDir) {
            return new Options(dataDir, LocalPorts.free(), true, true, System.out, null);
        }

        public Options withDataDir(Path dir) {
            return new Options(dir, ports, keepData, withServices, progress, fcmEmulatorHost);
        }

        public Options withPorts(LocalPorts newPorts) {
            return new Options(dataDir, newPorts, keepData, withServices, progress, fcmEmulatorHost);
        }

        public Options withKeepData(boolean keep) {
            return new Options(dataDir, ports, keep, withServices, progress, fcmEmulatorHost);
        }

        public Options withServices(boolean services) {
            return new Options(dataDir, ports, keepData, services, progress, fcmEmulatorHost);
        }

        public Options withProgress(PrintStream out) {
            return new Options(dataDir, ports, keepData, withServices, out, fcmEmulatorHost);
        }

        /** push-service sends through firebase-admin to this fake FCM server instead of the log-only sink. */
        public Options withFcmEmulator(String hostPort) {
            return new Options(dataDir, ports, keepData, withServices, progress, hostPort);
        }
    }

    private final Options options;
    private final Path repoRoot;
    private final Path dataDir;
    private final LocalPorts ports;
    private final long startNanos = System.nanoTime();
    private final List<ServerProcess> infra = new ArrayList<>();
    private final List<ServerProcess> services = new ArrayList<>();
    private final ServerProcess[] chatNodes;
    private RegistryPassword registryPassword;
    private SigningKeySecret signingKeySecret;
    private volatile Duration startupTime;
    private boolean closed;

    private LocalSystem(Options options) {
        this.options = options;
        this.repoRoot = RepoRoot.find();
        this.dataDir = options.dataDir().toAbsolutePath();
        this.ports = options.ports();
        this.chatNodes = new ServerProcess[ports.chatNodes().size()];
    }

    /** Starts everything and waits until it is usable; on failure stops what it started and throws. */
    public static LocalSystem start(Options options) {
        LocalSystem system = new LocalSystem(options);
        try {
            system.startAll();
            return system;
        } catch (RuntimeException | Error e) {
            system.close();
            throw e;
        }
    }

    private void startAll() {
        if (options.withServices()) {
            for (ServiceKind kind : ServiceKind.values()) {
                jarOf(kind); // fail before starting anything when a jar is missing
            }
        }
        ports.byOwner().forEach((owner, port) -> {
            if (!Ports.isFree(port)) {
                throw new IllegalStateException("Port " + port + " (" + owner + ") is in use. Stop whatever holds it "
                        + "(an earlier ./parley run? check with: ss -ltnp 'sport = :" + port + "') and try again.");
            }
        });
        try {
            Files.createDirectories(dataDir.resolve("logs"));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + dataDir, e);
        }
        progress("starting in " + dataDir + " (logs in " + dataDir.resolve("logs") + ")");
        registryPassword = RegistryPassword.inDataDir(dataDir);
        signingKeySecret = SigningKeySecret.inDataDir(dataDir);

        ServerProcess kafka = track(infra, KafkaServerLauncher.start(repoRoot, dataDir.resolve("kafka"),
                ports.kafka(), ports.kafkaController(), log("kafka")));
        ServerProcess cassandra = track(infra, CassandraServerLauncher.start(repoRoot, dataDir.resolve("cassandra"),
                ports.cassandra(), ports.cassandraStorage(), log("cassandra")));
        // These two need neither Kafka nor Cassandra: let them start while the servers do.
        if (options.withServices()) {
            startService(ServiceKind.DISCOVERY, -1);
            startService(ServiceKind.GATEWAY, -1);
        }

        CompletableFuture<Void> kafkaReady = CompletableFuture.runAsync(() -> {
            KafkaServerLauncher.awaitReady(kafka, kafkaBootstrapServers(), INFRA_TIMEOUT);
            progress("kafka ready on " + kafkaBootstrapServers());
        });
        CompletableFuture<Void> cassandraReady = CompletableFuture.runAsync(() -> {
            CassandraServerLauncher.awaitReady(cassandra, ports.cassandra(), INFRA_TIMEOUT);
            progress("cassandra ready on " + cassandraContactPoint());
            try (CqlSession session = CassandraServerLauncher.connect(ports.cassandra())) {
                int applied = new SchemaMigrator(session, KEYSPACE, 1).migrate().size();
                progress("schema ready in keyspace " + KEYSPACE + " (" + applied + " migration(s) applied now)");
            }
        });
        join(kafkaReady, cassandraReady);

        if (options.withServices()) {
            startService(ServiceKind.API, -1);
            startService(ServiceKind.PUSH, -1);
            for (int i = 0; i < chatNodes.length; i++) {
                startService(ServiceKind.CHAT, i);
            }
            List<CompletableFuture<Void>> healthy = new ArrayList<>();
            for (ServerProcess service : snapshot(services)) {
                String url = "http://127.0.0.1:" + portOf(service);
                healthy.add(CompletableFuture.runAsync(() -> {
                    awaitUntil(service, service.name() + " health UP at " + url + "/actuator/health",
                            () -> Http.isUp(url));
                    progress(service.name() + " up at " + url);
                }));
            }
            join(healthy.toArray(CompletableFuture[]::new));

            awaitUntil(serviceNamed("gateway"), "the gateway to route to api-service (GET " + gatewayUrl() + "/api/auth/jwks)",
                    () -> Http.isOk(gatewayUrl() + "/api/auth/jwks"));
            progress("gateway routes to api-service");
            // push-service answers 401 to an anonymous call; the gateway's fallback (no instance yet) is a 503.
            awaitUntil(serviceNamed("push-service"), "the gateway to route to push-service (GET " + gatewayUrl()
                    + "/api/push/devices answers 401)", () -> Http.get(gatewayUrl() + "/api/push/devices")
                    .filter(r -> r.status() == 401).isPresent());
            progress("gateway routes to push-service");
            for (int i = 0; i < chatNodes.length; i++) {
                awaitChatNodeAvailable(i);
            }
            progress("discovery-service hands out " + chatNodes.length + " chat nodes");
        }
        startupTime = elapsed();
    }

    // --- handles -----------------------------------------------------------------------------

    public String gatewayUrl() {
        return "http://127.0.0.1:" + ports.gateway();
    }

    public String discoveryUrl() {
        return "http://127.0.0.1:" + ports.discovery();
    }

    public String apiServiceUrl() {
        return "http://127.0.0.1:" + ports.api();
    }

    public String pushServiceUrl() {
        return "http://127.0.0.1:" + ports.push();
    }

    /** HTTP base URLs of the chat nodes, node 0 first. */
    public List<String> chatNodeUrls() {
        return ports.chatNodes().stream().map(p -> "http://127.0.0.1:" + p).toList();
    }

    /** The WebSocket URLs clients open on the chat nodes (what discovery hands out). */
    public List<String> chatNodeWsUrls() {
        return ports.chatNodes().stream().map(p -> "ws://127.0.0.1:" + p + "/ws/v1").toList();
    }

    /** Node ids of the chat nodes: {@code chat-1}, {@code chat-2}. */
    public List<String> chatNodeIds() {
        return IntStream.range(0, chatNodes.length).mapToObj(LocalSystem::chatNodeId).toList();
    }

    public String kafkaBootstrapServers() {
        return "127.0.0.1:" + ports.kafka();
    }

    public String cassandraContactPoint() {
        return "127.0.0.1:" + ports.cassandra();
    }

    public String cassandraLocalDatacenter() {
        return CassandraServerLauncher.LOCAL_DATACENTER;
    }

    public String keyspace() {
        return KEYSPACE;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** The registry (service-plane) user every service registers with: {@code parley}. */
    public String registryUser() {
        return RegistryPassword.USER;
    }

    /** The registry password of this system (generated on the first start, kept in the data dir). */
    public String registryPassword() {
        return registryPassword.value();
    }

    /** The {@code Authorization} header value for discovery's {@code /eureka/**}, and every {@code /internal/**}. */
    public String registryAuthorization() {
        return registryPassword.basicAuthorization();
    }

    public LocalPorts ports() {
        return ports;
    }

    /** Time from {@link #start} until usable. */
    public Duration startupTime() {
        return startupTime;
    }

    // --- restarts (for tests) -----------------------------------------------------------------

    /** Stops chat node {@code index} gracefully (SIGTERM: it drains its sessions) and waits until it is gone. */
    public void stopChatNode(int index) {
        ServerProcess node = chatNode(index);
        node.stop(SERVICE_STOP_GRACE);
        progress(node.name() + " stopped");
    }

    /** Kills chat node {@code index} with SIGKILL, as a crash would: no drain, no deregistration. */
    public void killChatNode(int index) {
        ServerProcess node = chatNode(index);
        node.kill();
        progress(node.name() + " killed");
    }

    /** Starts chat node {@code index} again (same port and node id) and waits until discovery hands it out. */
    public void startChatNode(int index) {
        ServerProcess old = chatNode(index);
        if (old.isAlive()) {
            throw new IllegalStateException(old.name() + " is still running (pid " + old.pid() + ")");
        }
        synchronized (this) {
            services.remove(old);
        }
        ServerProcess node = startService(ServiceKind.CHAT, index);
        String url = chatNodeUrls().get(index);
        awaitUntil(node, node.name() + " health UP", () -> Http.isUp(url));
        awaitChatNodeAvailable(index);
        progress(node.name() + " up again at " + url);
    }

    private ServerProcess chatNode(int index) {
        if (index < 0 || index >= chatNodes.length) {
            throw new IllegalArgumentException("No chat node " + index + " (there are " + chatNodes.length + ")");
        }
        return chatNodes[index];
    }

    // --- stopping -----------------------------------------------------------------------------

    /** Stops every process this system started, services first; deletes the data unless kept. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        stopAll(snapshot(services), SERVICE_STOP_GRACE);
        stopAll(snapshot(infra), SERVER_STOP_GRACE);
        if (!options.keepData()) {
            deleteRecursively(dataDir);
        }
    }

    private static void stopAll(List<ServerProcess> processes, Duration grace) {
        CompletableFuture.allOf(processes.stream()
                .map(p -> CompletableFuture.runAsync(() -> p.stop(grace)))
                .toArray(CompletableFuture[]::new)).join();
    }

    /** The "Parley is up" block: every URL a developer needs. */
    public String summary() {
        StringBuilder out = new StringBuilder();
        out.append("\n========================================================================\n");
        out.append(options.withServices() ? " Parley is up" : " Parley's infrastructure is up (no services)");
        out.append(startupTime == null ? "" : String.format(" (started in %.1f s)", startupTime.toMillis() / 1000.0));
        out.append("\n------------------------------------------------------------------------\n");
        if (options.withServices()) {
            out.append(" web app                 ").append(gatewayUrl()).append("/  (open it in a browser)\n");
            out.append(" gateway (public entry)  ").append(gatewayUrl()).append('\n');
            out.append(" API docs (Swagger UI)   ").append(gatewayUrl()).append("/api/docs  (OpenAPI: ")
                    .append(apiServiceUrl()).append("/api/openapi)\n");
            out.append(" api-service             ").append(apiServiceUrl()).append('\n');
            out.append(" push-service            ").append(pushServiceUrl())
                    .append("  (FCM or log-only sink: its /actuator/health with the registry credentials)\n");
            out.append(" discovery (Eureka)      ").append(discoveryUrl()).append("  (chat nodes: ")
                    .append(discoveryUrl()).append("/internal/chat-nodes)\n");
            out.append(" registry credentials    user ").append(RegistryPassword.USER).append(", password in ")
                    .append(registryPassword.file()).append("\n");
            for (int i = 0; i < chatNodes.length; i++) {
                out.append(String.format(" chat node %-13s %s  (WebSocket %s)%n", chatNodeId(i),
                        chatNodeUrls().get(i), chatNodeWsUrls().get(i)));
            }
        }
        out.append(" kafka                   ").append(kafkaBootstrapServers()).append('\n');
        out.append(" cassandra               ").append(cassandraContactPoint()).append("  (datacenter1, keyspace ")
                .append(KEYSPACE).append(")\n");
        out.append(" data and logs           ").append(dataDir).append(options.keepData() ? "" : "  (deleted on stop)")
                .append('\n');
        out.append("========================================================================\n");
        return out.toString();
    }

    // --- services -----------------------------------------------------------------------------

    private enum ServiceKind {
        DISCOVERY("discovery-service", 256),
        GATEWAY("gateway", 256),
        API("api-service", 320),
        CHAT("chat-service", 384),
        PUSH("push-service", 320);

        final String module;
        final int heapMb;

        ServiceKind(String module, int heapMb) {
            this.module = module;
            this.heapMb = heapMb;
        }
    }

    private static String chatNodeId(int index) {
        return "chat-" + (index + 1);
    }

    private Path jarOf(ServiceKind kind) {
        Path jar = repoRoot.resolve(kind.module).resolve("target/parley-" + kind.module + "-" + VERSION + ".jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run ./mvnw install -DskipTests first "
                    + "(./parley run does), or start only the infrastructure (./parley run --infra-only).");
        }
        return jar;
    }

    private ServerProcess startService(ServiceKind kind, int chatIndex) {
        String name = kind == ServiceKind.CHAT ? chatNodeId(chatIndex) : kind.module;
        int port = switch (kind) {
            case DISCOVERY -> ports.discovery();
            case GATEWAY -> ports.gateway();
            case API -> ports.api();
            case CHAT -> ports.chatNodes().get(chatIndex);
            case PUSH -> ports.push();
        };
        List<String> command = new ArrayList<>(List.of(
                Jdks.current().toString(),
                "-Xms64m", "-Xmx" + kind.heapMb + "m",
                // A serial collector: small heaps, and several JVMs share 2 cores.
                "-XX:+UseSerialGC",
                "-Djava.awt.headless=true"));
        command.addAll(Compilation.flags());
        parentWatchAgent().ifPresent(agent ->
                command.add("-javaagent:" + agent + "=" + ProcessHandle.current().pid()));
        command.addAll(List.of(
                "-jar", jarOf(kind).toString(),
                "--server.port=" + port,
                "--spring.profiles.active=local",
                "--spring.output.ansi.enabled=never",
                "--spring.kafka.bootstrap-servers=" + kafkaBootstrapServers(),
                "--spring.cassandra.contact-points=" + cassandraContactPoint(),
                "--spring.cassandra.local-datacenter=" + CassandraServerLauncher.LOCAL_DATACENTER,
                "--spring.cassandra.keyspace-name=" + KEYSPACE,
                "--eureka.client.service-url.defaultZone=" + discoveryUrl() + "/eureka/",
                // Everything runs on this host: services reach each other over loopback, not the
                // host's own address. That also makes the gateway a trusted proxy for api-service's
                // per-address rate limits (a host address outside the private ranges, such as
                // 192.0.2.x, put every client under the gateway's one address).
                "--eureka.instance.ip-address=127.0.0.1",
                "--spring.security.oauth2.resourceserver.jwt.jwk-set-uri=" + apiServiceUrl() + "/api/auth/jwks"));
        if (kind == ServiceKind.GATEWAY) {
            // discovery-service does not register with itself; the gateway finds it by this static entry.
            command.add("--spring.cloud.discovery.client.simple.instances.discovery-service[0].uri=" + discoveryUrl());
        }
        if (kind == ServiceKind.PUSH && options.fcmEmulatorHost() != null) {
            command.add("--parley.push.fcm.emulator-host=" + options.fcmEmulatorHost());
        }
        if (kind == ServiceKind.CHAT) {
            command.add("--parley.chat.node-id=" + name);
            command.add("--parley.chat.public-ws-url=ws://127.0.0.1:" + port + "/ws/v1");
        }
        // The secret travels in the environment, never on the command line (ps shows that to everyone).
        Map<String, String> environment = new java.util.HashMap<>(
                Map.of("PARLEY_REGISTRY_USER", RegistryPassword.USER, "PARLEY_REGISTRY_PASSWORD", registryPassword.value()));
        if (kind == ServiceKind.API) {
            // only api-service holds the signing keys
            environment.put(SigningKeySecret.VARIABLE, signingKeySecret.value());
        }
        ServerProcess process = ServerProcess.start(name, command, Map.copyOf(environment), dataDir, log(name));
        synchronized (this) {
            services.add(process);
        }
        if (kind == ServiceKind.CHAT) {
            chatNodes[chatIndex] = process;
        }
        return process;
    }

    private ServerProcess serviceNamed(String name) {
        return snapshot(services).stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    private int portOf(ServerProcess service) {
        return switch (service.name()) {
            case "discovery-service" -> ports.discovery();
            case "gateway" -> ports.gateway();
            case "api-service" -> ports.api();
            case "push-service" -> ports.push();
            default -> ports.chatNodes().get(Integer.parseInt(service.name().substring("chat-".length())) - 1);
        };
    }

    private void awaitChatNodeAvailable(int index) {
        String nodeId = chatNodeId(index);
        awaitUntil(chatNodes[index], "discovery-service to list " + nodeId + " as available ("
                + discoveryUrl() + "/internal/chat-nodes)", () -> discoveryListsAvailable(nodeId));
    }

    private static final Pattern NODE_OBJECT = Pattern.compile("\\{[^{}]*\\}");

    /** Reads discovery's node list without a JSON library: the object naming the node says available. */
    private boolean discoveryListsAvailable(String nodeId) {
        return Http.get(discoveryUrl() + "/internal/chat-nodes", registryAuthorization())
                .filter(r -> r.status() == 200)
                .map(r -> {
                    Matcher objects = NODE_OBJECT.matcher(r.body());
                    while (objects.find()) {
                        String node = objects.group().replace(" ", "");
                        if (node.contains("\"nodeId\":\"" + nodeId + "\"") && node.contains("\"available\":true")) {
                            return true;
                        }
                    }
                    return false;
                })
                .orElse(false);
    }

    private static java.util.Optional<Path> parentWatchAgent() {
        try {
            Path location = Path.of(ParentWatchAgent.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isRegularFile(location) && location.toString().endsWith(".jar")) {
                return java.util.Optional.of(location);
            }
            // Running from target/classes (an IDE, or a reactor build before packaging): use the built jar if any.
            Path jar = RepoRoot.find().resolve("infra/local-run/target/parley-local-run-" + VERSION + ".jar");
            return Files.isRegularFile(jar) ? java.util.Optional.of(jar) : java.util.Optional.empty();
        } catch (Exception e) {
            return java.util.Optional.empty();
        }
    }

    // --- helpers ------------------------------------------------------------------------------

    private void awaitUntil(ServerProcess process, String what, BooleanSupplier ready) {
        Instant deadline = Instant.now().plus(SERVICE_TIMEOUT);
        while (!ready.getAsBoolean()) {
            if (!process.isAlive()) {
                throw process.failure(process.name() + " exited while waiting for " + what);
            }
            if (Instant.now().isAfter(deadline)) {
                throw process.failure("Timed out after " + SERVICE_TIMEOUT.toSeconds() + " s waiting for " + what);
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for " + what, e);
            }
        }
    }

    private synchronized ServerProcess track(List<ServerProcess> list, ServerProcess process) {
        list.add(process);
        return process;
    }

    private synchronized List<ServerProcess> snapshot(List<ServerProcess> list) {
        return List.copyOf(list);
    }

    private Path log(String name) {
        return dataDir.resolve("logs").resolve(name + ".log");
    }

    private Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    private void progress(String message) {
        options.progress().printf("[%5.1fs] %s%n", elapsed().toMillis() / 1000.0, message);
        options.progress().flush();
    }

    private static void join(CompletableFuture<?>... futures) {
        try {
            CompletableFuture.allOf(futures).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // leftover files in a temp dir are not worth failing a stop for
        }
    }
}
