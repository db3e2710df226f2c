package dev.pulse.support.log;

/**
 * The context fields every handler line carries (README, "Logs"), in the order they are written. They live in
 * SLF4J's MDC for the length of one invocation, so lines written deep in the core carry them without passing them on.
 * Tokens and payloads are never among them.
 */
public final class LogField {
    /** API Gateway's request id (one per frame or connect), or EventBridge's event id for the fan-out. */
    public static final String REQUEST_ID = "requestId";
    /** The Lambda invocation's id (locally, the emulator's). */
    public static final String INVOCATION_ID = "invocationId";
    public static final String CORRELATION_ID = "correlationId";
    public static final String CONNECTION_ID = "connectionId";
    public static final String WORKSPACE_ID = "workspaceId";
    public static final String USER_ID = "userId";
    /** {@code $connect}, {@code $default}, {@code $disconnect}, {@code fanout}, {@code poll}, … */
    public static final String ROUTE = "route";
    /** The client frame's action on {@code $default}; the event's name on the fan-out. */
    public static final String ACTION = "action";
    /** What the line reports: connected, refused, joined, delivered, … */
    public static final String OUTCOME = "outcome";
    public static final String REASON = "reason";

    /** The fields written first, in this order; any other key follows in the order it was added. */
    static final String[] ORDERED = {REQUEST_ID, INVOCATION_ID, CORRELATION_ID, CONNECTION_ID, WORKSPACE_ID, USER_ID,
            ROUTE, ACTION, OUTCOME, REASON};

    private LogField() {
    }
}
