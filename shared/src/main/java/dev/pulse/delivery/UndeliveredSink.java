package dev.pulse.delivery;

/**
 * Where posts that failed after their retries are recorded: the fan-out's SQS dead-letter queue on AWS, an inspectable
 * list locally. An exception from {@link #accept} propagates, so the event is retried as a whole (its posts repeat,
 * clients drop repeats by eventId) rather than lost.
 */
@FunctionalInterface
public interface UndeliveredSink {
    void accept(Undelivered undelivered);
}
