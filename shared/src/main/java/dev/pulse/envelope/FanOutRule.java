package dev.pulse.envelope;

/**
 * The EventBridge rule that sends published events to the fan-out function. One definition, used by the
 * CDK stack and by the local bus, so both match exactly the same events.
 */
public final class FanOutRule {
    /** Version marker every envelope carries in {@code detail.envelope}. */
    public static final String ENVELOPE_VERSION = "pulse.v1";

    /** Event pattern: every event whose detail declares the Pulse envelope, whatever its source. */
    public static final String PATTERN = "{\"detail\":{\"envelope\":[\"" + ENVELOPE_VERSION + "\"]}}";

    public static final String RULE_NAME = "pulse-fanout";

    private FanOutRule() {
    }
}
