package io.parley.loadgen;

import java.util.List;

/**
 * {@code ./parley load <scenario> [options]}: see {@link LoadOptions#usage()} and
 * docs/benchmarks.md ("Load generator"). Exit code 0 when the run completed (whatever it
 * measured), 2 for bad options, 1 when the run could not be set up or failed.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        List<String> list = List.of(args);
        if (list.isEmpty() || list.contains("--help") || list.contains("-h") || list.get(0).equals("help")) {
            System.out.print(LoadOptions.usage());
            return;
        }
        LoadOptions options;
        try {
            options = LoadOptions.parse(list);
        } catch (IllegalArgumentException e) {
            System.err.println("parley load: " + e.getMessage() + "\n");
            System.err.print(LoadOptions.usage());
            System.exit(2);
            return;
        }
        try {
            new LoadRun(options, System.out).run();
        } catch (RuntimeException e) {
            System.err.println("\nparley load: the run failed: " + e.getMessage());
            System.exit(1);
        }
        System.exit(0);
    }
}
