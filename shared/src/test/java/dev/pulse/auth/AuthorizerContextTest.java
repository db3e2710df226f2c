package dev.pulse.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.model.Identity;
import dev.pulse.model.RoomGrant;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The authorizer's context: every value a string, read back as it was written, and never over API Gateway's 8 KB. */
class AuthorizerContextTest {
    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

    private static Map<String, Object> asApiGatewayPassesIt(Map<String, String> context) {
        var passed = new HashMap<String, Object>(context);
        passed.put("principalId", "ann");
        passed.put("integrationLatency", 12);
        return passed;
    }

    @Test
    void anIdentityComesBackAsItWasWritten() {
        var grants = RoomGrant.parseAll(List.of("project:p-9", "channel:*", "team:t-*"));
        var identity = new Identity("ann", "acme", NOW.plusSeconds(900), grants);
        var context = AuthorizerContext.of(identity, NOW);

        assertTrue(context.values().stream().allMatch(v -> v instanceof String), "API Gateway keeps scalars only");
        assertEquals(identity, AuthorizerContext.identity(asApiGatewayPassesIt(context)).orElseThrow());
        assertEquals(NOW, AuthorizerContext.authorizedAt(asApiGatewayPassesIt(context)).orElseThrow());
    }

    @Test
    void everyFrameOfAConnectionSharesOneParseOfItsGrants() {
        var grants = RoomGrant.parseAll(List.of("project:p-9", "channel:*"));
        var context = asApiGatewayPassesIt(AuthorizerContext.of(new Identity("ann", "acme", NOW.plusSeconds(60), grants), NOW));
        var first = AuthorizerContext.identity(context).orElseThrow().grants();
        var second = AuthorizerContext.identity(new HashMap<>(context)).orElseThrow().grants();
        assertEquals(grants, first);
        org.junit.jupiter.api.Assertions.assertSame(first, second, "the same grants text is parsed once, not per frame");
    }

    @Test
    void noExpiryAndNoGrantsRoundTrip() {
        var identity = new Identity("ann", "acme", null, List.of());
        assertEquals(identity, AuthorizerContext.identity(asApiGatewayPassesIt(AuthorizerContext.of(identity, NOW)))
                .orElseThrow());
    }

    @Test
    void grantsTooManyForTheContextAreLeftToTheRecord() {
        var grants = RoomGrant.parseAll(IntStream.range(0, 100).mapToObj(i -> "project:p-" + i + "-" + "x".repeat(110))
                .toList());
        var context = AuthorizerContext.of(new Identity("ann", "acme", NOW.plusSeconds(60), grants), NOW);

        assertTrue(AuthorizerContext.size(context) <= AuthorizerContext.MAX_BYTES, "size " + AuthorizerContext.size(context));
        assertTrue(AuthorizerContext.grantsOmitted(asApiGatewayPassesIt(context)));
        assertTrue(AuthorizerContext.identity(asApiGatewayPassesIt(context)).isEmpty(),
                "without its grants the context must not pass for the whole identity");
    }

    @Test
    void aMissingOrForeignContextIsNoIdentity() {
        assertTrue(AuthorizerContext.identity(null).isEmpty());
        assertTrue(AuthorizerContext.identity(Map.of("principalId", "someone")).isEmpty(), "another authorizer's context");
        var context = new HashMap<String, Object>(asApiGatewayPassesIt(
                AuthorizerContext.of(new Identity("ann", "acme", NOW), NOW)));
        context.put("tokenExpiresAt", "soon");
        assertTrue(AuthorizerContext.identity(context).isEmpty(), "an unreadable expiry is not taken for none");
        assertFalse(AuthorizerContext.grantsOmitted(context));
    }
}
