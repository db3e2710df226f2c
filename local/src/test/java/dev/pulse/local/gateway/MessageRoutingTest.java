package dev.pulse.local.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import dev.pulse.protocol.Json;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;

/** Route selection on $request.body.action, and what API Gateway does when nothing matches. */
class MessageRoutingTest {
    private final GatewayFixture fixture = new GatewayFixture();

    @AfterEach
    void tearDown() throws Exception {
        fixture.close();
    }

    @Test
    void customActionGoesToItsRouteAndEverythingElseToDefault() throws Exception {
        var connect = new Recorder();
        var join = new Recorder();
        var fallback = new Recorder();
        var gateway = fixture.start(WebSocketGateway.builder()
                .route("$connect", connect).route("room.join", join).route("$default", fallback));
        var client = fixture.connect(gateway);
        String connectionId = connect.next().getRequestContext().getConnectionId();

        String joinFrame = "{\"action\":\"room.join\",\"room\":\"r1\"}";
        client.send(joinFrame);
        APIGatewayV2WebSocketEvent event = join.next();
        assertEquals(joinFrame, event.getBody());
        var context = event.getRequestContext();
        assertEquals("room.join", context.getRouteKey());
        assertEquals("MESSAGE", context.getEventType());
        assertEquals(connectionId, context.getConnectionId());
        assertNotNull(context.getMessageId());
        assertEquals("IN", context.getMessageDirection());
        assertNull(event.getHeaders(), "headers exist only on $connect");
        assertNull(event.getQueryStringParameters(), "the query string exists only on $connect");
        assertFalse(event.isIsBase64Encoded());

        for (String other : List.of("{\"action\":\"nope\"}", "not json", "{\"action\":5}", "[\"room.join\"]",
                "{\"type\":\"room.join\"}", "{\"action\":\"room.join\"")) {
            client.send(other);
            APIGatewayV2WebSocketEvent routed = fallback.next();
            assertEquals("$default", routed.getRequestContext().getRouteKey(), other);
            assertEquals(other, routed.getBody());
        }
        assertEquals(0, join.pending());
    }

    @Test
    void routeSelectionNeverAppliesToConnectOrDisconnect() throws Exception {
        var connect = new Recorder();
        var disconnect = new Recorder();
        var custom = new Recorder();
        var fallback = new Recorder();
        var gateway = fixture.start(WebSocketGateway.builder().route("$connect", connect)
                .route("$disconnect", disconnect).route("connect", custom).route("$default", fallback));
        var client = fixture.connect(gateway);

        assertEquals("$connect", connect.next().getRequestContext().getRouteKey());
        assertEquals(List.of(), fallback.drainAfter(Duration.ofMillis(100)), "opening a socket is not a message");

        client.send("{\"action\":\"$connect\"}");
        client.send("{\"action\":\"$disconnect\"}");
        assertEquals("$default", fallback.next().getRequestContext().getRouteKey());
        assertEquals("$default", fallback.next().getRequestContext().getRouteKey());
        assertEquals(List.of(), connect.drainAfter(Duration.ofMillis(100)), "a body can never select $connect");
        assertEquals(0, disconnect.pending(), "a body can never select $disconnect");
        assertEquals(0, custom.pending());
    }

    @Test
    void withoutDefaultRouteAnUnmatchedMessageGetsForbiddenAndTheSocketStaysOpen() throws Exception {
        var connect = new Recorder();
        var join = new Recorder();
        var gateway = fixture.start(WebSocketGateway.builder().route("$connect", connect).route("join", join));
        var client = fixture.connect(gateway);
        String connectionId = connect.next().getRequestContext().getConnectionId();

        client.send("{\"action\":\"leave\"}");
        var frame = Json.MAPPER.readTree(client.nextMessage());
        assertEquals("Forbidden", frame.get("message").asText());
        assertEquals(connectionId, frame.get("connectionId").asText());
        assertTrue(frame.get("requestId").asText().length() > 0);

        // Custom routes keep working without $default.
        client.send("{\"action\":\"join\"}");
        assertEquals("join", join.next().getRequestContext().getRouteKey());
        assertFalse(client.isClosed());
    }

    @Test
    void theIntegrationsResponseIsNotSentToTheClient() throws Exception {
        var connect = new Recorder();
        var fallback = new Recorder(event -> Recorder.status(200, "echo: " + event.getBody()));
        var gateway = fixture.start(WebSocketGateway.builder().route("$connect", connect).route("$default", fallback));
        var management = fixture.management(gateway);
        var client = fixture.connect(gateway);
        String connectionId = connect.next().getRequestContext().getConnectionId();

        client.send("hello");
        fallback.next();
        Thread.sleep(200);
        management.postToConnection(b -> b.connectionId(connectionId).data(SdkBytes.fromUtf8String("marker")));
        assertEquals("marker", client.nextMessage(), "replies go through @connections only");
    }

    @Test
    void anIntegrationErrorSendsInternalServerErrorAndKeepsTheSocket() throws Exception {
        var connect = new Recorder();
        var gateway = fixture.start(WebSocketGateway.builder().route("$connect", connect).route("$default", event -> {
            throw new IllegalStateException("handler bug");
        }));
        var client = fixture.connect(gateway);
        String connectionId = connect.next().getRequestContext().getConnectionId();

        client.send("boom");
        var frame = Json.MAPPER.readTree(client.nextMessage());
        assertEquals("Internal server error", frame.get("message").asText());
        assertEquals(connectionId, frame.get("connectionId").asText());
        assertFalse(client.isClosed());
    }

    @Test
    void messagesOfOneConnectionAreInvokedConcurrently() throws Exception {
        var secondArrived = new CountDownLatch(1);
        var fallback = new Recorder(event -> {
            if (event.getBody().equals("first")) {
                // Blocks until the second message is being handled: impossible if invocations were serialised.
                if (!secondArrived.await(10, TimeUnit.SECONDS)) {
                    throw new AssertionError("second message never invoked");
                }
            } else {
                secondArrived.countDown();
            }
            return Recorder.ok();
        });
        var gateway = fixture.start(WebSocketGateway.builder().route("$default", fallback));
        var client = fixture.connect(gateway);

        client.send("first");
        client.send("second");
        assertTrue(secondArrived.await(10, TimeUnit.SECONDS));
    }

    @Test
    void builderRejectsUnknownPredefinedRouteKeys() {
        assertThrows(IllegalArgumentException.class, () -> WebSocketGateway.builder().route("$other", e -> null));
        assertThrows(IllegalArgumentException.class, () -> WebSocketGateway.builder().route("", e -> null));
        assertThrows(IllegalArgumentException.class, () -> WebSocketGateway.builder().stage("a/b"));
    }
}
