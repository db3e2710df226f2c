package dev.pulse.functions;

import dev.pulse.delivery.AsyncConnectionSender;
import dev.pulse.delivery.SendResult;
import dev.pulse.support.trace.Tracer;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Each {@code @connections} POST of the direct post path as an X-Ray subsegment ({@code ApiGatewayManagementApi},
 * operation {@code PostToConnection}): the fan-out's posts in the trace of the event that caused them. Only wraps the
 * sender when tracing is on; the frame is never recorded.
 */
final class TracedPosts implements AsyncConnectionSender {
    private static final Map<String, String> POST = Map.of("operation", "PostToConnection");

    private final AsyncConnectionSender posts;
    private final Tracer tracer;

    TracedPosts(AsyncConnectionSender posts, Tracer tracer) {
        this.posts = posts;
        this.tracer = tracer;
    }

    @Override
    public void sendAsync(String connectionId, String frame, Consumer<SendResult> done) {
        Tracer.Span span = tracer.start("ApiGatewayManagementApi", "aws");
        posts.sendAsync(connectionId, frame, result -> {
            try {
                span.end(outcome(result), POST);
            } catch (RuntimeException e) {
                // Never fails the post it traced.
            }
            done.accept(result);
        });
    }

    /** The answer as X-Ray flags it: 410 an error, a retryable failure a throttle or a fault. */
    static Tracer.Outcome outcome(SendResult result) {
        return switch (result) {
            case DELIVERED -> Tracer.Outcome.OK;
            case GONE -> Tracer.Outcome.ofStatus(410);
            case RETRYABLE -> new Tracer.Outcome(0, Tracer.Outcome.Flag.FAULT);
            case FAILED -> new Tracer.Outcome(0, Tracer.Outcome.Flag.ERROR);
        };
    }
}
