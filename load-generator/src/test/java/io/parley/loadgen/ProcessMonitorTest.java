package io.parley.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A fake /proc with a local run (launcher 100), an unrelated test system (launcher 200) and this JVM (300). */
class ProcessMonitorTest {

    @TempDir
    Path proc;

    @Test
    void findsTheChildrenOfTheGatewaysLauncherOnly() throws IOException {
        process(100, 1, "java", "-cp", "a.jar:b.jar", "io.parley.localrun.Main", "--data-dir=/x/.parley");
        process(101, 100, "java", "-Xmx256m", "-jar", "/r/gateway/target/parley-gateway-0.1.0-SNAPSHOT.jar",
                "--server.port=8080");
        process(102, 100, "java", "-jar", "/r/chat-service/target/parley-chat-service-0.1.0-SNAPSHOT.jar",
                "--server.port=8181", "--parley.chat.node-id=chat-1");
        process(103, 100, "java", "-jar", "/r/api-service/target/parley-api-service-0.1.0-SNAPSHOT.jar", "--server.port=8091");
        process(104, 100, "java", "-cp", "/r/infra/kafka-server/target/parley-kafka-server-0.1.0-SNAPSHOT.jar",
                "io.parley.kafkaserver.KafkaServerMain", "--port=19092");
        process(105, 100, "java", "-cp", "/m/cassandra-all-5.0.9.jar", "io.parley.cassandraserver.CassandraServerMain");
        process(106, 100, "sh", "-c", "something else");
        process(200, 1, "java", "surefire");
        process(201, 200, "java", "-jar", "/r/gateway/target/parley-gateway-0.1.0-SNAPSHOT.jar", "--server.port=41234");
        process(202, 200, "java", "-jar", "/r/chat-service/target/parley-chat-service-0.1.0-SNAPSHOT.jar",
                "--parley.chat.node-id=chat-1");
        process(300, 1, "java", "-jar", "parley-load-generator-0.1.0-SNAPSHOT-exec.jar");

        ProcessMonitor.Result r = new ProcessMonitor(proc, 100).find(8080, 300);

        assertThat(r.systemFound()).isTrue();
        assertThat(r.processes()).extracting(ProcessMonitor.Proc::name).containsExactly(
                "api-service", "cassandra", "chat-1", "gateway", "kafka", "launcher", "load-generator");
        assertThat(r.processes()).extracting(ProcessMonitor.Proc::pid).containsExactly(103L, 105L, 102L, 101L, 104L, 100L, 300L);
    }

    @Test
    void noGatewayOnThatPortMeansOnlyThisJvmAndANote() throws IOException {
        process(201, 200, "java", "-jar", "/r/gateway/target/parley-gateway-0.1.0-SNAPSHOT.jar", "--server.port=41234");
        ProcessMonitor.Result r = new ProcessMonitor(proc, 100).find(8080, 300);
        assertThat(r.systemFound()).isFalse();
        assertThat(r.note()).contains("not measured");
        assertThat(r.processes()).extracting(ProcessMonitor.Proc::name).containsExactly("load-generator");
    }

    @Test
    void cpuFromUtimePlusStimeAndRssFromStatus() throws IOException {
        process(7, 1, "java");
        stat(7, 1, 150, 50);
        ProcessMonitor m = new ProcessMonitor(proc, 100);
        ProcessMonitor.Sample before = m.sample(7).orElseThrow();
        stat(7, 1, 250, 100);
        ProcessMonitor.Sample after = m.sample(7).orElseThrow();
        assertThat(before.cpuTicks()).isEqualTo(200);
        assertThat(after.rssKb()).isEqualTo(123456);
        // 150 ticks of 1/100 s in 2 s = 0.75 core
        assertThat(m.cpuPercent(before, after, 2.0)).isEqualTo(75.0);
        assertThat(m.sample(8)).isEmpty();
    }

    @Test
    void localGateways() {
        assertThat(ProcessMonitor.isLocal("http://127.0.0.1:8080")).isTrue();
        assertThat(ProcessMonitor.isLocal("http://localhost:8080")).isTrue();
        assertThat(ProcessMonitor.isLocal("https://chat.example.org")).isFalse();
    }

    private void process(long pid, long ppid, String... args) throws IOException {
        Path dir = Files.createDirectories(proc.resolve(Long.toString(pid)));
        Files.write(dir.resolve("cmdline"), (String.join("\u0000", args) + "\u0000").getBytes(StandardCharsets.UTF_8));
        stat(pid, ppid, 1, 1);
        Files.write(dir.resolve("status"), List.of("Name:\tjava", "VmPeak:\t  999999 kB", "VmRSS:\t  123456 kB"));
    }

    private void stat(long pid, long ppid, long utime, long stime) throws IOException {
        // comm with a space and a parenthesis, as a thread name can have
        String line = pid + " (java (main) x) S " + ppid + " 1 1 0 -1 4194560 100 0 0 0 " + utime + " " + stime
                + " 0 0 20 0 30 0 12345 999 100 18446744073709551615\n";
        Files.writeString(proc.resolve(Long.toString(pid)).resolve("stat"), line);
    }
}
