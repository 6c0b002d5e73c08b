package io.parley.loadgen;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Everything a run is told: the scenario and its options ({@code --name value} or
 * {@code --name=value}). {@link #usage()} documents them; docs/benchmarks.md repeats the table.
 */
public record LoadOptions(
        Scenario scenario,
        String gateway,
        String prefix,
        String password,
        int pairs,
        int members,
        int senders,
        int connections,
        double rate,
        Duration duration,
        Duration warmup,
        Duration grace,
        Duration settle,
        Duration progressInterval,
        int messageSize,
        int concurrency,
        boolean processes,
        boolean gc,
        Path output) {

    /** The scenarios: see {@link #usage()}. */
    public enum Scenario { PAIRS, GROUP, IDLE }

    /** One JVM may hold 20,000 open files here; leave room for the JVM's own and the REST client's. */
    public static final int MAX_CONNECTIONS_PER_PROCESS = 19_900;

    public LoadOptions {
        if (rate <= 0 && scenario != Scenario.IDLE) {
            throw new IllegalArgumentException("--rate must be positive");
        }
        if (pairs < 1 || members < 2 || senders < 1 || connections < 1) {
            throw new IllegalArgumentException("--pairs, --senders, --connections must be at least 1, --members at least 2");
        }
        if (senders > members) {
            throw new IllegalArgumentException("--senders (" + senders + ") cannot exceed --members (" + members + ")");
        }
        if (members > 500) {
            throw new IllegalArgumentException("--members is at most 500 (parley.groups.max-members, owner included)");
        }
        if (sessionsNeeded(scenario, pairs, members, connections) > MAX_CONNECTIONS_PER_PROCESS) {
            throw new IllegalArgumentException("one generator process holds at most " + MAX_CONNECTIONS_PER_PROCESS
                    + " WebSockets (20,000 open files per process); run several generator processes, each with its own"
                    + " --prefix, and add up their results");
        }
        if (messageSize < 40 || messageSize > 4000) {
            throw new IllegalArgumentException("--size is 40-4000 characters (the id and timestamp take ~40)");
        }
        if (duration.isNegative() || duration.isZero() || warmup.isNegative() || grace.isNegative()) {
            throw new IllegalArgumentException("--duration must be positive, --warmup and --grace not negative");
        }
        if (concurrency < 1) {
            throw new IllegalArgumentException("--concurrency must be at least 1");
        }
        gateway = gateway.endsWith("/") ? gateway.substring(0, gateway.length() - 1) : gateway;
    }

    private static int sessionsNeeded(Scenario scenario, int pairs, int members, int connections) {
        return switch (scenario) {
            case PAIRS -> 2 * pairs;
            case GROUP -> members;
            case IDLE -> connections;
        };
    }

    /** WebSocket sessions (and users) this run needs. */
    public int sessions() {
        return sessionsNeeded(scenario, pairs, members, connections);
    }

    public static LoadOptions parse(List<String> args) {
        if (args.isEmpty()) {
            throw new IllegalArgumentException("name a scenario: pairs, group or idle");
        }
        Scenario scenario;
        try {
            scenario = Scenario.valueOf(args.get(0).toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown scenario '" + args.get(0) + "': pairs, group or idle");
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 1; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "'");
            }
            String name = arg.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (name.equals("fresh") || name.equals("no-processes") || name.equals("gc")) {
                value = "true";
            } else if (i + 1 < args.size()) {
                value = args.get(++i);
            } else {
                throw new IllegalArgumentException("--" + name + " needs a value");
            }
            values.put(name, value);
        }
        Options o = new Options(values);
        String prefix = o.string("prefix", "lg");
        if (o.bool("fresh")) {
            prefix = prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 6);
        }
        if (!prefix.matches("[a-z0-9_.]{1,20}")) {
            throw new IllegalArgumentException("--prefix is 1-20 characters of a-z 0-9 _ . (it starts every username)");
        }
        Duration defaultDuration = Duration.ofSeconds(60);
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path defaultOutput = Path.of(".parley", "load", scenario.name().toLowerCase(Locale.ROOT) + "-" + stamp + ".json");
        LoadOptions options = new LoadOptions(
                scenario,
                o.string("gateway", "http://127.0.0.1:8080"),
                prefix,
                o.string("password", "parley-load-password"),
                o.integer("pairs", 200),
                o.integer("members", 100),
                o.integer("senders", 4),
                o.integer("connections", 1000),
                o.decimal("rate", scenario == Scenario.GROUP ? 50 : 1000),
                o.duration("duration", defaultDuration),
                o.duration("warmup", scenario == Scenario.IDLE ? Duration.ZERO : Duration.ofSeconds(5)),
                o.duration("grace", Duration.ofSeconds(15)),
                o.duration("settle", Duration.ofSeconds(10)),
                o.duration("progress", Duration.ofSeconds(5)),
                o.integer("size", 100),
                o.integer("concurrency", 16),
                !o.bool("no-processes"),
                o.bool("gc"),
                Path.of(o.string("output", defaultOutput.toString())));
        o.rejectUnused();
        return options;
    }

    public static String usage() {
        return """
                Usage: ./parley load <scenario> [options]    (or: java -jar parley-load-generator-*-exec.jar <scenario> ...)

                Scenarios:
                  pairs   P 1:1 pairs (2P users, the two of a pair on different chat nodes where discovery allows),
                          messages spread round-robin over the pairs, alternating direction, at total --rate
                  group   one group of --members users created over REST; --senders of them send at total --rate;
                          every message is delivered to every member, the sender's own session included
                  idle    --connections authenticated idle WebSockets that only send heartbeats; reports the chat
                          nodes' RSS before and after, and the difference per connection

                Options (defaults in brackets):
                  --gateway URL        the deployment's gateway [http://127.0.0.1:8080]
                  --prefix NAME        usernames are <prefix>_u<n>; a rerun with the same prefix reuses the users [lg]
                  --fresh              append a random suffix to the prefix: new users
                  --password PW        password of the generated users [parley-load-password]
                  --pairs P            pairs scenario [200]
                  --members M          group size, owner included, 2-500 [100]
                  --senders S          group senders [4]
                  --connections N      idle scenario [1000]; one process holds at most 19,900
                  --rate R             messages per second, all senders together [pairs 1000, group 50]
                  --duration D         measured time (idle: how long the connections are held) [60s]
                  --warmup D           sent at the same rate before the measurement, not measured [5s; idle 0s]
                  --grace D            after the last send, how long to wait for missing acks and deliveries [15s]
                  --settle D           idle: wait after the last connect before measuring RSS [10s]
                  --progress D         progress line interval [5s]
                  --size CHARS         message text length, 40-4000 [100]
                  --concurrency C      parallel sign-ups, logins and WebSocket handshakes during set-up [16]
                  --no-processes       do not look for local Parley processes (CPU/RSS)
                  --gc                 idle, local run: a full GC of each chat node (jcmd <pid> GC.run) before
                                       every RSS sample, so the difference is live memory, not garbage
                  --output FILE        JSON result [.parley/load/<scenario>-<time>.json]
                Durations: 500ms, 20s, 2m, 1h (a bare number is seconds).
                """;
    }

    /** Typed access to the parsed values, remembering which were used. */
    private static final class Options {
        private final Map<String, String> values;

        Options(Map<String, String> values) {
            this.values = new LinkedHashMap<>(values);
        }

        String string(String name, String fallback) {
            String v = values.remove(name);
            return v == null ? fallback : v;
        }

        boolean bool(String name) {
            String v = values.remove(name);
            return v != null && !v.equals("false");
        }

        int integer(String name, int fallback) {
            String v = values.remove(name);
            if (v == null) {
                return fallback;
            }
            try {
                return Integer.parseInt(v.replace("_", "").replace(",", ""));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--" + name + " needs a whole number, not '" + v + "'");
            }
        }

        double decimal(String name, double fallback) {
            String v = values.remove(name);
            if (v == null) {
                return fallback;
            }
            try {
                return Double.parseDouble(v.replace("_", "").replace(",", ""));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--" + name + " needs a number, not '" + v + "'");
            }
        }

        Duration duration(String name, Duration fallback) {
            String v = values.remove(name);
            return v == null ? fallback : parseDuration(name, v);
        }

        void rejectUnused() {
            if (!values.isEmpty()) {
                throw new IllegalArgumentException("unknown option(s): --" + String.join(", --", values.keySet()));
            }
        }
    }

    static Duration parseDuration(String name, String text) {
        String v = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            }
            double amount = Double.parseDouble(v.replaceAll("[smh]$", ""));
            long unitMillis = v.endsWith("m") ? 60_000 : v.endsWith("h") ? 3_600_000 : 1000;
            return Duration.ofMillis(Math.round(amount * unitMillis));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " needs a duration like 500ms, 20s, 2m; not '" + text + "'");
        }
    }
}
