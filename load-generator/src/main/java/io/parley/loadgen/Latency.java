package io.parley.loadgen;

import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * One latency distribution, recorded from many threads without locks (HdrHistogram's
 * {@link Recorder}) in microseconds, 3 significant digits (every value within 0.1 %), up to one
 * hour. {@link #interval()} takes what was recorded since the last call (for progress lines) and
 * folds it into the cumulative histogram that {@link #total()} reports.
 */
final class Latency {

    private static final long HIGHEST_MICROS = 3_600_000_000L;

    private final Recorder recorder = new Recorder(1, HIGHEST_MICROS, 3);
    private final Histogram total = new Histogram(1, HIGHEST_MICROS, 3);
    private Histogram recycled;

    void recordNanos(long nanos) {
        long micros = Math.max(1, Math.min(HIGHEST_MICROS, nanos / 1000));
        recorder.recordValue(micros);
    }

    /** What was recorded since the previous call; also added to {@link #total()}. */
    synchronized Stats interval() {
        Histogram interval = recorder.getIntervalHistogram(recycled);
        total.add(interval);
        Stats stats = Stats.of(interval);
        recycled = interval;
        return stats;
    }

    /** Everything recorded so far (takes the pending interval first). */
    synchronized Stats total() {
        interval();
        return Stats.of(total);
    }

    /** Percentiles in milliseconds. */
    record Stats(long count, double p50, double p90, double p99, double p999, double max, double mean) {

        static Stats of(Histogram h) {
            if (h.getTotalCount() == 0) {
                return new Stats(0, 0, 0, 0, 0, 0, 0);
            }
            return new Stats(h.getTotalCount(), ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(90)),
                    ms(h.getValueAtPercentile(99)), ms(h.getValueAtPercentile(99.9)), ms(h.getMaxValue()),
                    h.getMean() / 1000.0);
        }

        private static double ms(long micros) {
            return micros / 1000.0;
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("count", count);
            m.put("p50", round(p50));
            m.put("p90", round(p90));
            m.put("p99", round(p99));
            m.put("p99_9", round(p999));
            m.put("max", round(max));
            m.put("mean", round(mean));
            return m;
        }

        private static double round(double v) {
            return Math.round(v * 1000) / 1000.0;
        }
    }
}
