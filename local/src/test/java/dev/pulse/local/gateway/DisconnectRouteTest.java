package dev.pulse.local.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.GoneException;

/** $disconnect parity: invoked once for every way a connection ends, with the connection's own id. */
class DisconnectRouteTest {
    private final GatewayFixture fixture = new GatewayFixture();

    @AfterEach
    void tearDown() throws Exception {
        fixture.close();
    }

    @Test
    void clientCloseInvokesDisconnectOnceWithTheSameConnectionId() throws Exception {
        var connect = new Recorder();
        var disconnect = new Recorder();
        var gateway = fixture.start(WebSocketGateway.builder().route("$connect", connect).route("$disconnect", disconnect));
        var client = fixture.connect(gateway);
        APIGatewayV2WebSocketEvent connected = connect.next();

        client.webSocket().sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(10, TimeUnit.SECONDS);
        APIGatewayV2WebSocketEvent event = disconnect.next();
        var context = event.getRequestContext();
        assertEquals(connected.getRequestContext().getConnectionId(), context.getConnectionId());
        assertEquals("$disconnect", context.getRouteKey());
        assertEquals("DISCONNECT", context.getEventType());
        assertEquals(connected.getRequestContext().getConnectedAt(), context.getConnectedAt());
        assertNull(event.getHeaders());
        assertNull(event.getQueryStringParameters());
        assertNull(event.getBody());
        var disconnectContext = assertInstanceOf(DisconnectRequestContext.class, context);
        assertEquals(1000, disconnectContext.getDisconnectStatusCode());
        assertEquals("bye", disconnectContext.getDisconnectReason());

        assertEquals(List.of(), disconnect.drainAfter(Duration.ofMillis(300)), "$disconnect runs exactly once");
        GatewayFixture.eventually(() -> gateway.connectionCount() == 0, "connection removed");
    }

    @Test
    void deleteClosesWith1000AndInvokesDisconnect() throws Exception {
        var connect = new Recorder();
        var disconnect = new Recorder();
        var gateway = fixture.start(WebSocketGateway.builder().route("$connect", connect).route("$disconnect", disconnect));
        var management = fixture.management(gateway);
        var client = fixture.connect(gateway);
        String connectionId = connect.next().getRequestContext().getConnectionId();

        var response = management.deleteConnection(b -> b.connectionId(connectionId));
        assertEquals(204, response.sdkHttpResponse().statusCode());
        assertEquals(1000, client.awaitClose().code());
        assertEquals(connectionId, disconnect.next().getRequestContext().getConnectionId());
        assertThrows(GoneException.class, () -> management.postToConnection(
                b -> b.connectionId(connectionId).data(SdkBytes.fromUtf8String("late"))));
        assertThrows(GoneException.class, () -> management.deleteConnection(b -> b.connectionId(connectionId)));
        assertEquals(List.of(), disconnect.drainAfter(Duration.ofMillis(300)), "$disconnect runs exactly once");
    }

    @Test
    void aFailingDisconnectIsOnlyLogged() throws Exception {
        var connect = new Recorder();
        var disconnect = new Recorder(event -> {
            throw new IllegalStateException("cleanup failed");
        });
        var gateway = fixture.start(WebSocketGateway.builder().route("$connect", connect).route("$disconnect", disconnect));
        fixture.connect(gateway).webSocket().sendClose(WebSocket.NORMAL_CLOSURE, "").get(10, TimeUnit.SECONDS);
        disconnect.next();

        var again = fixture.connect(gateway);
        connect.next();
        connect.next();
        GatewayFixture.eventually(() -> gateway.connectionCount() == 1, "gateway still accepts connections");
        assertTrue(!again.isClosed());
    }

    @Test
    void shutdownClosesEverySocketWith1001AndInvokesEachDisconnect() throws Exception {
        var connect = new Recorder();
        var disconnect = new Recorder();
        var gateway = fixture.start(WebSocketGateway.builder().route("$connect", connect).route("$disconnect", disconnect));
        var clients = List.of(fixture.connect(gateway), fixture.connect(gateway), fixture.connect(gateway));
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < clients.size(); i++) {
            ids.add(connect.next().getRequestContext().getConnectionId());
        }

        gateway.close();
        for (TestClient client : clients) {
            assertEquals(1001, client.awaitClose().code());
        }
        Set<String> disconnected = new HashSet<>();
        for (int i = 0; i < clients.size(); i++) {
            disconnected.add(disconnect.next().getRequestContext().getConnectionId());
        }
        assertEquals(ids, disconnected);
        assertEquals(List.of(), disconnect.drainAfter(Duration.ofMillis(200)));
    }
}
