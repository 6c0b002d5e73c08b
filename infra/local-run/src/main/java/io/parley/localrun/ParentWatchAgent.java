package io.parley.localrun;

/**
 * A java agent that ends its JVM when the process that launched it ends. LocalSystem starts every
 * service with {@code -javaagent:<this module's jar>=<its own pid>}, so killing the launcher
 * (even with SIGKILL, when its shutdown hook cannot run) never leaves services holding ports.
 * {@link System#exit} runs the service's shutdown hooks, so it still stops gracefully.
 */
public final class ParentWatchAgent {

    private ParentWatchAgent() {
    }

    public static void premain(String parentPid) {
        if (parentPid == null || parentPid.isBlank()) {
            return;
        }
        ProcessHandle.of(Long.parseLong(parentPid.strip())).ifPresentOrElse(
                parent -> parent.onExit().thenRun(() -> {
                    System.err.println("Launcher process " + parentPid + " ended; stopping");
                    System.exit(0);
                }),
                () -> System.exit(0));
    }
}
