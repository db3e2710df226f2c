package dev.pulse.local.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.protocol.Json;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.GetConnectionResponse;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.GoneException;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.PayloadTooLargeException;

/** The @connections API against the stock SDK client: what a fan-out Lambda relies on. */
class ManagementApiTest {
    private final GatewayFixture fixture = new GatewayFixture();

    @AfterEach
    void tearDown() throws Exception {
        fixture.close();
    }

    @Test
    void postDeliversExactlyTheBodyAsOneTextMessage() throws Exception {
        var connect = new Recorder();
        var gateway = fixture.start(WebSocketGateway.builder().route("$connect", connect));
        var management = fixture.management(gateway);
        var client = fixture.connect(gateway);
        String connectionId = connect.next().getRequestContext().getConnectionId();

        String body = "{\"type\":\"chat\",\"text\":\"héllo ✓ 😀\",\"n\":1}\n  ";
        var response = management.postToConnection(b -> b.connectionId(connectionId).data(SdkBytes.fromUtf8String(body)));
        assertEquals(200, response.sdkHttpResponse().statusCode());
        assertEquals(body, client.nextMessage());
        assertNull(client.pollMessage(200), "one post, one message");
    }

    @Test
    void aPostOver32KiBArrivesAsOneMessage() throws Exception {
        var connect = new Recorder();
        var gateway = fixture.start(WebSocketGateway.builder().route("$connect", connect));
        var management = fixture.management(gateway);
        var client = fixture.connect(gateway);
        String connectionId = connect.next().getRequestContext().getConnectionId();

        String body = "é".repeat(50 * 1024) + "!"; // 100 KiB + 1 in UTF-8: more than three 32 KiB frames
        management.postToConnection(b -> b.connectionId(connectionId).data(SdkBytes.fromUtf8String(body)));
        assertEquals(body, client.nextMessage());
    }

    @Test
    void aPostOver32KiBGoesOutInFramesOf32KiBAsFromApiGateway() throws Exception {
        var connect = new Recorder();
        var gateway = fixture.start(WebSocketGateway.builder().route("$connect", connect));
        var management = fixture.management(gateway);
        try (var client = RawWebSocket.connect(gateway.webSocketUri())) {
            String connectionId = connect.next().getRequestContext().getConnectionId();
            String body = "é".repeat(50 * 1024) + "!";
            management.postToConnection(b -> b.connectionId(connectionId).data(SdkBytes.fromUtf8String(body)));

            List<RawWebSocket.Frame> frames = client.readMessage();
            assertEquals(4, frames.size(), "100 KiB + 1 byte in frames of at most 32 KiB");
            assertEquals(RawWebSocket.TEXT, frames.getFirst().opcode());
            var received = new java.io.ByteArrayOutputStream();
            for (var frame : frames) {
                assertTrue(frame.payload().length <= 32 * 1024, "frame of " + frame.payload().length + " bytes");
                received.writeBytes(frame.payload());
            }
            frames.subList(1, frames.size()).forEach(f -> assertEquals(RawWebSocket.CONTINUATION, f.opcode()));
            assertEquals(body, received.toString(StandardCharsets.UTF_8), "no character is cut in two");
        }
    }

    @Test
    void getDescribesTheConnection() throws Exception {
        var connect = new Recorder();
        var gateway = fixture.start(WebSocketGateway.builder().route("$connect", connect).route("$default", new Recorder()));
        var management = fixture.management(gateway);
        var client = fixture.connect(gateway);
        var connected = connect.next().getRequestContext();

        GetConnectionResponse first = management.getConnection(b -> b.connectionId(connected.getConnectionId()));
        assertEquals(Instant.ofEpochMilli(connected.getConnectedAt()), first.connectedAt());
        assertEquals("127.0.0.1", first.identity().sourceIp());
        assertEquals(connected.getIdentity().getUserAgent(), first.identity().userAgent());
        assertTrue(!first.lastActiveAt().isBefore(first.connectedAt()));

        Thread.sleep(20);
        client.send("activity");
        GatewayFixture.eventually(() -> management.getConnection(b -> b.connectionId(connected.getConnectionId()))
                .lastActiveAt().isAfter(first.lastActiveAt()), "lastActiveAt follows client traffic");
    }

    @Test
    void getReturnsIso8601OnTheWire() throws Exception {
        var connect = new Recorder();
        var gateway = fixture.start(WebSocketGateway.builder().route("$connect", connect));
        fixture.connect(gateway);
        String id = connect.next().getRequestContext().getConnectionId();

        HttpResponse<String> response = raw(gateway, "GET", encode(id), null);
        assertEquals(200, response.statusCode());
        var json = Json.MAPPER.readTree(response.body());
        Instant.parse(json.get("connectedAt").asText());
        Instant.parse(json.get("lastActiveAt").asText());
        assertEquals(List.of("connectedAt", "identity", "lastActiveAt"), names(json.fieldNames()));
        assertEquals(List.of("sourceIp", "userAgent"), names(json.get("identity").fieldNames()));
    }

    @Test
    void unknownIdIsGoneForEveryMethod() throws Exception {
        var gateway = fixture.start(WebSocketGateway.builder());
        var management = fixture.management(gateway);
        String unknown = "AAAAAAAAAAAAAAA=";

        var post = assertThrows(GoneException.class, () -> management.postToConnection(
                b -> b.connectionId(unknown).data(SdkBytes.fromUtf8String("x"))));
        assertEquals(410, post.statusCode());
        assertThrows(GoneException.class, () -> management.getConnection(b -> b.connectionId(unknown)));
        assertThrows(GoneException.class, () -> management.deleteConnection(b -> b.connectionId(unknown)));

        HttpResponse<String> response = raw(gateway, "POST", encode(unknown), "x");
        assertEquals(410, response.statusCode());
        assertEquals("GoneException", response.headers().firstValue("x-amzn-ErrorType").orElseThrow());
        assertEquals("{\"message\":null}", response.body());
    }

