package dev.pulse.functions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import dev.pulse.action.ActionRouter;

/** {@code $default}: every client frame; replies go through {@code @connections}, not the proxy response. */
public final class DefaultHandler implements RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> {
    private final ActionRouter router;

    public DefaultHandler() {
        this(Services.fromEnvironment());
    }

    public DefaultHandler(Services services) {
        this.router = services.router();
    }

    @Override
    public APIGatewayV2WebSocketResponse handleRequest(APIGatewayV2WebSocketEvent event, Context context) {
        router.route(event.getRequestContext().getConnectionId(), event.getBody());
        return Responses.ok();
    }
}
