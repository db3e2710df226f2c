package dev.pulse.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pulse.model.Connection;
import dev.pulse.protocol.Actions;
import dev.pulse.protocol.ErrorCode;
import dev.pulse.protocol.Json;
import dev.pulse.ratelimit.RateLimiter;
import dev.pulse.ratelimit.RateLimits;
import dev.pulse.store.ConnectionStore;
import dev.pulse.store.RateCounters;
import dev.pulse.testing.DynamoDbLocal;
import dev.pulse.testing.MutableClock;
import dev.pulse.testing.RecordingSender;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The {@code $default} dispatch on its own: connection records and rate-limit counters on DynamoDB Local, posts
 * recorded in memory ({@link RecordingSender}: the point here is what the router answers, not the HTTP call).
 */
class ActionRouterTest {
    private static DynamoDbClient dynamo;

    private final MutableClock clock = MutableClock.startingNow();
    private final RecordingSender sender = new RecordingSender();
    private final List<String> handled = new ArrayList<>();
    private final List<String> active = new ArrayList<>();
    private ConnectionStore connections;
    private ActionRouter router;

    @BeforeAll
    static void client() {
        dynamo = DynamoDbLocal.client();
    }

    @AfterAll
    static void close() {
        dynamo.close();
    }

    @BeforeEach
    void wire() {
        String table = DynamoDbLocal.createConnectionsTable();
        connections = new ConnectionStore(dynamo, table, clock);
        router = ActionRouter.builder()
                .action(Actions.PING, (connection, frame) -> {
                    handled.add(connection.connectionId() + ":" + frame.action());
                    return Json.object().put("pong", true);
                })
                .action(Actions.AUTH_REFRESH, (connection, frame) -> Json.object().put("refreshed", true))
                .action("test.fail", (connection, frame) -> {
                    throw new IllegalStateException("boom");
                })
                .action("test.refuse", (connection, frame) -> {
                    throw new ActionException(ErrorCode.FORBIDDEN, "not you");
                })
                .connections(connections)
                .sender(sender)
                .closer(sender)
                .rateLimiter(new RateLimiter(new RateCounters(dynamo, table), clock, RateLimits.parse("ping=2/60s,*=50/10s")))
                .maxFrameBytes(200)
                .clock(clock)
                .activity(connection -> active.add(connection.connectionId()))
                .build();
    }

    private void open(String id, Duration tokenLifetime) {
        connections.open(Connection.builder().connectionId(id).userId("u-" + id).workspaceId("w1")
                .connectedAt(clock.instant()).expiresAt(clock.instant().plus(Duration.ofHours(2)))
                .tokenExpiresAt(clock.instant().plus(tokenLifetime)).build(), List.of());
    }

    private JsonNode onlyFrameTo(String id) throws Exception {
        var frames = sender.framesTo(id);
        assertEquals(1, frames.size(), "frames to " + id + ": " + frames);
        return Json.MAPPER.readTree(frames.get(0));
    }

    private static String errorCode(JsonNode frame) {
        return frame.path("error").path("code").asText();
    }

    @Test
    void aKnownActionRunsForTheRecordedConnectionAndIsAnsweredWithItsId() throws Exception {
        open("c1", Duration.ofHours(1));
        router.route("c1", "{\"action\":\"ping\",\"id\":\"r1\"}");
        assertEquals(List.of("c1:ping"), handled);
        var reply = onlyFrameTo("c1");
        assertEquals("reply", reply.path("type").asText());
        assertEquals("r1", reply.path("id").asText());
        assertTrue(reply.path("ok").asBoolean());
        assertTrue(reply.path("data").path("pong").asBoolean());
        assertEquals(List.of("c1"), active, "the activity hook sees every frame of a live connection");
    }

    @Test
    void withoutAnIdTheActionRunsAndNothingIsSent() {
        open("c1", Duration.ofHours(1));
        router.route("c1", "{\"action\":\"ping\"}");
        assertEquals(List.of("c1:ping"), handled);
        assertEquals(List.of(), sender.posts());
    }

    @Test
    void anUnknownActionIsAnsweredUnknownAction() throws Exception {
        open("c1", Duration.ofHours(1));
        router.route("c1", "{\"action\":\"room.dance\",\"id\":\"r2\"}");
        var reply = onlyFrameTo("c1");
        assertEquals("r2", reply.path("id").asText());
        assertEquals(ErrorCode.UNKNOWN_ACTION.wire(), errorCode(reply));
        assertEquals(List.of(), handled);
    }

