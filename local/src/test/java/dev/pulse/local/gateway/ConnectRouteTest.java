package dev.pulse.local.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import java.net.URI;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.GoneException;

/** $connect parity: invoked before the socket opens, sees query and headers, and can refuse the upgrade. */
class ConnectRouteTest {
    private final GatewayFixture fixture = new GatewayFixture();

    @AfterEach
    void tearDown() throws Exception {
        fixture.close();
    }

    @Test
    void aHeaderOf100KiBReachesConnectSoItCanRefuseWithItsOwnStatus() throws Exception {
        var connect = new Recorder();
        var gateway = fixture.start(WebSocketGateway.builder().route("$connect", connect));
        String huge = "Bearer " + "a".repeat(100 * 1024);
        fixture.track(TestClient.connect(fixture.http, gateway.webSocketUri(), b -> b.header("Authorization", huge)));

        assertEquals(huge, connect.next().getHeaders().get("Authorization"));
    }

    @Test
    void aUrlOver4096CharactersIsRefusedWith414BeforeConnect() throws Exception {
        var connect = new Recorder();
        var gateway = fixture.start(WebSocketGateway.builder().route("$connect", connect));
        String base = gateway.webSocketUri() + "?token=";
        URI longest = URI.create(base + "t".repeat(ConnectUpgrade.MAX_URL_CHARS - base.length()));
        URI tooLong = URI.create(base + "t".repeat(ConnectUpgrade.MAX_URL_CHARS - base.length() + 1));

        fixture.track(TestClient.connect(fixture.http, longest));
        assertEquals(longest.getRawQuery().substring("token=".length()), connect.next().getQueryStringParameters().get("token"));
        var failure = assertThrows(ExecutionException.class, () -> TestClient.connect(fixture.http, tooLong));
        assertEquals(414, assertInstanceOf(WebSocketHandshakeException.class, failure.getCause()).getResponse().statusCode());
        assertEquals(0, connect.pending(), "$connect must not run for a URL API Gateway refuses");
    }

    @Test
    void connectSeesQueryParametersHeadersAndRequestContext() throws Exception {
        var connect = new Recorder();
        var gateway = fixture.start(WebSocketGateway.builder().stage("dev").apiId("abc123").route("$connect", connect));
        URI uri = URI.create(gateway.webSocketUri() + "?token=t%2B1&room=a&room=b&q=a+b%21&flag");
        fixture.track(TestClient.connect(fixture.http, uri, b -> b.header("X-Tenant", "acme").header("X-Multi", "1")
                .header("X-Multi", "2")));

        APIGatewayV2WebSocketEvent event = connect.next();
        assertEquals(Map.of("token", "t+1", "room", "b", "q", "a b!", "flag", ""), event.getQueryStringParameters());
        assertEquals(List.of("a", "b"), event.getMultiValueQueryStringParameters().get("room"));
        assertEquals("acme", event.getHeaders().get("X-Tenant"));
        assertEquals("2", event.getHeaders().get("X-Multi"));
        assertEquals(List.of("1", "2"), event.getMultiValueHeaders().get("X-Multi"));
        assertEquals("localhost:" + gateway.port(), event.getHeaders().get("Host"));
        assertEquals("127.0.0.1", event.getHeaders().get("X-Forwarded-For"));
        assertTrue(event.getHeaders().containsKey("Sec-WebSocket-Key"));
        assertFalse(event.isIsBase64Encoded());
        assertNull(event.getBody());

        var context = event.getRequestContext();
        assertEquals("$connect", context.getRouteKey());
        assertEquals("CONNECT", context.getEventType());
        assertTrue(context.getConnectionId().matches("[A-Za-z0-9+/]{15}="), context.getConnectionId());
        assertEquals("dev", context.getStage());
        assertEquals("abc123", context.getApiId());
        assertEquals("localhost:" + gateway.port(), context.getDomainName());
        assertEquals("IN", context.getMessageDirection());
        assertNull(context.getMessageId());
        assertTrue(context.getRequestId() != null && !context.getRequestId().equals(context.getExtendedRequestId()));
        assertTrue(context.getConnectedAt() > 0);
        assertTrue(context.getRequestTimeEpoch() >= context.getConnectedAt());
        assertTrue(context.getRequestTime().matches("\\d{2}/[A-Z][a-z]{2}/\\d{4}:\\d{2}:\\d{2}:\\d{2} \\+0000"),
                context.getRequestTime());
        assertEquals("127.0.0.1", context.getIdentity().getSourceIp());
        assertTrue(context.getIdentity().getUserAgent().startsWith("Java-http-client"), context.getIdentity().getUserAgent());
    }

    @Test
    void connectWithoutQueryStringHasNullQueryMaps() throws Exception {
        var connect = new Recorder();
        var gateway = fixture.start(WebSocketGateway.builder().route("$connect", connect));
        fixture.connect(gateway);

        APIGatewayV2WebSocketEvent event = connect.next();
        assertNull(event.getQueryStringParameters());
        assertNull(event.getMultiValueQueryStringParameters());
    }

    @Test
    void connectReturning401RefusesTheUpgradeWith401() throws Exception {
        assertRefusedWith(401);
    }

    @Test
    void connectReturning403RefusesTheUpgradeWith403() throws Exception {
        assertRefusedWith(403);
    }

