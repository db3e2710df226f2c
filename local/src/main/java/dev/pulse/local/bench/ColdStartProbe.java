package dev.pulse.local.bench;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import dev.pulse.functions.ConnectHandler;
import dev.pulse.functions.DefaultHandler;
import dev.pulse.functions.DisconnectHandler;
import dev.pulse.functions.FanOutHandler;
import dev.pulse.local.lambda.LocalLambdaContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One cold start, in a fresh JVM whose class path is the deployable Lambda jar: builds the handler the way
 * the Lambda runtime does (no-arg constructor, configuration from the environment), handles one event
 * against DynamoDB Local, and prints {@code HANDLED <status>}. The parent process times it from spawn.
 *
 * <p>Arguments: handler name (connect | disconnect | default | fanout), connection id, token.
 */
public final class ColdStartProbe {
    private ColdStartProbe() {
    }

    public static void main(String[] args) throws Exception {
        String handler = args[0];
        String connectionId = args[1];
        String token = args[2];
        var context = new LocalLambdaContext("cold-" + handler, 29_000);
        String status = switch (handler) {
            case "connect" -> {
                var event = event("$connect", "CONNECT", connectionId);
                event.setQueryStringParameters(Map.of("token", token));
                yield String.valueOf(new ConnectHandler().handleRequest(event, context).getStatusCode());
            }
            case "default" -> {
                var event = event("$default", "MESSAGE", connectionId);
                event.setBody("{\"action\":\"ping\",\"id\":\"cold\"}");
                yield String.valueOf(new DefaultHandler().handleRequest(event, context).getStatusCode());
            }
            case "disconnect" -> String.valueOf(
                    new DisconnectHandler().handleRequest(event("$disconnect", "DISCONNECT", connectionId), context).getStatusCode());
            case "fanout" -> {
                String detail = "{\"envelope\":\"pulse.v1\",\"eventId\":\"cold-evt-1\",\"workspaceId\":\"cold\","
                        + "\"targets\":{\"workspace\":true,\"users\":[],\"rooms\":[]},\"publishedAt\":\"2026-11-22T10:00:00.000Z\","
                        + "\"data\":{\"n\":1}}";
                String event = "{\"version\":\"0\",\"id\":\"e1\",\"detail-type\":\"cold.start\",\"source\":\"bench\","
                        + "\"account\":\"000000000000\",\"time\":\"2026-11-22T10:00:00Z\",\"region\":\"us-east-1\","
                        + "\"resources\":[],\"detail\":" + detail + "}";
                var out = new ByteArrayOutputStream();
                new FanOutHandler().handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, context);
                yield out.toString(StandardCharsets.UTF_8).contains("\"error\"") ? "error" : "200";
            }
            case "fanout-catalog" -> {
                // A raw HYVVE domain event (no envelope), validated and routed by the catalog (PULSE_CATALOG=hyvve).
                String detail = "{\"id\":\"ntf_1\",\"workspaceId\":\"cold\",\"userId\":\"cold-user\","
                        + "\"type\":\"approval.assigned\",\"title\":\"You have a new approval\","
                        + "\"createdAt\":\"2026-11-22T10:00:00Z\"}";
                String event = "{\"version\":\"0\",\"id\":\"e2\",\"detail-type\":\"notification.new\",\"source\":\"hyvve.api\","
                        + "\"account\":\"000000000000\",\"time\":\"2026-11-22T10:00:00Z\",\"region\":\"us-east-1\","
                        + "\"resources\":[],\"detail\":" + detail + "}";
                var out = new ByteArrayOutputStream();
                new FanOutHandler().handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, context);
                yield out.toString(StandardCharsets.UTF_8).contains("\"error\"") ? "error" : "200";
            }
            default -> throw new IllegalArgumentException("unknown handler " + handler);
        };
        System.out.println("HANDLED " + status);
        System.out.flush();
        System.exit(0);
    }

    private static APIGatewayV2WebSocketEvent event(String route, String type, String connectionId) {
        var context = new APIGatewayV2WebSocketEvent.RequestContext();
        context.setRouteKey(route);
        context.setEventType(type);
        context.setConnectionId(connectionId);
        context.setStage("local");
        var event = new APIGatewayV2WebSocketEvent();
        event.setRequestContext(context);
        return event;
    }
}