    @Test
    void aMalformedFrameGetsAnErrorFrame() throws Exception {
        open("c1", Duration.ofHours(1));
        router.route("c1", "{not json");
        var frame = onlyFrameTo("c1");
        assertEquals("error", frame.path("type").asText());
        assertEquals(ErrorCode.MALFORMED_FRAME.wire(), errorCode(frame));
    }

    @Test
    void anOversizeFrameIsRefusedBeforeParsingAndAnsweredWithItsIdWhenOneCanBeRead() throws Exception {
        open("c1", Duration.ofHours(1));
        String pad = "x".repeat(300);
        router.route("c1", "{\"action\":\"ping\",\"data\":{\"pad\":\"" + pad + "\"},\"id\":\"big-1\"}");
        var reply = onlyFrameTo("c1");
        assertEquals("reply", reply.path("type").asText());
        assertEquals("big-1", reply.path("id").asText());
        assertEquals(ErrorCode.FRAME_TOO_LARGE.wire(), errorCode(reply));
        sender.clear();
        // No readable id (none, not a string, or not JSON before it): an error frame.
        for (String body : List.of("{\"action\":\"ping\",\"data\":{\"pad\":\"" + pad + "\"}}",
                "{\"id\":7,\"pad\":\"" + pad + "\"}", "not json " + pad)) {
            router.route("c1", body);
            var frame = onlyFrameTo("c1");
            assertEquals("error", frame.path("type").asText(), body.substring(0, 20));
            assertEquals(ErrorCode.FRAME_TOO_LARGE.wire(), errorCode(frame));
            sender.clear();
        }
        assertEquals(List.of(), handled);
    }

    @Test
    void overTheLimitTheClientIsToldWhenToRetry() throws Exception {
        open("c1", Duration.ofHours(1));
        router.route("c1", "{\"action\":\"ping\",\"id\":\"a\"}");
        router.route("c1", "{\"action\":\"ping\",\"id\":\"b\"}");
        sender.clear();
        router.route("c1", "{\"action\":\"ping\",\"id\":\"c\"}");
        var reply = onlyFrameTo("c1");
        assertEquals(ErrorCode.RATE_LIMITED.wire(), errorCode(reply));
        assertTrue(reply.path("error").path("retryAfterMs").asLong() > 0);
        assertEquals(2, handled.size());
    }

    @Test
    void aConnectionWithoutARecordCannotAct() throws Exception {
        router.route("ghost", "{\"action\":\"ping\",\"id\":\"r\"}");
        assertEquals(ErrorCode.FORBIDDEN.wire(), errorCode(onlyFrameTo("ghost")));
        assertEquals(List.of(), handled);
    }

    @Test
    void afterItsTokenLapsedOnlyAuthRefreshPassesAndAnythingElseCloses() throws Exception {
        open("c1", Duration.ofMinutes(5));
        clock.advance(Duration.ofMinutes(6));
        router.route("c1", "{\"action\":\"auth.refresh\",\"id\":\"r1\",\"data\":{\"token\":\"t\"}}");
        assertTrue(onlyFrameTo("c1").path("ok").asBoolean());
        assertEquals(List.of(), sender.closed());
        sender.clear();
        router.route("c1", "{\"action\":\"ping\",\"id\":\"r2\"}");
        assertEquals(ErrorCode.TOKEN_EXPIRED.wire(), errorCode(onlyFrameTo("c1")));
        assertEquals(List.of("c1"), sender.closed());
        assertEquals(List.of(), handled);
    }

    @Test
    void aRefusalAndAnInternalFaultBothBecomeReplies() throws Exception {
        open("c1", Duration.ofHours(1));
        router.route("c1", "{\"action\":\"test.refuse\",\"id\":\"r1\"}");
        assertEquals(ErrorCode.FORBIDDEN.wire(), errorCode(onlyFrameTo("c1")));
        sender.clear();
        router.route("c1", "{\"action\":\"test.fail\",\"id\":\"r2\"}");
        var reply = onlyFrameTo("c1");
        assertEquals(ErrorCode.INTERNAL_ERROR.wire(), errorCode(reply));
        assertFalse(reply.path("error").path("message").asText().contains("boom"), "internals stay on the server");
    }

    @Test
    void anActionRegisteredTwiceIsAWiringError() {
        var builder = ActionRouter.builder().action(Actions.PING, (c, f) -> Json.object());
        assertThrows(IllegalStateException.class, () -> builder.action(Actions.PING, (c, f) -> Json.object()));
    }
}
