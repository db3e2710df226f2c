package dev.pulse.support.trace;

import java.util.Map;

/**
 * Where the functions record the calls they make as X-Ray subsegments of the invocation's trace. Recording never
 * throws and never blocks: a tracing failure must not fail a post or a delivery.
 */
public interface Tracer {
    /** Records nothing (tracing off, and everywhere locally). */
    Tracer NONE = (name, namespace, startMillis) -> Span.NONE;

    /**
     * Starts a subsegment of the current invocation's trace.
     *
     * @param name      what is called, as X-Ray names it (the SDK's service id {@code DynamoDb}, {@code ApiGatewayManagementApi})
     * @param namespace {@code aws} for AWS services, {@code remote} for other HTTP calls
     */
    Span start(String name, String namespace, long startMillis);

    default Span start(String name, String namespace) {
        return start(name, namespace, System.currentTimeMillis());
    }

    /** One call being traced. */
    interface Span {
        Span NONE = (outcome, aws) -> { };

        /**
         * Ends it: sent to the daemon as one subsegment.
         *
         * @param outcome how the call ended
         * @param aws     the subsegment's {@code aws} fields ({@code operation}, {@code table_name}, …); never a payload
         */
        void end(Outcome outcome, Map<String, String> aws);
    }

    /** The call's HTTP status and how X-Ray should flag it. */
    record Outcome(int status, Flag flag) {
        public static final Outcome OK = new Outcome(200, Flag.NONE);

        /** X-Ray's flags: {@code error} (4xx), {@code throttle} (429, with error), {@code fault} (5xx, no answer). */
        public enum Flag { NONE, ERROR, THROTTLE, FAULT }

        /** The flag X-Ray gives this status (0: no answer, a fault). */
        public static Outcome ofStatus(int status) {
            Flag flag = status == 0 || status >= 500 ? Flag.FAULT : status == 429 ? Flag.THROTTLE
                    : status >= 400 ? Flag.ERROR : Flag.NONE;
            return new Outcome(status, flag);
        }
    }
}
