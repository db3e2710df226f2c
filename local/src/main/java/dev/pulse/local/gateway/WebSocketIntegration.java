package dev.pulse.local.gateway;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;

/**
 * What a route of the emulated API Gateway WebSocket API invokes: the local stand-in for a Lambda proxy
 * integration. The local runtime wraps the real Lambda handlers in this, so they see the same event types.
 */
@FunctionalInterface
public interface WebSocketIntegration {
    APIGatewayV2WebSocketResponse handle(APIGatewayV2WebSocketEvent event) throws Exception;
}
