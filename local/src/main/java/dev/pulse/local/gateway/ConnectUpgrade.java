package dev.pulse.local.gateway;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.eclipse.jetty.websocket.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.server.ServerUpgradeResponse;
import org.eclipse.jetty.websocket.server.WebSocketCreator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides an upgrade the way API Gateway does: the {@code $connect} integration runs while the handshake is
 * held, so the client cannot send (and {@code @connections} answers 410 for the id) before it returned. A 2xx
 * accepts the socket; any other status refuses the upgrade with that status, an exception with 500.
 */
final class ConnectUpgrade implements WebSocketCreator {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectUpgrade.class);
    private static final String INTERNAL_ERROR = "{\"message\": \"Internal server error\"}";
    /** API Gateway's quota on the length of a WebSocket API's URL, in characters. */
    static final int MAX_URL_CHARS = 4096;

    private final Routes routes;
    private final WebSocketEvents events;
    private final Connections connections;
    private final RouteInvoker invoker;
    private final Supplier<String> connectionIds;
    private final BooleanSupplier closing;
    private final int maxFrameBytes;
    private final ConnectAuthorizer authorizer;
    private final String connectArn;

    /**
     * @param authorizer the {@code $connect} route's REQUEST authorizer, or null for none
     * @param connectArn the {@code $connect} route's ARN, as the authorizer's {@code methodArn}
     */
    ConnectUpgrade(Routes routes, WebSocketEvents events, Connections connections, RouteInvoker invoker,
                   Supplier<String> connectionIds, BooleanSupplier closing, int maxFrameBytes,
                   ConnectAuthorizer authorizer, String connectArn) {
        this.authorizer = authorizer;
        this.connectArn = connectArn;
        this.routes = routes;
        this.events = events;
        this.connections = connections;
        this.invoker = invoker;
        this.connectionIds = connectionIds;
        this.closing = closing;
        this.maxFrameBytes = maxFrameBytes;
    }

    @Override
    public Object createWebSocket(ServerUpgradeRequest request, ServerUpgradeResponse response, Callback callback) {
        if (closing.getAsBoolean()) {
            return refuse(response, callback, HttpStatus.SERVICE_UNAVAILABLE_503, null, null);
        }
        // Refused before $connect, as API Gateway refuses a longer URL: a token in the query string that works
        // here must work there. (Jetty itself takes request lines far longer, see WebSocketGateway.)
        int urlLength = "ws://".length() + Objects.toString(request.getHttpURI().getAuthority(), "").length()
                + Objects.toString(request.getHttpURI().getPathQuery(), "").length();
        if (urlLength > MAX_URL_CHARS) {
            return refuse(response, callback, HttpStatus.URI_TOO_LONG_414,
                    "URL of " + urlLength + " characters; at most " + MAX_URL_CHARS, null);
        }
        long now = System.currentTimeMillis();
        String sourceIp = Request.getRemoteAddr(request);
        var connection = new GatewayConnection(newId(), now, sourceIp,
                request.getHeaders().get(HttpHeader.USER_AGENT), maxFrameBytes);
        // API Gateway negotiates no extensions (no permessage-deflate), so neither do we.
        response.setExtensions(List.of());

        var connectRequest = ConnectRequest.of(request, sourceIp);
        if (authorizer != null) {
            var verdict = authorize(connectRequest);
            if (!verdict.allowed()) {
                return refuse(response, callback, verdict.status(), verdict.body(), "application/json");
            }
            connection.authorizer(verdict.authorizer());
        }
        WebSocketIntegration integration = routes.connect();
        if (integration != null) {
            APIGatewayV2WebSocketResponse result;
            try {
                result = integration.handle(events.connect(connection, connectRequest, now));
            } catch (Exception | LinkageError e) {
                LOG.warn("$connect integration failed", e);
                return refuse(response, callback, 500, INTERNAL_ERROR, "application/json");
            }
            // A proxy response without a status code (or no response at all) counts as 200, as in API Gateway.
            int status = result == null || result.getStatusCode() == 0 ? 200 : result.getStatusCode();
            if (status < 200 || status > 599) {
                LOG.warn("$connect integration returned invalid status {}", status);
                return refuse(response, callback, 502, INTERNAL_ERROR, "application/json");
            }
            if (status > 299) {
                return refuse(response, callback, status, result.getBody(), header(result, "Content-Type"));
            }
            selectSubprotocol(request, response, result);
        }
        // From here the id is reachable through @connections, as on AWS once $connect returned.
        connections.add(connection);
        Request.addCompletionListener(request, failure -> {
            if (failure != null && !connection.hasOpened()) {
                // The handshake broke after $connect accepted it: end the connection like any other.
                connection.abandon();
                invoker.disconnected(connection, StatusCode.ABNORMAL, "Handshake failed");
            }
        });
        return new ConnectionEndpoint(connection, invoker);
    }

    private AuthorizerVerdict authorize(ConnectRequest request) {
        long started = System.nanoTime();
        Map<String, Object> answer;
        try {
            answer = authorizer.authorize(events.authorizer(request, connectArn));
        } catch (Exception | LinkageError e) {
            return AuthorizerVerdict.UNAUTHORIZED.equals(e.getMessage()) ? AuthorizerVerdict.unauthorized()
                    : AuthorizerVerdict.failed(e.toString());
        }
        return AuthorizerVerdict.of(answer, connectArn, (System.nanoTime() - started) / 1_000_000);
    }

    /**
     * API Gateway selects a subprotocol only when {@code $connect} returns a Sec-WebSocket-Protocol header;
     * otherwise the 101 carries none, and browsers that offered subprotocols then fail the handshake. That
     * is deliberate parity: the same mistake must fail here as it does on AWS. We only echo a protocol the
     * client offered, since a client must reject one it did not.
     */
    private static void selectSubprotocol(ServerUpgradeRequest request, ServerUpgradeResponse response,
                                          APIGatewayV2WebSocketResponse result) {
        String chosen = header(result, "Sec-WebSocket-Protocol");
        if (chosen != null && request.hasSubProtocol(chosen.trim())) {
            response.setAcceptedSubProtocol(chosen.trim());
        } else {
            response.setAcceptedSubProtocol(null);
        }
    }

    private static String header(APIGatewayV2WebSocketResponse result, String name) {
        if (result == null) {
            return null;
        }
        Map<String, String> headers = result.getHeaders();
        if (headers != null) {
            for (var entry : headers.entrySet()) {
                if (name.equalsIgnoreCase(entry.getKey())) {
                    return entry.getValue();
                }
            }
        }
        Map<String, String[]> multi = result.getMultiValueHeaders();
        if (multi != null) {
            for (var entry : multi.entrySet()) {
                if (name.equalsIgnoreCase(entry.getKey()) && entry.getValue() != null && entry.getValue().length > 0) {
                    return entry.getValue()[0];
                }
            }
        }
        return null;
    }

    /** Ends the handshake with a plain HTTP response; per Jetty's contract we then complete the callback and return null. */
    private static Object refuse(ServerUpgradeResponse response, Callback callback, int status, String body,
                                 String contentType) {
        response.setStatus(status);
        if (body == null || body.isEmpty()) {
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, 0L);
            callback.succeeded();
        } else {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType == null ? "text/plain;charset=utf-8" : contentType);
            Content.Sink.write(response, true, body, callback);
        }
        return null;
    }

    private String newId() {
        // 88 random bits make a clash practically impossible; the check keeps a clash from hijacking a socket.
        for (int attempt = 0; attempt < 16; attempt++) {
            String id = connectionIds.get();
            if (!connections.contains(id)) {
                return id;
            }
        }
        throw new IllegalStateException("connection id source keeps returning ids in use");
    }
}
