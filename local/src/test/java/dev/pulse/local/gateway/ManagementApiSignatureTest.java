package dev.pulse.local.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.protocol.Json;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.ApiGatewayManagementApiException;

/**
 * Only callers holding the gateway's credentials reach a connection through {@code @connections}: a connection
 * id alone must not let anyone post forged frames, read a connection's address or close it.
 */
class ManagementApiSignatureTest {
    private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");

    private final GatewayFixture fixture = new GatewayFixture();

    @AfterEach
    void tearDown() throws Exception {
        fixture.close();
    }

    /** A gateway with one open connection, whose id the "attacker" knows. */
    private record Target(WebSocketGateway gateway, TestClient client, String id, Recorder disconnects) {
        URI uri() {
            return URI.create(gateway.managementEndpoint() + "/@connections/"
                    + id.replace("+", "%2B").replace("/", "%2F").replace("=", "%3D"));
        }
    }

    private Target target(Clock clock) throws Exception {
        var connect = new Recorder();
        var disconnect = new Recorder();
        var gateway = fixture.start(WebSocketGateway.builder().clock(clock).route("$connect", connect)
                .route("$disconnect", disconnect));
        var client = fixture.connect(gateway);
        return new Target(gateway, client, connect.next().getRequestContext().getConnectionId(), disconnect);
    }

    private Target target() throws Exception {
        return target(Clock.systemUTC());
    }

    @Test
    void theStockClientWithTheGatewaysCredentialsIsServed() throws Exception {
        var target = target();
        var management = fixture.management(target.gateway());

        var posted = management.postToConnection(b -> b.connectionId(target.id()).data(SdkBytes.fromUtf8String("hi")));
        assertEquals(200, posted.sdkHttpResponse().statusCode());
        assertEquals("hi", target.client().nextMessage());
        assertEquals(200, management.getConnection(b -> b.connectionId(target.id())).sdkHttpResponse().statusCode());
        assertEquals(204, management.deleteConnection(b -> b.connectionId(target.id())).sdkHttpResponse().statusCode());
    }

    @Test
    void theStockClientWithAWrongSecretIsRefusedForEveryMethod() throws Exception {
        var target = target();
        var forger = fixture.management(target.gateway(), AwsBasicCredentials.create("AKIDLOCAL", "guessed"));

        var post = assertThrows(ApiGatewayManagementApiException.class, () -> forger.postToConnection(
                b -> b.connectionId(target.id()).data(SdkBytes.fromUtf8String("forged"))));
        assertEquals(403, post.statusCode());
        assertEquals("InvalidSignatureException", post.awsErrorDetails().errorCode());
        assertTrue(post.awsErrorDetails().errorMessage().startsWith("The request signature we calculated does not match"),
                post.awsErrorDetails().errorMessage());
        assertEquals(403, assertThrows(ApiGatewayManagementApiException.class,
                () -> forger.getConnection(b -> b.connectionId(target.id()))).statusCode());
        assertEquals(403, assertThrows(ApiGatewayManagementApiException.class,
                () -> forger.deleteConnection(b -> b.connectionId(target.id()))).statusCode());

        assertNull(target.client().pollMessage(200), "a forged post must not be delivered");
        assertEquals(1, target.gateway().connectionCount(), "a forged delete must not close the connection");
    }

    @Test
    void theStockClientWithAnUnknownKeyIdIsRefused() throws Exception {
        var target = target();
        var stranger = fixture.management(target.gateway(), AwsBasicCredentials.create("AKIDOTHER", "secret"));

        var refused = assertThrows(ApiGatewayManagementApiException.class, () -> stranger.postToConnection(
                b -> b.connectionId(target.id()).data(SdkBytes.fromUtf8String("forged"))));
        assertEquals(403, refused.statusCode());
        assertEquals("UnrecognizedClientException", refused.awsErrorDetails().errorCode());
        assertEquals("The security token included in the request is invalid.", refused.awsErrorDetails().errorMessage());
        assertNull(target.client().pollMessage(200));
    }

