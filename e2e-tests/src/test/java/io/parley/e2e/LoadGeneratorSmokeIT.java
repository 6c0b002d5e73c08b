package io.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.loadgen.LoadOptions;
import io.parley.loadgen.LoadRun;
import io.parley.localrun.LocalSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The load generator end to end: a short pairs run against the whole local system, the way
 * {@code ./parley load pairs} runs against {@code ./parley run}. Proves that the generator can set
 * itself up through the public interfaces, that its accounting finds nothing wrong on a healthy
 * system at a low rate, and that it finds the system's processes by their command lines. A smoke
 * test, not a benchmark: no latency or rate is asserted.
 */
class LoadGeneratorSmokeIT {

    @TempDir
    Path dir;

    @Test
    @SuppressWarnings("unchecked")
    void tenPairsAtTwentyMessagesASecondLoseDoubleAndReorderNothing() throws Exception {
        Path output = dir.resolve("pairs.json");
        try (LocalSystem system = LocalSystem.start(LocalSystem.Options.forTests())) {
            LoadOptions options = LoadOptions.parse(List.of("pairs", "--gateway", system.gatewayUrl(), "--pairs", "10",
                    "--rate", "20", "--warmup", "1s", "--duration", "5s", "--grace", "30s", "--progress", "2s",
                    "--fresh", "--output", output.toString()));

            Map<String, Object> result = new LoadRun(options, System.out).run();

            Map<String, Object> counts = (Map<String, Object>) result.get("counts");
            assertThat(counts.get("sent")).isEqualTo(120L);
            assertThat(counts.get("acked")).as("every send acked").isEqualTo(120L);
            assertThat((Map<String, Long>) counts.get("errors")).isEmpty();
            assertThat(counts.get("expectedDeliveries")).isEqualTo(240L);
            assertThat(counts.get("delivered")).isEqualTo(240L);
            assertThat(counts.get("lost")).isEqualTo(0L);
            assertThat(counts.get("duplicated")).isEqualTo(0L);
            assertThat(counts.get("outOfOrderConversation")).isEqualTo(0L);
            assertThat(counts.get("seqMismatch")).isEqualTo(0L);
            assertThat(result.get("pairsAcrossNodes")).as("discovery spread the users over both nodes")
                    .isNotEqualTo(0);

            Map<String, Object> latency = (Map<String, Object>) result.get("latencyMs");
            assertThat((Map<String, Object>) latency.get("deliver")).containsEntry("count", 200L);

            Map<String, Object> processes = (Map<String, Object>) result.get("processes");
            List<Map<String, Object>> list = (List<Map<String, Object>>) processes.get("list");
            assertThat(list).extracting(p -> p.get("name")).contains("chat-1", "chat-2", "gateway", "api-service",
                    "kafka", "cassandra", "load-generator");
            assertThat(list).allSatisfy(p -> assertThat((Double) p.get("rssMbEnd")).isPositive());

            assertThat(Files.readString(output)).contains("\"lost\" : 0");
        }
    }
}
