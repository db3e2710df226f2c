package dev.pulse.config;

import java.time.Duration;
import java.util.Map;

/**
 * Settings of the durable event log, read from the environment like {@link PulseConfig} (kept apart so
 * adding the log did not change that record's shape; fold it in when the contract may change).
 *
 * @param eventsTable DynamoDB table holding the per-room event log ({@code PULSE_EVENTS_TABLE})
 * @param retention   how long logged events stay replayable ({@code PULSE_EVENT_RETENTION_SECONDS}, default 24 h)
 */
public record EventLogConfig(String eventsTable, Duration retention) {
    public static final Duration DEFAULT_RETENTION = Duration.ofHours(24);
    public static final String DEFAULT_TABLE = "pulse-events";

    public EventLogConfig {
        if (eventsTable == null || eventsTable.isBlank()) {
            throw new IllegalArgumentException("eventsTable must not be blank");
        }
        if (retention == null || retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("retention must be positive, got " + retention);
        }
    }

    public static EventLogConfig fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    public static EventLogConfig fromEnvironment(Map<String, String> env) {
        String table = env.get("PULSE_EVENTS_TABLE");
        String seconds = env.get("PULSE_EVENT_RETENTION_SECONDS");
        return new EventLogConfig(
                table == null || table.isBlank() ? DEFAULT_TABLE : table.trim(),
                seconds == null || seconds.isBlank() ? DEFAULT_RETENTION : Duration.ofSeconds(Long.parseLong(seconds.trim())));
    }
}
