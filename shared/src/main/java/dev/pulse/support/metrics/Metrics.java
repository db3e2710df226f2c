package dev.pulse.support.metrics;

import java.util.Map;

/**
 * Where the core and the handlers count what happens. Recording never throws and never blocks on I/O: a metrics
 * failure must not fail a connect or a delivery. The values are written when the invocation ends ({@link #flush}).
 */
public interface Metrics {
    /** Records nothing: for tests and wiring that want no metrics. */
    Metrics NONE = new Metrics() {
        @Override public void record(Metric metric, double value, Map<String, String> dimensions) { }
        @Override public void countDeferred(Metric metric, String dimension, String value) { }
        @Override public void flush() { }
    };

    /** Adds one value; counts of one metric and dimensions are summed, durations kept as values. */
    void record(Metric metric, double value, Map<String, String> dimensions);

    /**
     * Counts one, to be written with the next flush that writes anything else, or at the first flush a minute after it
     * was counted: for counts made at message rates (pings), so that an invocation counting only them writes no document
     * of its own (README, "Cost model"). The count is the same; it reaches CloudWatch up to a minute late, and an
     * execution environment shut down meanwhile loses it.
     */
    void countDeferred(Metric metric, String dimension, String value);

    /** Writes what was recorded since the last flush, and forgets it. */
    void flush();

    default void count(Metric metric) {
        record(metric, 1, Map.of());
    }

    default void count(Metric metric, String dimension, String value) {
        record(metric, 1, Map.of(dimension, value));
    }
}
