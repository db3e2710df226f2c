package dev.pulse.functions;

import dev.pulse.support.trace.Tracer;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Each AWS SDK call (DynamoDB, the {@code @connections} DELETE, SQS) as an X-Ray subsegment named by its service, with
 * the operation and, for DynamoDB, the table: what the X-Ray SDK's interceptor records, without the X-Ray SDK.
 */
final class TracingInterceptor implements ExecutionInterceptor {
    private static final ExecutionAttribute<Tracer.Span> SPAN = new ExecutionAttribute<>("PulseTraceSpan");

    private final Tracer tracer;

    TracingInterceptor(Tracer tracer) {
        this.tracer = tracer;
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        attributes.putAttribute(SPAN, tracer.start(attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME), "aws"));
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        end(attributes, Tracer.Outcome.ofStatus(context.httpResponse().statusCode()), context.request());
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        int status = context.httpResponse().map(r -> r.statusCode()).orElse(0);
        end(attributes, Tracer.Outcome.ofStatus(status), context.request());
    }

    private static void end(ExecutionAttributes attributes, Tracer.Outcome outcome,
                            software.amazon.awssdk.core.SdkRequest request) {
        Tracer.Span span = attributes.getAttribute(SPAN);
        if (span == null || span == Tracer.Span.NONE) {
            return;
        }
        try {
            Map<String, String> aws = new HashMap<>();
            aws.put("operation", attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
            request.getValueForField("TableName", String.class).ifPresent(table -> aws.put("table_name", table));
            span.end(outcome, aws);
        } catch (RuntimeException e) {
            // Never fails the call it traced.
        }
    }
}
