package dev.pulse.infra;

import java.time.Duration;

/**
 * How published events reach the fan-out function ({@link FanOutQueue}).
 *
 * <p>Through the queue (the default): the rules put each event on an SQS queue and the function takes them in batches
 * (an event source mapping, {@code ReportBatchItemFailures}), so a hot room's events of one batch commit to the log
 * together, one head write for the lot: on EventBridge's direct Lambda target every event is its own invocation and
 * its own commit, which caps a room at about 100 events/s (docs/EVENT-LOG.md has the arithmetic). Directly
 * ({@code enabled = false}): the rules invoke the function asynchronously, one event each, as before.
 *
 * @param enabled        the queue between the rules and the function (context {@code fanOutQueue}, default true)
 * @param batchSize      messages per invocation, 1-10 without a window, up to 10,000 with one (context
 *                       {@code fanOutBatchSize}, default {@value #DEFAULT_BATCH_SIZE})
 * @param batchingWindow how long the poller may wait to fill a batch (context {@code fanOutBatchWindowMs}, default
 *                       none: a batch is what is waiting, so batches grow with the load and a quiet room pays nothing)
 * @param maxReceives    receives before a message goes to the queue's dead-letter queue (default
 *                       {@value #DEFAULT_MAX_RECEIVES})
 */
public record FanOutQueueSettings(boolean enabled, int batchSize, Duration batchingWindow, int maxReceives) {
    public static final int DEFAULT_BATCH_SIZE = 10;
    public static final int DEFAULT_MAX_RECEIVES = 5;
    public static final FanOutQueueSettings DEFAULTS =
            new FanOutQueueSettings(true, DEFAULT_BATCH_SIZE, Duration.ZERO, DEFAULT_MAX_RECEIVES);
    /** EventBridge's direct Lambda target: one event per invocation. */
    public static final FanOutQueueSettings DIRECT =
            new FanOutQueueSettings(false, DEFAULT_BATCH_SIZE, Duration.ZERO, DEFAULT_MAX_RECEIVES);

    public FanOutQueueSettings {
        batchingWindow = batchingWindow == null ? Duration.ZERO : batchingWindow;
        if (batchingWindow.isNegative() || batchingWindow.compareTo(Duration.ofMinutes(5)) > 0) {
            throw new IllegalArgumentException("the batching window is 0-300 s (Lambda's limit): " + batchingWindow);
        }
        int most = batchingWindow.isZero() ? 10 : 10_000;
        if (batchSize < 1 || batchSize > most) {
            throw new IllegalArgumentException("the fan-out batch size is 1-" + most
                    + (batchingWindow.isZero() ? " without a batching window" : "") + ": " + batchSize);
        }
        if (maxReceives < 1 || maxReceives > 1000) {
            throw new IllegalArgumentException("maxReceives must be 1-1000: " + maxReceives);
        }
    }
}
