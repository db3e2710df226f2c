package dev.pulse.local.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The handlers' own endpoint of the {@code @connections} API ({@link WebSocketGateway#handlerEndpoint()}): the same
 * API as on the gateway's port, with the same checks, on loopback only, and gone with the gateway.
 * {@link DirectPostSenderTest} and {@link ConcurrentPostTest} post through it as the handlers do.
 */
class HandlerEndpointTest {
    private final GatewayFixture fixture = new GatewayFixture();

    @AfterEach
    void tearDown() throws Exception {
        fixture.close();
    }

    @Test
    void itIsOnLoopbackOnAPortOfItsOwnAndDeliversAsTheGatewaysPortDoes() throws Exception {
        var target = connected();
        var gateway = target.gateway();
        var client = target.client();
        String id = target.encodedId();

        URI handlers = gateway.handlerEndpoint();
        assertEquals("127.0.0.1", handlers.getHost());
        assertNotEquals(gateway.port(), handlers.getPort());
        assertEquals("/" + gateway.stage(), handlers.getPath());

        assertEquals(200, signed(handlers, "POST", id, "via the handlers' port").statusCode());
        assertEquals("via the handlers' port", client.nextMessage());
        assertEquals(200, signed(gateway.managementEndpoint(), "POST", id, "via the gateway's port").statusCode());
        assertEquals("via the gateway's port", client.nextMessage());
        assertEquals(200, signed(handlers, "GET", id, null).statusCode());
        assertEquals(2, gateway.postRequests(), "posts at both ports are counted");
    }

    @Test
    void unsignedAndForeignCallsAreRefusedThereToo() throws Exception {
        var target = connected();
        var gateway = target.gateway();
        var client = target.client();
        String id = target.encodedId();
        URI uri = URI.create(gateway.handlerEndpoint() + "/@connections/" + id);

        var unsigned = fixture.http.send(HttpRequest.newBuilder(uri)
                .POST(HttpRequest.BodyPublishers.ofString("forged")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(403, unsigned.statusCode());
        assertEquals("MissingAuthenticationTokenException", unsigned.headers().firstValue("x-amzn-ErrorType").orElseThrow());
        var foreign = fixture.http.send(SignedRequests.signed("POST", uri, "forged".getBytes(StandardCharsets.UTF_8),
                software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("AKIDLOCAL", "wrong"),
                gateway.region(), Clock.systemUTC()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(403, foreign.statusCode());
        assertEquals(410, signed(gateway.handlerEndpoint(), "POST", "bm9ib2R5", "x").statusCode(), "an unknown id");
        assertNull(client.pollMessage(300), "nothing forged arrived");
    }

    @Test
    void faultsSwitchedOnApplyAtBothPorts() throws Exception {
        var target = connected();
        var gateway = target.gateway();
        var client = target.client();
        String id = target.encodedId();

        gateway.failPosts(connectionId -> 429);
        var throttled = signed(gateway.handlerEndpoint(), "POST", id, "x");
        assertEquals(429, throttled.statusCode());
        assertEquals("LimitExceededException", throttled.headers().firstValue("x-amzn-ErrorType").orElseThrow());
        assertEquals(429, signed(gateway.managementEndpoint(), "POST", id, "x").statusCode());
        gateway.failPosts(null);
        assertEquals(200, signed(gateway.handlerEndpoint(), "POST", id, "after").statusCode());
        assertEquals("after", client.nextMessage());
    }

    @Test
    void itClosesWithTheGateway() throws Exception {
        var gateway = fixture.start(WebSocketGateway.builder());
        URI handlers = gateway.handlerEndpoint();
        gateway.close();
        assertThrows(IOException.class, () -> signed(handlers, "POST", "bm9ib2R5", "x"));
    }

    /** A gateway with one open connection, and that connection's id as it goes into a path. */
    private record Connected(WebSocketGateway gateway, TestClient client, String encodedId) {
    }

    private Connected connected() throws Exception {
        var connect = new Recorder();
        var gateway = fixture.start(WebSocketGateway.builder().route("$connect", connect));
        var client = fixture.connect(gateway);
        return new Connected(gateway, client, encode(connect.next().getRequestContext().getConnectionId()));
    }

    private HttpResponse<String> signed(URI endpoint, String method, String encodedId, String body) throws Exception {
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        var request = SignedRequests.signed(method, URI.create(endpoint + "/@connections/" + encodedId), bytes,
                GatewayFixture.CREDENTIALS, "us-east-1", Clock.systemUTC());
        return fixture.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String encode(String id) {
        return id.replace("+", "%2B").replace("/", "%2F").replace("=", "%3D");
    }
}
