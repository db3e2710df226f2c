package dev.pulse.local.bench;

import dev.pulse.local.gateway.WebSocketGateway;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Counts the HTTP requests the handlers really send, by service and operation: their SDK clients' calls, and the
 * posts of the direct post path (which bypasses the SDK), counted where they arrive, at the emulated
 * {@code @connections} API, under the SDK's name {@value #POSTS}.
 */
public final class CallCounter implements ExecutionInterceptor {
    static final String POSTS = "ApiGatewayManagementApi.PostToConnection";

    private final Map<String, LongAdder> calls = new ConcurrentHashMap<>();
    private volatile LongSupplier posts = () -> 0;
    private volatile long postsAtReset;

    /** Counts the POSTs the emulated {@code @connections} API receives from now on. */
    public CallCounter countingPostsAt(WebSocketGateway gateway) {
        this.posts = gateway::postRequests;
        this.postsAtReset = posts.getAsLong();
        return this;
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        String key = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME) + "."
                + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        calls.computeIfAbsent(key, k -> new LongAdder()).increment();
    }

    public Map<String, Long> snapshot() {
        var copy = new TreeMap<String, Long>();
        calls.forEach((k, v) -> copy.put(k, v.sum()));
        long direct = posts.getAsLong() - postsAtReset;
        if (direct > 0) {
            copy.merge(POSTS, direct, Long::sum);
        }
        return copy;
    }

    public void reset() {
        calls.clear();
        postsAtReset = posts.getAsLong();
    }
}
