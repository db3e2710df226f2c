package dev.pulse.local.eventbridge;

import java.time.Instant;

/**
 * An event a target never accepted: every attempt failed. Mirrors what EventBridge puts on a rule target's
 * dead-letter queue (rule, event, attempts, last error).
 *
 * @param rule      the rule whose target failed
 * @param eventId   the EventBridge event id ({@code id} of the event)
 * @param eventJson the event as it was delivered
 * @param attempts  how many times the target was invoked
 * @param lastError what the last attempt threw
 * @param failedAt  when the bus gave up
 */
public record DeadLetter(String rule, String eventId, String eventJson, int attempts, Throwable lastError,
                         Instant failedAt) {
}
