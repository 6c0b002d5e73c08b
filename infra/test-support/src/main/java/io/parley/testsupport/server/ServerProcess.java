package io.parley.testsupport.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A child process (a server JVM) with its output in a log file. Stopped by its own PID: SIGTERM
 * first so it shuts down cleanly, SIGKILL if it does not within the grace period. Never by name,
 * because a test run and a local run may share the machine.
 */
public final class ServerProcess {

    private final String name;
    private final Process process;
    private final Path logFile;

    private ServerProcess(String name, Process process, Path logFile) {
        this.name = name;
        this.process = process;
        this.logFile = logFile;
    }

    /**
     * Starts {@code command} with stdout and stderr appended to {@code logFile}.
     *
     * @param name a short name for messages ("kafka", "chat-1")
     */
    public static ServerProcess start(String name, List<String> command, Path workingDir, Path logFile) {
        return start(name, command, Map.of(), workingDir, logFile);
    }

    /**
     * As {@link #start(String, List, Path, Path)}, with {@code environment} added to the child's
     * environment: the way to hand a child a secret, which on the command line every local user
     * could read in the process list (and which the log's first line would show).
     */
    public static ServerProcess start(String name, List<String> command, Map<String, String> environment,
            Path workingDir, Path logFile) {
        try {
            Files.createDirectories(logFile.toAbsolutePath().getParent());
            Files.createDirectories(workingDir);
            Files.writeString(logFile, "=== " + Instant.now() + " starting " + name + ": " + printable(command) + "\n",
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            ProcessBuilder builder = new ProcessBuilder(command);
            builder.environment().putAll(environment);
            Process process = builder
                    .directory(workingDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(Redirect.appendTo(logFile.toFile()))
                    .redirectInput(Redirect.from(nullDevice()))
                    .start();
            return new ServerProcess(name, process, logFile);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + name + " (" + command.get(0) + ")", e);
        }
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path logFile() {
        return logFile;
    }

    /** SIGTERM, wait up to {@code grace}, then SIGKILL. Returns when the process is gone. */
    public void stop(Duration grace) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Kills without a clean shutdown, as a crash would (for restart tests). */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The last {@code lines} lines of the log, for failure messages. */
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + logFile + ": " + e.getMessage() + ")";
        }
    }

    /** An exception that says what failed and shows the end of the server's log. */
    public IllegalStateException failure(String message) {
        String state = process.isAlive() ? "still running" : "exited with code " + process.exitValue();
        return new IllegalStateException(message + " (" + name + ", pid " + pid() + ", " + state + "; log "
                + logFile + ")\n----- last lines of the log -----\n" + logTail(60) + "\n-----");
    }

    private static String printable(List<String> command) {
        List<String> shown = new ArrayList<>(command);
        for (int i = 0; i < shown.size() - 1; i++) {
            if (shown.get(i).equals("-cp") || shown.get(i).equals("-classpath")) {
                shown.set(i + 1, "<classpath: " + shown.get(i + 1).split(java.io.File.pathSeparator).length + " entries>");
            }
        }
        return String.join(" ", shown);
    }

    private static java.io.File nullDevice() {
        return new java.io.File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
    }
}
