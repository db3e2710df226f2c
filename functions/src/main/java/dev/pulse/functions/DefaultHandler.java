package dev.pulse.functions;

import dev.pulse.support.metrics.Metrics;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import dev.pulse.action.ActionRouter;
import dev.pulse.connection.AuthorizedConnection;
import dev.pulse.model.Connection;
import dev.pulse.support.log.LogField;
import dev.pulse.support.log.LogContext;
import java.time.Duration;

/** {@code $default}: every client frame; replies go through {@code @connections}, not the proxy response. */
public final class DefaultHandler implements RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> {
    private final ActionRouter router;
    private final boolean behindAuthorizer;
    private final Duration connectionTtl;
    private final Metrics metrics;

    public DefaultHandler() {
        this(Services.fromEnvironment());
    }

    public DefaultHandler(Services services) {
        this.router = services.router();
        this.metrics = services.metrics();
        this.behindAuthorizer = services.config().connections().connectAuthorizer();
        this.connectionTtl = services.config().connections().ttl();
    }

    @Override
    public APIGatewayV2WebSocketResponse handleRequest(APIGatewayV2WebSocketEvent event, Context context) {
        var request = event.getRequestContext();
        try (var log = LogContext.open("$default", request.getRequestId(), Invocations.id(context))) {
            LogContext.put(LogField.CONNECTION_ID, request.getConnectionId());
            route(event, request);
        } finally {
            metrics.flush();
        }
        return Responses.ok();
    }

    private void route(APIGatewayV2WebSocketEvent event, APIGatewayV2WebSocketEvent.RequestContext request) {
        // Behind the authorizer, API Gateway says who sent the frame: no read of the connection record for it.
        Connection authorized = behindAuthorizer ? AuthorizedConnection.of(request.getConnectionId(),
                request.getConnectedAt(), request.getAuthorizer(), connectionTtl).orElse(null) : null;
        router.route(request.getConnectionId(), event.getBody(), authorized);
    }
}
