package io.parley.testsupport;

import com.datastax.oss.driver.api.core.CqlSession;
import io.parley.schema.SchemaMigrator;
import io.parley.testsupport.server.CassandraServerLauncher;
import io.parley.testsupport.server.KafkaServerLauncher;
import io.parley.testsupport.server.Ports;
import io.parley.testsupport.server.RepoRoot;
import io.parley.testsupport.server.ServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The servers as child JVMs from Maven Central artifacts, data in one temporary directory that is
 * deleted at JVM exit. The children also watch this JVM's PID and stop if it dies without running
 * its shutdown hook.
 */
final class ProcessInfrastructure implements RealInfrastructure.Infrastructure {

    private static final Logger log = LoggerFactory.getLogger(ProcessInfrastructure.class);
    // Generous: a cold Cassandra on a loaded 2-core machine has taken 20 s and more.
    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration CASSANDRA_TIMEOUT = Duration.ofSeconds(240);
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);

    private final Path repoRoot = RepoRoot.find();
    private final Path workDir;
    private final List<ServerProcess> started = new CopyOnWriteArrayList<>();
    private KafkaEndpoint kafka;
    private CassandraEndpoint cassandra;

    ProcessInfrastructure() {
        try {
            workDir = Files.createTempDirectory("parley-it-");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a temporary directory for test servers", e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(this::stopAll, "parley-test-infrastructure-stop"));
    }

    @Override
    public synchronized KafkaEndpoint kafka() {
        if (kafka == null) {
            int[] ports = Ports.free(2);
            long startNanos = System.nanoTime();
            ServerProcess process = KafkaServerLauncher.start(repoRoot, workDir.resolve("kafka"), ports[0], ports[1],
                    workDir.resolve("logs/kafka.log"));
            started.add(process);
            String bootstrap = "127.0.0.1:" + ports[0];
            KafkaServerLauncher.awaitReady(process, bootstrap, KAFKA_TIMEOUT);
            log.info("Test Kafka ready on {} in {} ms (pid {}, log {})", bootstrap,
                    (System.nanoTime() - startNanos) / 1_000_000, process.pid(), process.logFile());
            kafka = new KafkaEndpoint(bootstrap);
        }
        return kafka;
    }

    @Override
    public synchronized CassandraEndpoint cassandra() {
        if (cassandra == null) {
            int[] ports = Ports.free(2);
            long startNanos = System.nanoTime();
            ServerProcess process = CassandraServerLauncher.start(repoRoot, workDir.resolve("cassandra"), ports[0],
                    ports[1], workDir.resolve("logs/cassandra.log"));
            started.add(process);
            CassandraServerLauncher.awaitReady(process, ports[0], CASSANDRA_TIMEOUT);
            try (CqlSession session = CassandraServerLauncher.connect(ports[0])) {
                new SchemaMigrator(session, RealInfrastructure.KEYSPACE, 1).migrate();
            } catch (RuntimeException e) {
                throw process.failure("Applying the schema failed: " + e);
            }
            log.info("Test Cassandra ready on 127.0.0.1:{} with schema in {} ms (pid {}, log {})", ports[0],
                    (System.nanoTime() - startNanos) / 1_000_000, process.pid(), process.logFile());
            cassandra = new CassandraEndpoint("127.0.0.1:" + ports[0], CassandraServerLauncher.LOCAL_DATACENTER,
                    RealInfrastructure.KEYSPACE);
        }
        return cassandra;
    }

    private void stopAll() {
        // In parallel: Cassandra alone takes several seconds to drain.
        CompletableFuture.allOf(started.stream()
                .map(process -> CompletableFuture.runAsync(() -> process.stop(STOP_GRACE)))
                .toArray(CompletableFuture[]::new)).join();
        deleteRecursively(workDir);
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp dir left behind is not worth failing a test run for
        }
    }
}