    @Test
    void aCallWithoutAuthorizationIsRefused() throws Exception {
        var target = target();
        var response = send(HttpRequest.newBuilder(target.uri()).POST(HttpRequest.BodyPublishers.ofString("unsigned")));

        assertRefused(response, "MissingAuthenticationTokenException", "Missing Authentication Token");
        assertNull(target.client().pollMessage(200), "an unsigned post must not be delivered");
    }

    @Test
    void aGarbageAuthorizationHeaderIsRefused() throws Exception {
        var target = target();
        for (String garbage : new String[] {"garbage", "Bearer abc.def.ghi", "AWS4-HMAC-SHA256 Credential=AKIDLOCAL",
                "AWS4-HMAC-SHA256 Credential=AKIDLOCAL/20261122, SignedHeaders=host, Signature=00"}) {
            var response = send(HttpRequest.newBuilder(target.uri()).header("Authorization", garbage)
                    .header("X-Amz-Date", "20261122T100000Z").POST(HttpRequest.BodyPublishers.ofString("forged")));
            assertRefused(response, "IncompleteSignatureException", null);
        }
        assertNull(target.client().pollMessage(200));
    }

    @Test
    void aTamperedBodyIsRefused() throws Exception {
        var target = target();
        var signedForOtherBody = SignedRequests.signed("POST", target.uri(), bytes("hello"), GatewayFixture.CREDENTIALS,
                target.gateway().region(), Clock.systemUTC());
        var response = send(signedForOtherBody.POST(HttpRequest.BodyPublishers.ofString("HELLO")));

        assertRefused(response, "InvalidSignatureException", null);
        assertNull(target.client().pollMessage(200), "a tampered post must not be delivered");

        // The untampered request, for contrast.
        var genuine = SignedRequests.signed("POST", target.uri(), bytes("hello"), GatewayFixture.CREDENTIALS,
                target.gateway().region(), Clock.systemUTC());
        assertEquals(200, send(genuine).statusCode());
        assertEquals("hello", target.client().nextMessage());
    }

    @Test
    void aSignatureForAnotherRegionIsRefused() throws Exception {
        var target = target();
        var response = send(SignedRequests.signed("GET", target.uri(), new byte[0], GatewayFixture.CREDENTIALS,
                "eu-west-1", Clock.systemUTC()));
        assertRefused(response, "InvalidSignatureException", null);
        assertTrue(message(response).contains("us-east-1"), "names the expected region: " + response.body());
    }

    @Test
    void signaturesMoreThanFiveMinutesOffAreRefusedAndWithinAreAccepted() throws Exception {
        var target = target(Clock.fixed(NOW, ZoneOffset.UTC));

        var stale = send(signedAt(target, NOW.minus(Duration.ofMinutes(5)).minusSeconds(1)));
        assertRefused(stale, "InvalidSignatureException", null);
        assertEquals("Signature expired: 20261122T095459Z is now earlier than 20261122T095500Z (20261122T100000Z - 5 min.)",
                message(stale));
        var early = send(signedAt(target, NOW.plus(Duration.ofMinutes(5)).plusSeconds(1)));
        assertRefused(early, "InvalidSignatureException", null);
        assertTrue(message(early).startsWith("Signature not yet current: 20261122T100501Z"), message(early));

        assertEquals(200, send(signedAt(target, NOW.minus(Duration.ofMinutes(5)))).statusCode());
        assertEquals(200, send(signedAt(target, NOW.plus(Duration.ofMinutes(5)))).statusCode());
    }

    private static HttpRequest.Builder signedAt(Target target, Instant when) {
        return SignedRequests.signed("GET", target.uri(), new byte[0], GatewayFixture.CREDENTIALS,
                target.gateway().region(), Clock.fixed(when, ZoneOffset.UTC));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return fixture.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertRefused(HttpResponse<String> response, String errorType, String message) throws Exception {
        assertEquals(403, response.statusCode(), response.body());
        assertEquals(errorType, response.headers().firstValue("x-amzn-ErrorType").orElseThrow(), response.body());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElseThrow());
        if (message != null) {
            assertEquals(message, message(response));
        }
    }

    private static String message(HttpResponse<String> response) throws Exception {
        return Json.MAPPER.readTree(response.body()).path("message").asText();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
