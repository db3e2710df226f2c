package dev.pulse.local.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import java.net.URI;
import java.net.http.WebSocketHandshakeException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code $connect} REQUEST authorizer as API Gateway runs it: before {@code $connect}, with the request's headers and
 * query string; its Allow lets the connection in and its context reaches every route, stringified; Deny is 403, a thrown
 * {@code Unauthorized} 401, anything else (another exception, a context over 8 KB or with a nested value) 500, and then
 * {@code $connect} never runs. The authorizers here are small real functions, as a Lambda authorizer is one.
 */
class ConnectAuthorizerTest {
    private final GatewayFixture fixture = new GatewayFixture();
    private final LinkedBlockingQueue<APIGatewayCustomAuthorizerEvent> asked = new LinkedBlockingQueue<>();

    @AfterEach
    void tearDown() throws Exception {
        fixture.close();
    }

    private static Map<String, Object> answer(String effect, String resource, Map<String, Object> context) {
        return Map.of("principalId", "u-7",
                "policyDocument", Map.of("Version", "2012-10-17", "Statement", List.of(
                        Map.of("Action", "execute-api:Invoke", "Effect", effect, "Resource", resource))),
                "context", context);
    }

    @Test
    void anAllowPassesItsContextStringifiedToEveryRoute() throws Exception {
        var connect = new Recorder();
        var message = new Recorder();
        var disconnect = new Recorder();
        var gateway = fixture.start(WebSocketGateway.builder().stage("dev").apiId("abc123")
                .authorizer(event -> {
                    asked.add(event);
                    return answer("Allow", event.getMethodArn(), Map.of("userId", "u-7", "seats", 3, "admin", true));
                })
                .route("$connect", connect).route("$default", message).route("$disconnect", disconnect));
        var client = TestClient.connect(fixture.http, URI.create(gateway.webSocketUri() + "?token=abc"),
                b -> b.header("X-Tenant", "acme"));

        var request = asked.poll(10, TimeUnit.SECONDS);
        assertEquals("REQUEST", request.getType());
        assertTrue(request.getMethodArn().endsWith(":abc123/dev/$connect"), request.getMethodArn());
        assertEquals("abc", request.getQueryStringParameters().get("token"));
        assertEquals("acme", request.getHeaders().get("X-Tenant"));

        var expected = Map.of("userId", "u-7", "seats", "3", "admin", "true", "principalId", "u-7");
        var atConnect = connect.next().getRequestContext().getAuthorizer();
        assertTrue(atConnect.entrySet().containsAll(expected.entrySet()), atConnect.toString());
        assertInstanceOf(Number.class, atConnect.get("integrationLatency"));
        client.send("{\"action\":\"ping\"}");
        assertEquals(atConnect, message.next().getRequestContext().getAuthorizer());
        client.close();
        assertEquals(atConnect, disconnect.next().getRequestContext().getAuthorizer());
    }

    @Test
    void withoutAnAuthorizerRoutesGetNoAuthorizerContext() throws Exception {
        var connect = new Recorder();
        var gateway = fixture.start(WebSocketGateway.builder().route("$connect", connect));
        fixture.track(TestClient.connect(fixture.http, gateway.webSocketUri()));
        assertNull(connect.next().getRequestContext().getAuthorizer());
    }

    @Test
    void refusalsHaveApiGatewaysStatusesAndConnectNeverRuns() throws Exception {
        assertRefused(event -> answer("Deny", event.getMethodArn(), Map.of()), 403);
        assertRefused(event -> answer("Allow", "arn:aws:execute-api:us-east-1:1:other/local/$connect", Map.of()), 403);
        assertRefused(event -> {
            throw new IllegalStateException("Unauthorized");
        }, 401);
        assertRefused(event -> {
            throw new IllegalStateException("introspection endpoint down");
        }, 500);
        assertRefused(event -> answer("Allow", "*", Map.of("big", "x".repeat(AuthorizerVerdict.MAX_CONTEXT_BYTES))), 500);
        assertRefused(event -> answer("Allow", "*", Map.of("nested", Map.of("a", "b"))), 500);
        assertRefused(event -> Map.of("policyDocument", Map.of()), 500);
    }

    private void assertRefused(ConnectAuthorizer authorizer, int status) throws Exception {
        var connect = new Recorder();
        try (var local = new GatewayFixture()) {
            var gateway = local.start(WebSocketGateway.builder().authorizer(authorizer).route("$connect", connect));
            var failure = assertThrows(ExecutionException.class, () -> TestClient.connect(local.http, gateway.webSocketUri()));
            assertEquals(status, assertInstanceOf(WebSocketHandshakeException.class, failure.getCause()).getResponse()
                    .statusCode());
            assertEquals(0, connect.pending(), "$connect must not run after the authorizer refused");
        }
    }
}
