package dev.pulse.local.gateway;

import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent.RequestContext;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent.RequestIdentity;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Builds the events API Gateway hands to Lambda proxy integrations, field for field (GUIDE §2). */
final class WebSocketEvents {
    /** API Gateway's requestTime is in common-log format, e.g. {@code 09/Apr/2015:12:34:56 +0000}. */
    private static final DateTimeFormatter REQUEST_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.US).withZone(ZoneOffset.UTC);

    private final String stage;
    private final String apiId;
    private volatile String domainName;

    WebSocketEvents(String stage, String apiId) {
        this.stage = stage;
        this.apiId = apiId;
    }

    /** Known only once the server is bound to its port. */
    void domainName(String domainName) {
        this.domainName = domainName;
    }

    /** Headers and query string exist only on {@code $connect}; each map is null when empty, as in API Gateway. */
    APIGatewayV2WebSocketEvent connect(GatewayConnection connection, ConnectRequest request, long now) {
        var event = new APIGatewayV2WebSocketEvent();
        event.setRequestContext(context(connection, "$connect", "CONNECT", now, new RequestContext()));
        event.setHeaders(request.headers().isEmpty() ? null : lastValues(request.headers()));
        event.setMultiValueHeaders(request.headers().isEmpty() ? null : request.headers());
        event.setQueryStringParameters(request.query().isEmpty() ? null : lastValues(request.query()));
        event.setMultiValueQueryStringParameters(request.query().isEmpty() ? null : request.query());
        event.setIsBase64Encoded(false);
        return event;
    }

    /** The REQUEST authorizer's input: the {@code $connect} request's headers and query string, and the route's ARN. */
    APIGatewayCustomAuthorizerEvent authorizer(ConnectRequest request, String methodArn) {
        var event = new APIGatewayCustomAuthorizerEvent();
        event.setType("REQUEST");
        event.setMethodArn(methodArn);
        event.setHeaders(lastValues(request.headers()));
        event.setQueryStringParameters(lastValues(request.query()));
        var context = new APIGatewayCustomAuthorizerEvent.RequestContext();
        context.setApiId(apiId);
        context.setStage(stage);
        context.setRequestId(ConnectionIds.requestId());
        event.setRequestContext(context);
        return event;
    }

    APIGatewayV2WebSocketEvent message(GatewayConnection connection, String routeKey, String body, long now) {
        var event = new APIGatewayV2WebSocketEvent();
        RequestContext context = context(connection, routeKey, "MESSAGE", now, new RequestContext());
        context.setMessageId(ConnectionIds.requestId());
        event.setRequestContext(context);
        event.setBody(body);
        event.setIsBase64Encoded(false);
        return event;
    }

    APIGatewayV2WebSocketEvent disconnect(GatewayConnection connection, int statusCode, String reason, long now) {
        var event = new APIGatewayV2WebSocketEvent();
        var context = new DisconnectRequestContext();
        context.setDisconnectStatusCode(statusCode);
        context.setDisconnectReason(reason == null ? "" : reason);
        event.setRequestContext(context(connection, "$disconnect", "DISCONNECT", now, context));
        event.setIsBase64Encoded(false);
        return event;
    }

    private <C extends RequestContext> C context(
            GatewayConnection connection, String routeKey, String eventType, long now, C context) {
        context.setRouteKey(routeKey);
        context.setEventType(eventType);
        context.setConnectionId(connection.id());
        context.setRequestId(ConnectionIds.requestId());
        context.setExtendedRequestId(ConnectionIds.requestId());
        context.setRequestTimeEpoch(now);
        context.setRequestTime(REQUEST_TIME.format(Instant.ofEpochMilli(now)));
        context.setConnectedAt(connection.connectedAt());
        context.setStage(stage);
        context.setDomainName(domainName);
        context.setApiId(apiId);
        context.setMessageDirection("IN");
        // As API Gateway does: the authorizer's answer at $connect goes with every route of the connection.
        context.setAuthorizer(connection.authorizer());
        var identity = new RequestIdentity();
        identity.setSourceIp(connection.sourceIp());
        identity.setUserAgent(connection.userAgent());
        context.setIdentity(identity);
        return context;
    }

    /** API Gateway's single-value maps keep the last value of a repeated name. */
    private static Map<String, String> lastValues(Map<String, List<String>> multi) {
        var single = new java.util.LinkedHashMap<String, String>();
        multi.forEach((name, values) -> single.put(name, values.getLast()));
        return single;
    }
}