    private void assertRefusedWith(int status) throws Exception {
        var connect = new Recorder(event -> Recorder.status(status, "{\"message\":\"nope\"}"));
        var disconnect = new Recorder();
        var gateway = fixture.start(WebSocketGateway.builder().route("$connect", connect).route("$disconnect", disconnect));

        var failure = assertThrows(ExecutionException.class,
                () -> TestClient.connect(fixture.http, gateway.webSocketUri()));
        var handshake = assertInstanceOf(WebSocketHandshakeException.class, failure.getCause());
        assertEquals(status, handshake.getResponse().statusCode());
        assertEquals("{\"message\":\"nope\"}", handshake.getResponse().body());
        assertEquals(0, gateway.connectionCount());
        // A refused connection never existed: no $disconnect for it.
        assertEquals(List.of(), disconnect.drainAfter(Duration.ofMillis(200)));
    }

    @Test
    void connectThrowingRefusesTheUpgradeWith500() throws Exception {
        var gateway = fixture.start(WebSocketGateway.builder().route("$connect", event -> {
            throw new IllegalStateException("handler bug");
        }));

        var failure = assertThrows(ExecutionException.class,
                () -> TestClient.connect(fixture.http, gateway.webSocketUri()));
        assertEquals(500, assertInstanceOf(WebSocketHandshakeException.class, failure.getCause()).getResponse().statusCode());
    }

    @Test
    void socketOpensOnlyAfterConnectReturnedAndIsUnreachableBefore() throws Exception {
        var returned = new AtomicBoolean();
        var postDuringConnect = new AtomicReference<Throwable>();
        var management = new AtomicReference<software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient>();
        var gateway = fixture.start(WebSocketGateway.builder().route("$connect", event -> {
            String id = event.getRequestContext().getConnectionId();
            try {
                management.get().postToConnection(b -> b.connectionId(id).data(SdkBytes.fromUtf8String("too early")));
            } catch (Exception e) {
                postDuringConnect.set(e);
            }
            Thread.sleep(300);
            returned.set(true);
            return Recorder.ok();
        }));
        management.set(fixture.management(gateway));

        var client = fixture.track(TestClient.connectAsync(fixture.http, gateway.webSocketUri(), b -> { })
                .get(10, TimeUnit.SECONDS));
        client.opened().get(10, TimeUnit.SECONDS);
        assertTrue(returned.get(), "the socket opened before $connect returned");
        assertInstanceOf(GoneException.class, postDuringConnect.get(), "a post during $connect must be 410 Gone");
        assertNull(client.pollMessage(200), "the early post must not be delivered later either");
        assertEquals(1, gateway.connectionCount());
    }

    @Test
    void aPostRightAfterConnectReturnedIsDelivered() throws Exception {
        var management = new AtomicReference<software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient>();
        var gateway = fixture.start(WebSocketGateway.builder().route("$connect", event -> {
            String id = event.getRequestContext().getConnectionId();
            // The common "welcome message" pattern: something else posts as soon as the connection exists.
            Thread.ofVirtual().start(() -> {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (System.nanoTime() < deadline) {
                    try {
                        management.get().postToConnection(b -> b.connectionId(id).data(SdkBytes.fromUtf8String("welcome")));
                        return;
                    } catch (GoneException notYet) {
                        Thread.onSpinWait();
                    }
                }
            });
            return Recorder.ok();
        }));
        management.set(fixture.management(gateway));

        var client = fixture.connect(gateway);
        assertEquals("welcome", client.nextMessage());
        assertNull(client.pollMessage(200), "delivered exactly once");
    }

    @Test
    void aHandshakeLostAfterConnectAcceptedStillGetsItsDisconnect() throws Exception {
        var connect = new Recorder(event -> {
            Thread.sleep(300);
            return Recorder.ok();
        });
        var disconnect = new Recorder();
        var gateway = fixture.start(WebSocketGateway.builder().route("$connect", connect).route("$disconnect", disconnect));

        try (var socket = new java.net.Socket("127.0.0.1", gateway.port())) {
            socket.setSoLinger(true, 0); // close with a reset, so writing the 101 fails
            socket.getOutputStream().write(("GET /local HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            connect.next();
        } // the client vanishes while $connect still runs

        var lost = assertInstanceOf(DisconnectRequestContext.class, disconnect.next().getRequestContext());
        assertEquals(1006, lost.getDisconnectStatusCode());
        assertEquals("Handshake failed", lost.getDisconnectReason());
        GatewayFixture.eventually(() -> gateway.connectionCount() == 0, "connection removed");
    }

    @Test
    void withoutConnectRouteEveryConnectionIsAccepted() throws Exception {
        var gateway = fixture.start(WebSocketGateway.builder().route("$default", new Recorder()));
        fixture.connect(gateway);
        GatewayFixture.eventually(() -> gateway.connectionCount() == 1, "connection registered");
    }

    @Test
    void subprotocolIsSelectedOnlyWhenConnectReturnsIt() throws Exception {
        var chosen = new AtomicReference<String>();
        var gateway = fixture.start(WebSocketGateway.builder().route("$connect",
                event -> chosen.get() == null ? Recorder.ok() : Recorder.withHeader("Sec-WebSocket-Protocol", chosen.get())));

        chosen.set("pulse.v1");
        var selected = fixture.track(TestClient.connect(fixture.http, gateway.webSocketUri(),
                b -> b.subprotocols("pulse.v1", "other")));
        assertEquals("pulse.v1", selected.webSocket().getSubprotocol());

        chosen.set(null);
        var none = fixture.track(TestClient.connect(fixture.http, gateway.webSocketUri(),
                b -> b.subprotocols("pulse.v1", "other")));
        assertEquals("", none.webSocket().getSubprotocol(), "API Gateway selects no subprotocol on its own");

        chosen.set("not-offered");
        var notOffered = fixture.track(TestClient.connect(fixture.http, gateway.webSocketUri(),
                b -> b.subprotocols("pulse.v1")));
        assertEquals("", notOffered.webSocket().getSubprotocol());
    }
}
