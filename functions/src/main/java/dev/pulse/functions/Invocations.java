package dev.pulse.functions;

import com.amazonaws.services.lambda.runtime.Context;

/** The invocation's id for the log context; tests and the local runtime may hand a handler no context. */
final class Invocations {
    private Invocations() {
    }

    static String id(Context context) {
        return context == null ? null : context.getAwsRequestId();
    }
}
