package dev.pulse.functions;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;

final class Responses {
    private Responses() {
    }

    static APIGatewayV2WebSocketResponse ok() {
        var response = new APIGatewayV2WebSocketResponse();
        response.setStatusCode(200);
        return response;
    }
}
