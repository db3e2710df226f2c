package dev.pulse.local.gateway;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A test integration standing in for a Lambda handler: records every event, then behaves as told. */
final class Recorder implements WebSocketIntegration {
    private final BlockingQueue<APIGatewayV2WebSocketEvent> events = new LinkedBlockingQueue<>();
    private final WebSocketIntegration behaviour;

    Recorder() {
        this(event -> ok());
    }

    Recorder(WebSocketIntegration behaviour) {
        this.behaviour = behaviour;
    }

    static APIGatewayV2WebSocketResponse ok() {
        return status(200, null);
    }

    static APIGatewayV2WebSocketResponse status(int status, String body) {
        var response = new APIGatewayV2WebSocketResponse();
        response.setStatusCode(status);
        response.setBody(body);
        return response;
    }

    static APIGatewayV2WebSocketResponse withHeader(String name, String value) {
        var response = ok();
        response.setHeaders(Map.of(name, value));
        return response;
    }

    @Override
    public APIGatewayV2WebSocketResponse handle(APIGatewayV2WebSocketEvent event) throws Exception {
        events.add(event);
        return behaviour.handle(event);
    }

    APIGatewayV2WebSocketEvent next() throws InterruptedException {
        APIGatewayV2WebSocketEvent event = events.poll(10, TimeUnit.SECONDS);
        assertNotNull(event, "integration was not invoked");
        return event;
    }

    /** Waits a little to prove a negative: nothing (more) arrives. */
    List<APIGatewayV2WebSocketEvent> drainAfter(Duration wait) throws InterruptedException {
        Thread.sleep(wait.toMillis());
        var rest = new java.util.ArrayList<APIGatewayV2WebSocketEvent>();
        events.drainTo(rest);
        return rest;
    }

    int pending() {
        return events.size();
    }
}
