package dev.pulse.support.metrics;

/**
 * Every metric Pulse emits (README, "Metrics"), with its unit. The dimensions each takes are bounded by construction:
 * a reason is an error code, an action one of the protocol's (or {@code unknown}); never a room, user or event id.
 */
public enum Metric {
    /** Connections opened ($connect accepted). */
    CONNECTS("Connects", Unit.COUNT),
    /** Upgrades refused; dimension {@code Reason} (token_missing, token_expired, origin_not_allowed, …). */
    CONNECTS_REFUSED("ConnectsRefused", Unit.COUNT),
    DISCONNECTS("Disconnects", Unit.COUNT),
    /** Client frames answered ok; dimension {@code Action} (room.join counts the joins). */
    ACTIONS("Actions", Unit.COUNT),
    /** Client frames refused; dimensions {@code Action} and {@code Reason} (rate_limited by action among them). */
    ACTIONS_REFUSED("ActionsRefused", Unit.COUNT),
    /** Events the fan-out accepted (enveloped, or routed by the catalog). */
    EVENTS_ADMITTED("EventsAdmitted", Unit.COUNT),
    /** Events the fan-out refused and dead-lettered; dimension {@code Reason}. */
    EVENTS_REFUSED("EventsRefused", Unit.COUNT),
    /** Frames posted to connections (200 from @connections). */
    DELIVERIES("Deliveries", Unit.COUNT),
    /** Posts answered 410: the connection had gone (pruned). */
    GONE("Gone", Unit.COUNT),
    /** Posts that failed after their retries (throttled, 5xx, timeouts). */
    FAILED_POSTS("FailedPosts", Unit.COUNT),
    /** Events replayed by sync.request (and the polling fallback's replays are not among them: HTTP, not $default). */
    SYNC_REPLAYED("SyncReplayedEvents", Unit.COUNT),
    /** Rooms a sync.request answered {@code lost} for: the client must refetch (history expired or a hole). */
    SYNC_LOST("SyncLost", Unit.COUNT),
    /** presence.diff frames posted to the rooms' members (one per member per window with changes). */
    PRESENCE_SIGNALS("PresenceSignals", Unit.COUNT),
    /** One event's fan-out: from the handler's start to the last post answered. */
    FANOUT_DURATION("FanOutDuration", Unit.MILLISECONDS),
    /** From the envelope's publishedAt to the last post of its fan-out answered. */
    DELIVERY_LATENCY("DeliveryLatency", Unit.MILLISECONDS),
    /** Shards of big rooms the fan-out handed to the workers (docs/SCALING.md). */
    SHARDS_HANDED_OUT("ShardsHandedOut", Unit.COUNT),
    /** Shard deliveries that failed in a worker (thrown, to be retried by the queue; the DLQ gets them at the end). */
    SHARD_FAILURES("ShardFailures", Unit.COUNT),
    /** One shard's delivery in a worker, from its start to its last post answered. */
    SHARD_DURATION("ShardDuration", Unit.MILLISECONDS);

    /** CloudWatch's unit names, as EMF wants them. */
    public enum Unit {
        COUNT("Count"), MILLISECONDS("Milliseconds");

        private final String cloudWatch;

        Unit(String cloudWatch) {
            this.cloudWatch = cloudWatch;
        }

        public String cloudWatch() {
            return cloudWatch;
        }
    }

    private final String metricName;
    private final Unit unit;

    Metric(String metricName, Unit unit) {
        this.metricName = metricName;
        this.unit = unit;
    }

    public String metricName() {
        return metricName;
    }

    public Unit unit() {
        return unit;
    }
}
