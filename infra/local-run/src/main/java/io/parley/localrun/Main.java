package io.parley.localrun;

import io.parley.testsupport.server.Compilation;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ./parley run}: starts the whole system with {@link LocalSystem}, prints where everything
 * is, and runs until Ctrl-C (SIGINT) or SIGTERM, which stop every child process by PID.
 *
 * <p>Options: {@code --data-dir=<dir>} (default {@code <repo>/.parley}), {@code --infra-only}
 * (Kafka, Cassandra and the schema, no services), {@code --chat-nodes=<n>} (default 2; ports 8181 up).
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        // The driver's and Kafka client's INFO lines would bury the progress lines.
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");

        // A system people use and measure: the full JIT in every JVM it starts (tests keep C1 only).
        if (System.getProperty(Compilation.PROPERTY) == null) {
            System.setProperty(Compilation.PROPERTY, "true");
        }

        LocalSystem.Options options = LocalSystem.Options.defaults();
        for (String arg : args) {
            if (arg.startsWith("--data-dir=")) {
                options = options.withDataDir(Path.of(arg.substring("--data-dir=".length())));
            } else if (arg.startsWith("--chat-nodes=")) {
                try {
                    int count = Integer.parseInt(arg.substring("--chat-nodes=".length()));
                    options = options.withPorts(options.ports().withChatNodeCount(count));
                } catch (IllegalArgumentException e) {
                    System.err.println("--chat-nodes takes a number from 1 to 9, not " + arg.substring("--chat-nodes=".length()));
                    System.exit(2);
                }
            } else if (arg.equals("--infra-only")) {
                options = options.withServices(false);
            } else {
                System.err.println("Unknown option " + arg + "\nOptions: --data-dir=<dir> --infra-only --chat-nodes=<n>");
                System.exit(2);
            }
        }

        CountDownLatch stopped = new CountDownLatch(1);
        LocalSystem[] running = new LocalSystem[1];
        Object lock = new Object();
        // Registered before starting, so Ctrl-C during start-up stops what has started so far.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LocalSystem system;
            synchronized (lock) {
                system = running[0];
            }
            if (system != null) {
                System.out.println("\nStopping Parley: services first, then Kafka and Cassandra...");
                system.close();
                System.out.println("Stopped. Data kept in " + system.dataDir() + " (./parley wipe deletes it).");
            }
            stopped.countDown();
        }, "parley-stop"));

        LocalSystem system;
        try {
            system = LocalSystem.start(options);
        } catch (RuntimeException e) {
            System.err.println("\nParley did not start: " + e.getMessage());
            System.exit(1);
            return;
        }
        synchronized (lock) {
            running[0] = system;
        }
        System.out.print(system.summary());
        System.out.println(" Ctrl-C stops everything.");
        stopped.await();
    }
}