    @Test
    void closedIdIsGone() throws Exception {
        var connect = new Recorder();
        var disconnect = new Recorder();
        var gateway = fixture.start(WebSocketGateway.builder().route("$connect", connect).route("$disconnect", disconnect));
        var management = fixture.management(gateway);
        var client = fixture.connect(gateway);
        String connectionId = connect.next().getRequestContext().getConnectionId();

        client.webSocket().sendClose(WebSocket.NORMAL_CLOSURE, "").get(10, TimeUnit.SECONDS);
        disconnect.next();
        var gone = assertThrows(GoneException.class, () -> management.postToConnection(
                b -> b.connectionId(connectionId).data(SdkBytes.fromUtf8String("after close"))));
        assertEquals(410, gone.statusCode());
        assertThrows(GoneException.class, () -> management.getConnection(b -> b.connectionId(connectionId)));
    }

    @Test
    void idsWithPlusSlashAndEqualsWorkEncodedAndRaw() throws Exception {
        Iterator<String> ids = List.of("R0o+Adf/0kwCH6w=", "abcDEF0123456w==").iterator();
        var gateway = fixture.start(WebSocketGateway.builder().connectionIds(ids::next));
        var management = fixture.management(gateway);
        var slashy = fixture.connect(gateway);
        var plain = fixture.connect(gateway);
        GatewayFixture.eventually(() -> gateway.connectionCount() == 2, "both connected");

        // The SDK percent-encodes the id itself.
        management.postToConnection(b -> b.connectionId("R0o+Adf/0kwCH6w=").data(SdkBytes.fromUtf8String("via sdk")));
        assertEquals("via sdk", slashy.nextMessage());
        assertEquals(200, management.getConnection(b -> b.connectionId("R0o+Adf/0kwCH6w=")).sdkHttpResponse().statusCode());

        // Hand-written clients: every escape decoded exactly once, '+' never turned into a space.
        assertEquals(200, raw(gateway, "POST", "R0o%2BAdf%2F0kwCH6w%3D", "encoded").statusCode());
        assertEquals("encoded", slashy.nextMessage());
        assertEquals(200, raw(gateway, "POST", "R0o+Adf%2f0kwCH6w=", "mixed").statusCode());
        assertEquals("mixed", slashy.nextMessage());
        assertEquals(200, raw(gateway, "POST", "abcDEF0123456w==", "raw equals").statusCode());
        assertEquals("raw equals", plain.nextMessage());
        assertEquals(410, raw(gateway, "POST", "R0o%20Adf%2F0kwCH6w%3D", "space is not plus").statusCode());
    }

    @Test
    void oversizedPostIsPayloadTooLarge() throws Exception {
        var connect = new Recorder();
        var gateway = fixture.start(WebSocketGateway.builder().maxMessageBytes(1024).route("$connect", connect));
        var management = fixture.management(gateway);
        var client = fixture.connect(gateway);
        String id = connect.next().getRequestContext().getConnectionId();

        var tooLarge = assertThrows(PayloadTooLargeException.class, () -> management.postToConnection(
                b -> b.connectionId(id).data(SdkBytes.fromUtf8String("x".repeat(1025)))));
        assertEquals(413, tooLarge.statusCode());
        management.postToConnection(b -> b.connectionId(id).data(SdkBytes.fromUtf8String("y".repeat(1024))));
        assertEquals("y".repeat(1024), client.nextMessage());
    }

    @Test
    void nonUtf8PostIsRejected() throws Exception {
        var connect = new Recorder();
        var gateway = fixture.start(WebSocketGateway.builder().route("$connect", connect));
        fixture.connect(gateway);
        String id = connect.next().getRequestContext().getConnectionId();

        var request = SignedRequests.signed("POST", managementUri(gateway, encode(id)), new byte[] {(byte) 0xff, (byte) 0xfe},
                GatewayFixture.CREDENTIALS, gateway.region(), Clock.systemUTC()).build();
        var response = fixture.http.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(400, response.statusCode());
        assertEquals("BadRequestException", response.headers().firstValue("x-amzn-ErrorType").orElseThrow());
    }

    @Test
    void plainHttpRequestToTheStageAsksForAnUpgrade() throws Exception {
        var gateway = fixture.start(WebSocketGateway.builder());
        var response = fixture.http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + gateway.port() + "/local"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(426, response.statusCode());
    }

    /** A hand-made call, signed as the SDK would sign it (see ManagementApiSignatureTest for unsigned ones). */
    private HttpResponse<String> raw(WebSocketGateway gateway, String method, String encodedId, String body)
            throws Exception {
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        var request = SignedRequests.signed(method, managementUri(gateway, encodedId), bytes, GatewayFixture.CREDENTIALS,
                gateway.region(), Clock.systemUTC());
        return fixture.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI managementUri(WebSocketGateway gateway, String encodedId) {
        return URI.create(gateway.managementEndpoint() + "/@connections/" + encodedId);
    }

    private static String encode(String id) {
        return id.replace("+", "%2B").replace("/", "%2F").replace("=", "%3D");
    }

    private static List<String> names(Iterator<String> names) {
        var list = new java.util.ArrayList<String>();
        names.forEachRemaining(list::add);
        return list;
    }
}
