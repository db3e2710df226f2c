package dev.pulse.local.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Frame rules and connection lifetimes: the close codes a client observes. */
class ConnectionLimitsTest {
    private final GatewayFixture fixture = new GatewayFixture();

    @AfterEach
    void tearDown() throws Exception {
        fixture.close();
    }

    @Test
    void binaryFrameClosesWith1003AndInvokesDisconnect() throws Exception {
        var fallback = new Recorder();
        var disconnect = new Recorder();
        var gateway = fixture.start(WebSocketGateway.builder().route("$default", fallback).route("$disconnect", disconnect));
        var client = fixture.connect(gateway);

        client.sendBinary(new byte[] {1, 2, 3});
        assertEquals(1003, client.awaitClose().code());
        var context = assertInstanceOf(DisconnectRequestContext.class, disconnect.next().getRequestContext());
        assertEquals(1003, context.getDisconnectStatusCode());
        assertEquals(0, fallback.pending(), "binary frames are not routed");
    }

    @Test
    void textOverTheLimitClosesWith1009AndTheLimitItselfPasses() throws Exception {
        var fallback = new Recorder();
        var gateway = fixture.start(WebSocketGateway.builder().maxMessageBytes(1024).route("$default", fallback));
        var client = fixture.connect(gateway);

        String atLimit = "é".repeat(512); // 1024 bytes in UTF-8: the limit counts bytes, not characters
        client.send(atLimit);
        assertEquals(atLimit, fallback.next().getBody());

        client.send("é".repeat(513)); // 513 characters, but 1026 bytes
        assertEquals(1009, client.awaitClose().code());
        assertEquals(0, fallback.pending());
    }

    @Test
    void aSingleFrameOver32KiBClosesWith1009AndOneOf32KiBPasses() throws Exception {
        var fallback = new Recorder();
        var disconnect = new Recorder();
        var gateway = fixture.start(WebSocketGateway.builder().route("$default", fallback).route("$disconnect", disconnect));

        // Browsers send a message as one frame: this is what they do with 32 KiB, and with one byte more.
        try (var client = RawWebSocket.connect(gateway.webSocketUri())) {
            String frame = "f".repeat(32 * 1024);
            client.sendFrame(RawWebSocket.TEXT, frame.getBytes(StandardCharsets.US_ASCII));
            assertEquals(frame, fallback.next().getBody());
            client.sendFrameStart(RawWebSocket.TEXT, 32 * 1024 + 1, new byte[] {'f'});
            assertEquals(1009, client.awaitCloseCode());
        }
        assertEquals(1009, ((DisconnectRequestContext) disconnect.next().getRequestContext()).getDisconnectStatusCode());
        assertEquals(0, fallback.pending());
    }

    @Test
    void invalidUtf8TextClosesWith1007() throws Exception {
        var fallback = new Recorder();
        var disconnect = new Recorder();
        var gateway = fixture.start(WebSocketGateway.builder().route("$default", fallback).route("$disconnect", disconnect));

        try (var client = RawWebSocket.connect(gateway.webSocketUri())) {
            client.sendFrame(RawWebSocket.TEXT, new byte[] {'{', (byte) 0xc3, (byte) 0x28, '}'}); // 0xC3 0x28: not UTF-8
            assertEquals(1007, client.awaitCloseCode());
        }
        assertEquals(1007, ((DisconnectRequestContext) disconnect.next().getRequestContext()).getDisconnectStatusCode());
        assertEquals(0, fallback.pending(), "an undecodable message is not routed");
    }

    @Test
    void messagesUpTo128KiBArriveWhenSentAsSeveralFrames() throws Exception {
        var fallback = new Recorder();
        var gateway = fixture.start(WebSocketGateway.builder().route("$default", fallback));
        var client = fixture.connect(gateway);

        String big = "z".repeat(128 * 1024);
        client.sendFragmented(big, 32 * 1024); // java.net.http cuts these into frames of 16 KiB
        assertEquals(big, fallback.next().getBody(), "many frames, one message");
        client.sendFragmented(big + "!", 32 * 1024);
        assertEquals(1009, client.awaitClose().code());
        assertEquals(0, fallback.pending());
    }

    @Test
    void idleConnectionClosesWith1001AndInvokesDisconnect() throws Exception {
        var disconnect = new Recorder();
        var gateway = fixture.start(WebSocketGateway.builder().idleTimeout(Duration.ofMillis(300))
                .route("$disconnect", disconnect));
        var client = fixture.connect(gateway);

        var close = client.awaitClose();
        assertEquals(1001, close.code());
        assertEquals("Going away", close.reason());
        assertEquals(1001, ((DisconnectRequestContext) disconnect.next().getRequestContext()).getDisconnectStatusCode());
        GatewayFixture.eventually(() -> gateway.connectionCount() == 0, "connection removed");
    }

    @Test
    void clientTrafficKeepsTheConnectionOpenButServerPostsDoNot() throws Exception {
        var connect = new Recorder();
        var gateway = fixture.start(WebSocketGateway.builder().idleTimeout(Duration.ofMillis(1000))
                .route("$connect", connect).route("$default", new Recorder()));
        var management = fixture.management(gateway);
        var talker = fixture.connect(gateway);
        var listener = fixture.connect(gateway);
        connect.next();
        String listenerId = connect.next().getRequestContext().getConnectionId();

        long until = System.nanoTime() + Duration.ofMillis(3000).toNanos();
        while (System.nanoTime() < until && !listener.isClosed()) {
            talker.send("ping");
            try {
                management.postToConnection(b -> b.connectionId(listenerId)
                        .data(software.amazon.awssdk.core.SdkBytes.fromUtf8String("news")));
            } catch (software.amazon.awssdk.services.apigatewaymanagementapi.model.GoneException closing) {
                break; // the idle close already started
            }
            Thread.sleep(100);
        }
        assertFalse(talker.isClosed(), "a client that keeps sending stays connected");
        assertEquals(1001, listener.awaitClose().code(), "posts from the server do not reset the idle timer");
    }

    @Test
    void maximumConnectionDurationClosesWith1001EvenWithTraffic() throws Exception {
        var fallback = new Recorder();
        var gateway = fixture.start(WebSocketGateway.builder().maxConnectionDuration(Duration.ofMillis(500))
                .route("$default", fallback));
        var client = fixture.connect(gateway);

        long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!client.isClosed() && System.nanoTime() < until) {
            try {
                client.send("still here");
            } catch (Exception closedMeanwhile) {
                break;
            }
            Thread.sleep(50);
        }
        assertEquals(1001, client.awaitClose().code());
    }
}
