package dev.pulse.functions;

import dev.pulse.support.metrics.Metric;
import dev.pulse.support.metrics.Metrics;
import dev.pulse.support.log.LogField;
import dev.pulse.support.log.LogContext;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import dev.pulse.connection.ConnectionLifecycle;

/** {@code $disconnect} (best effort on API Gateway's side: TTL and 410 pruning cover the misses). */
public final class DisconnectHandler implements RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> {
    private final ConnectionLifecycle lifecycle;
    private final Metrics metrics;

    public DisconnectHandler() {
        this(Services.fromEnvironment());
    }

    public DisconnectHandler(Services services) {
        this.lifecycle = services.lifecycle();
        this.metrics = services.metrics();
    }

    @Override
    public APIGatewayV2WebSocketResponse handleRequest(APIGatewayV2WebSocketEvent event, Context context) {
        var request = event.getRequestContext();
        try (var log = LogContext.open("$disconnect", request.getRequestId(), Invocations.id(context))) {
            LogContext.put(LogField.CONNECTION_ID, request.getConnectionId());
            lifecycle.disconnect(request.getConnectionId());
            metrics.count(Metric.DISCONNECTS);
        } finally {
            metrics.flush();
        }
        return Responses.ok();
    }
}
