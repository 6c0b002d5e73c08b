package io.parley.localrun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start-up refusals that must happen before any process is started. */
class LocalSystemTest {

    @TempDir
    Path dataDir;

    @AfterEach
    void clearRepoRoot() {
        System.clearProperty("parley.repo-root");
    }

    @Test
    void refusesToStartWhenAServiceJarIsMissingAndSaysHowToBuildIt(@TempDir Path emptyCheckout) throws Exception {
        Files.createDirectories(emptyCheckout.resolve("infra/kafka-server"));
        Files.writeString(emptyCheckout.resolve("infra/kafka-server/pom.xml"), "<project/>");
        System.setProperty("parley.repo-root", emptyCheckout.toString());

        assertThatThrownBy(() -> LocalSystem.start(options()))
                .hasMessageContaining("discovery-service/target/parley-discovery-service-0.1.0-SNAPSHOT.jar is missing")
                .hasMessageContaining("./mvnw install -DskipTests");
    }

    @Test
    void refusesToStartWhenAPortIsBusyAndNamesIt() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            LocalPorts free = LocalPorts.free();
            LocalPorts ports = new LocalPorts(busy.getLocalPort(), free.kafkaController(), free.cassandra(),
                    free.cassandraStorage(), free.discovery(), free.gateway(), free.api(), free.chatNodes());

            assertThatThrownBy(() -> LocalSystem.start(options().withServices(false).withPorts(ports)))
                    .hasMessageContaining("Port " + busy.getLocalPort() + " (kafka) is in use");
        }
    }

    @Test
    void freePortsAreDistinctAndStandardPortsAreTheDocumentedOnes() {
        LocalPorts free = LocalPorts.free();
        assertThat(free.byOwner().values()).doesNotHaveDuplicates().hasSize(10);

        LocalPorts standard = LocalPorts.standard();
        assertThat(standard.byOwner()).containsEntry("gateway", 8080).containsEntry("kafka", 19092)
                .containsEntry("cassandra (CQL)", 19042).containsEntry("discovery-service", 8761)
                .containsEntry("api-service", 8091).containsEntry("chat-service node 2", 8182)
                .containsEntry("push-service", 8093);
    }

    private LocalSystem.Options options() {
        return new LocalSystem.Options(dataDir, LocalPorts.free(), false, true,
                new PrintStream(new ByteArrayOutputStream()), null);
    }
}
