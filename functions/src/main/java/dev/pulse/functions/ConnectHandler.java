package dev.pulse.functions;

import dev.pulse.support.metrics.Metric;
import dev.pulse.support.metrics.Metrics;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import dev.pulse.connection.ConnectionLifecycle;
import dev.pulse.support.log.LogField;
import dev.pulse.support.log.LogContext;
import java.util.Map;

/** {@code $connect}: a non-2xx status refuses the upgrade; a subprotocol is accepted only if answered here. */
public final class ConnectHandler implements RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> {
    private final ConnectionLifecycle lifecycle;
    private final boolean behindAuthorizer;
    private final Metrics metrics;

    public ConnectHandler() {
        this(Services.fromEnvironment());
    }

    public ConnectHandler(Services services) {
        if (!services.authenticates()) {
            throw new IllegalStateException("$connect needs PULSE_JWT_SECRET, PULSE_JWT_JWKS_URL or PULSE_AUTH_INTROSPECTION_URL");
        }
        this.lifecycle = services.lifecycle();
        this.metrics = services.metrics();
        this.behindAuthorizer = services.config().connections().connectAuthorizer();
    }

    @Override
    public APIGatewayV2WebSocketResponse handleRequest(APIGatewayV2WebSocketEvent event, Context context) {
        var request = event.getRequestContext();
        try (var log = LogContext.open("$connect", request.getRequestId(), Invocations.id(context))) {
            LogContext.put(LogField.CONNECTION_ID, request.getConnectionId());
            return connect(event, request);
        } finally {
            metrics.flush();
        }
    }

    private APIGatewayV2WebSocketResponse connect(APIGatewayV2WebSocketEvent event,
                                                  APIGatewayV2WebSocketEvent.RequestContext request) {
        var outcome = behindAuthorizer
                ? lifecycle.connectAuthorized(request.getConnectionId(), request.getAuthorizer(),
                        event.getQueryStringParameters(), event.getHeaders())
                : lifecycle.connect(request.getConnectionId(), event.getQueryStringParameters(), event.getHeaders());
        if (outcome.isAccepted()) {
            metrics.count(Metric.CONNECTS);
        } else {
            metrics.count(Metric.CONNECTS_REFUSED, "Reason", outcome.reason());
        }
        var response = new APIGatewayV2WebSocketResponse();
        response.setStatusCode(outcome.status());
        if (outcome.subprotocol() != null) {
            response.setHeaders(Map.of("Sec-WebSocket-Protocol", outcome.subprotocol()));
        }
        if (!outcome.isAccepted()) {
            response.setBody(outcome.reason());
        }
        return response;
    }
}
