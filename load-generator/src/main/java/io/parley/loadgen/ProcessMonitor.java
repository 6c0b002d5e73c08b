package io.parley.loadgen;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * CPU and RSS of the processes of a local Parley run, read from {@code /proc}.
 *
 * <p>How the processes are found: {@code ./parley run} (and the end-to-end tests) start every
 * process of the system as a child of one launcher JVM ({@code io.parley.localrun.LocalSystem}),
 * each with a recognisable command line. The generator finds the gateway process by its command
 * line ({@code parley-gateway-*.jar} with {@code --server.port=<the gateway URL's port>}), takes its
 * parent (the launcher), and reports every child of that parent: so a test system on other ports
 * running on the same machine is never mixed in. Names come from the command line: the service
 * jar's module ({@code api-service}, ...), the chat node's {@code --parley.chat.node-id}, Kafka's
 * and Cassandra's launcher main classes. This JVM is reported too, as {@code load-generator}.
 *
 * <p>CPU is {@code utime + stime} of {@code /proc/<pid>/stat} over a window, as % of one core;
 * RSS is {@code VmRSS} of {@code /proc/<pid>/status}.
 */
final class ProcessMonitor {

    /** A process of the system. */
    record Proc(long pid, String name) {
    }

    /** One reading of one process. */
    record Sample(long cpuTicks, long rssKb) {
    }

    private static final Pattern SERVICE_JAR = Pattern.compile("parley-([a-z-]+?)-\\d[^/\\s]*\\.jar$");
    private static final Pattern NODE_ID = Pattern.compile("^--parley\\.chat\\.node-id=(.+)$");

    private final Path proc;
    private final long ticksPerSecond;

    ProcessMonitor(Path proc, long ticksPerSecond) {
        this.proc = proc;
        this.ticksPerSecond = ticksPerSecond;
    }

    static ProcessMonitor system() {
        return new ProcessMonitor(Path.of("/proc"), clockTicks());
    }

    /** USER_HZ: 100 on every mainstream Linux; asked of getconf when it is there. */
    private static long clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            p.waitFor();
            return Long.parseLong(out);
        } catch (Exception e) {
            return 100;
        }
    }

    long ticksPerSecond() {
        return ticksPerSecond;
    }

    /** Whether the gateway URL names this machine, i.e. process figures can be read at all. */
    static boolean isLocal(String gatewayUrl) {
        String host = URI.create(gatewayUrl).getHost();
        return host != null && (host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]")
                || host.equals("::1"));
    }

    /**
     * The local system whose gateway listens on {@code gatewayPort}, plus this JVM; empty with a
     * note when no such gateway process is found.
     */
    Result find(int gatewayPort, long selfPid) {
        Map<Long, List<String>> cmdlines = new LinkedHashMap<>();
        Map<Long, Long> parents = new LinkedHashMap<>();
        for (long pid : pids()) {
            cmdline(pid).ifPresent(c -> cmdlines.put(pid, c));
            parent(pid).ifPresent(pp -> parents.put(pid, pp));
        }
        Long gateway = null;
        for (Map.Entry<Long, List<String>> e : cmdlines.entrySet()) {
            List<String> args = e.getValue();
            boolean isGateway = args.stream().anyMatch(a -> a.contains("parley-gateway-") && a.endsWith(".jar"));
            if (isGateway && args.contains("--server.port=" + gatewayPort)) {
                gateway = e.getKey();
                break;
            }
        }
        List<Proc> found = new ArrayList<>();
        String note;
        if (gateway == null) {
            note = "no local Parley gateway process with --server.port=" + gatewayPort
                    + " found in /proc: process CPU and RSS not measured (a remote or differently started deployment)";
        } else {
            long launcher = parents.getOrDefault(gateway, -1L);
            for (Map.Entry<Long, Long> e : parents.entrySet()) {
                long pid = e.getKey();
                if (e.getValue() == launcher && pid != selfPid) {
                    nameOf(cmdlines.getOrDefault(pid, List.of())).ifPresent(n -> found.add(new Proc(pid, n)));
                }
            }
            if (launcher != selfPid && cmdlines.getOrDefault(launcher, List.of()).contains("io.parley.localrun.Main")) {
                found.add(new Proc(launcher, "launcher"));
            }
            found.sort(Comparator.comparing(Proc::name));
            note = "processes: the children of the launcher (pid " + launcher + ") of the gateway (pid " + gateway
                    + "), found by /proc/<pid>/cmdline";
        }
        found.add(new Proc(selfPid, "load-generator"));
        return new Result(found, note, gateway != null);
    }

    /** What {@link #find} found. */
    record Result(List<Proc> processes, String note, boolean systemFound) {
    }

    /** The name of a Parley process from its command line, or empty when it is not one. */
    static Optional<String> nameOf(List<String> args) {
        for (String a : args) {
            Matcher m = NODE_ID.matcher(a);
            if (m.matches()) {
                return Optional.of(m.group(1));
            }
        }
        if (args.contains("io.parley.kafkaserver.KafkaServerMain")) {
            return Optional.of("kafka");
        }
        if (args.contains("io.parley.cassandraserver.CassandraServerMain")) {
            return Optional.of("cassandra");
        }
        int jar = args.indexOf("-jar");
        if (jar >= 0 && jar + 1 < args.size()) {
            Matcher m = SERVICE_JAR.matcher(args.get(jar + 1));
            if (m.find()) {
                return Optional.of(m.group(1));
            }
        }
        return Optional.empty();
    }

    /** CPU ticks and RSS now; empty when the process is gone. */
    Optional<Sample> sample(long pid) {
        try {
            String stat = Files.readString(proc.resolve(Long.toString(pid)).resolve("stat"));
            String[] f = afterComm(stat);
            // fields after "(comm)": state is index 0, utime is field 14 of the full line = index 11 here
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            long rss = -1;
            for (String line : Files.readAllLines(proc.resolve(Long.toString(pid)).resolve("status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
            return Optional.of(new Sample(ticks, rss));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** % of one core used between two samples {@code seconds} apart. */
    double cpuPercent(Sample before, Sample after, double seconds) {
        if (before == null || after == null || seconds <= 0) {
            return Double.NaN;
        }
        return (after.cpuTicks() - before.cpuTicks()) * 100.0 / ticksPerSecond / seconds;
    }

    private List<Long> pids() {
        List<Long> pids = new ArrayList<>();
        try (Stream<Path> entries = Files.list(proc)) {
            entries.map(p -> p.getFileName().toString()).filter(n -> n.chars().allMatch(Character::isDigit))
                    .forEach(n -> pids.add(Long.parseLong(n)));
        } catch (IOException e) {
            // no /proc: nothing to report
        }
        return pids;
    }

    private Optional<List<String>> cmdline(long pid) {
        try {
            byte[] raw = Files.readAllBytes(proc.resolve(Long.toString(pid)).resolve("cmdline"));
            if (raw.length == 0) {
                return Optional.empty();
            }
            String all = new String(raw, StandardCharsets.UTF_8);
            return Optional.of(List.of(all.split("\u0000")));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private Optional<Long> parent(long pid) {
        try {
            String[] f = afterComm(Files.readString(proc.resolve(Long.toString(pid)).resolve("stat")));
            return Optional.of(Long.parseLong(f[1]));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The fields of a stat line after {@code pid (comm)}; comm may hold spaces and parentheses. */
    private static String[] afterComm(String stat) {
        int close = stat.lastIndexOf(')');
        return stat.substring(close + 2).trim().split(" ");
    }
}
