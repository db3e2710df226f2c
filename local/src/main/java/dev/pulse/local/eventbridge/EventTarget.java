package dev.pulse.local.eventbridge;

/**
 * What a rule delivers to, like a Lambda target: it receives the event JSON exactly as EventBridge would
 * send it. Throwing means the delivery failed and will be retried.
 */
@FunctionalInterface
public interface EventTarget {
    void invoke(String eventJson) throws Exception;
}
