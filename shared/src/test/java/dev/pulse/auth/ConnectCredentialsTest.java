package dev.pulse.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.model.Identity;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConnectCredentialsTest {

    private static final String JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0.c2lnbmF0dXJl";

    private static Optional<ConnectCredentials> locate(Map<String, String> query, Map<String, String> headers) {
        return ConnectCredentials.locate(query, headers);
    }

    @Test
    void tokenFromQueryParameter() {
        assertEquals(Optional.of(new ConnectCredentials(JWT, null)), locate(Map.of("token", JWT), null));
    }

    @Test
    void queryParameterWinsOverHeaders() {
        var found = locate(Map.of("token", "from-query"),
                Map.of("Authorization", "Bearer from-header", "Sec-WebSocket-Protocol", "bearer.from-protocol"));
        assertEquals("from-query", found.orElseThrow().token());
    }

    @Test
    void authorizationHeaderWinsOverSubprotocol() {
        var found = locate(null, Map.of("Authorization", "Bearer from-header", "Sec-WebSocket-Protocol", "bearer.from-protocol"));
        assertEquals("from-header", found.orElseThrow().token());
    }

    @Test
    void bearerHeaderInAnyCase() {
        for (String name : new String[]{"Authorization", "authorization", "AUTHORIZATION", "aUtHoRiZaTiOn"}) {
            for (String scheme : new String[]{"Bearer", "bearer", "BEARER"}) {
                var found = locate(Map.of(), Map.of(name, scheme + " " + JWT));
                assertEquals(Optional.of(new ConnectCredentials(JWT, null)), found, name + ": " + scheme);
            }
        }
    }

    @Test
    void otherAuthorizationSchemesAreNotTokens() {
        assertTrue(locate(null, Map.of("Authorization", "Basic dXNlcjpwYXNz")).isEmpty());
        assertTrue(locate(null, Map.of("Authorization", "Bearer")).isEmpty());
        assertTrue(locate(null, Map.of("Authorization", "Bearer    ")).isEmpty());
        assertTrue(locate(null, Map.of("Authorization", JWT)).isEmpty());
    }

    @Test
    void tokenFromSubprotocolWithPulseOffered() {
        var found = locate(null, Map.of("Sec-WebSocket-Protocol", "pulse.v1, bearer." + JWT));
        assertEquals(Optional.of(new ConnectCredentials(JWT, "pulse.v1")), found);
        var reversed = locate(null, Map.of("sec-websocket-protocol", "bearer." + JWT + ",pulse.v1"));
        assertEquals(Optional.of(new ConnectCredentials(JWT, "pulse.v1")), reversed);
    }

    @Test
    void tokenFromSubprotocolWithoutPulseAnswersNoSubprotocol() {
        var found = locate(null, Map.of("SEC-WEBSOCKET-PROTOCOL", "chat, bearer." + JWT));
        assertEquals(Optional.of(new ConnectCredentials(JWT, null)), found);
    }

    @Test
    void pulseSubprotocolIsAnsweredWhateverCarriedTheToken() {
        var query = locate(Map.of("token", JWT), Map.of("Sec-WebSocket-Protocol", "pulse.v1"));
        assertEquals("pulse.v1", query.orElseThrow().subprotocol());
        var header = locate(null, Map.of("Authorization", "Bearer " + JWT, "Sec-WebSocket-Protocol", "other, pulse.v1"));
        assertEquals("pulse.v1", header.orElseThrow().subprotocol());
        var near = locate(null, Map.of("Authorization", "Bearer " + JWT, "Sec-WebSocket-Protocol", "pulse.v2, PULSE.V1x"));
        assertNull(near.orElseThrow().subprotocol());
    }

    @Test
    void theTokenIsNeverTheAnsweredSubprotocol() {
        var found = locate(null, Map.of("Sec-WebSocket-Protocol", "bearer." + JWT)).orElseThrow();
        assertNull(found.subprotocol());
        assertNotEquals("bearer." + JWT, found.subprotocol());
    }

    @Test
    void noTokenAnywhereIsEmpty() {
        assertTrue(locate(null, null).isEmpty());
        assertTrue(locate(Map.of(), Map.of()).isEmpty());
        assertTrue(locate(Map.of("other", "x"), Map.of("Host", "example.test", "Sec-WebSocket-Protocol", "pulse.v1")).isEmpty());
        assertTrue(locate(Map.of("token", ""), Map.of("Sec-WebSocket-Protocol", "bearer., pulse.v1")).isEmpty());
    }

    @Test
    void blankQueryTokenFallsThroughToHeaders() {
        var query = new HashMap<String, String>();
        query.put("token", "  ");
        assertEquals(JWT, locate(query, Map.of("Authorization", "Bearer " + JWT)).orElseThrow().token());
    }

    @Test
    void nullHeaderValuesAreTolerated() {
        var headers = new HashMap<String, String>();
        headers.put("Authorization", null);
        headers.put("Sec-WebSocket-Protocol", null);
        assertTrue(locate(null, headers).isEmpty());
    }

    @Test
    void recordRefusesBlankToken() {
        assertThrows(IllegalArgumentException.class, () -> new ConnectCredentials(" ", null));
        assertThrows(IllegalArgumentException.class, () -> new ConnectCredentials(null, null));
    }

    @Test
    void issuedTokenTravelsAsSubprotocolAndVerifies() throws Exception {
        String token = new TokenIssuer(TestJwts.SECRET, null, null).issue("alice", "acme", Duration.ofMinutes(5));
        var found = locate(null, Map.of("Sec-WebSocket-Protocol", ConnectCredentials.SUBPROTOCOL + ", bearer." + token)).orElseThrow();
        assertEquals("pulse.v1", found.subprotocol());
        Identity id = new TokenVerifier(JwtSettings.hmac(TestJwts.SECRET, null, null)).verify(found.token());
        assertEquals("alice", id.userId());
        assertEquals("acme", id.workspaceId());
    }
}
