package dev.pulse.catalog;

/**
 * Where refused events go instead of to clients: an SQS queue on AWS, an inspectable list locally. An exception
 * from {@link #accept} propagates, so the event is retried (and never silently lost).
 */
@FunctionalInterface
public interface DeadLetterSink {
    void accept(Rejection rejection);
}
