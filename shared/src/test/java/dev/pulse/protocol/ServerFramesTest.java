package dev.pulse.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ServerFramesTest {
    private final ProtocolSchemas schemas = new ProtocolSchemas();

    private static JsonNode json(String text) throws Exception {
        return Json.MAPPER.readTree(text);
    }

    @Test
    void eventCarriesEveryFieldAndValidates() throws Exception {
        ObjectNode data = Json.object().put("approvalId", "a-17");
        String text = TestFrames.event("approval.created", "workspace:w1", "e-1",
                Instant.parse("2026-11-22T10:00:00.123Z"), "req-5f2c", data);
        schemas.assertServerFrame("server-event", text);
        JsonNode frame = json(text);
        assertEquals("event", frame.get("type").textValue());
        assertEquals("approval.created", frame.get("event").textValue());
        assertEquals("workspace:w1", frame.get("room").textValue());
        assertEquals("e-1", frame.get("eventId").textValue());
        assertEquals("2026-11-22T10:00:00.123Z", frame.get("timestamp").textValue());
        assertEquals("req-5f2c", frame.get("correlationId").textValue());
        assertEquals(data, frame.get("data"));
    }

    @Test
    void eventWithoutCorrelationIdOmitsItAndNullDataIsJsonNull() throws Exception {
        String text = TestFrames.event("notification.new", "user:u1", "e-2", Instant.parse("2026-11-22T10:00:00Z"), null, null);
        schemas.assertServerFrame("server-event", text);
        JsonNode frame = json(text);
        assertFalse(frame.has("correlationId"));
        assertTrue(frame.has("data"));
        assertTrue(frame.get("data").isNull());
    }

    @Test
    void eventDataMayBeAnyJsonValue() throws Exception {
        for (String data : List.of("[1,\"two\",{\"three\":3}]", "\"text\"", "42", "true", "{\"nested\":{\"deep\":[null]}}")) {
            String text = TestFrames.event("chat.message", "chat:42", "e-3", Instant.EPOCH, "c", json(data));
            schemas.assertServerFrame("server-event", text);
            assertEquals(json(data), json(text).get("data"));
        }
    }

    @Test
    void eventEscapesPayloadTextSafely() throws Exception {
        ObjectNode data = Json.object().put("text", "\"quoted\"\n</script>\u2028\uD83D\uDE00");
        String text = TestFrames.event("chat.message", "chat:42", "e-4", Instant.EPOCH, null, data);
        assertEquals(data, json(text).get("data"));
        schemas.assertServerFrame("server-event", text);
    }

    @Test
    void timestampsAreUtcWithExactlyThreeFractionDigits() {
        assertEquals("2026-11-22T10:00:00.000Z", ServerFrames.timestamp(Instant.parse("2026-11-22T10:00:00Z")));
        assertEquals("2026-11-22T10:00:00.123Z", ServerFrames.timestamp(Instant.parse("2026-11-22T10:00:00.123456789Z")));
        assertEquals("1970-01-01T00:00:00.000Z", ServerFrames.timestamp(Instant.EPOCH));
        assertEquals("2026-11-22T09:00:00.500Z", ServerFrames.timestamp(Instant.parse("2026-11-22T10:00:00.500+01:00")));
    }

    @Test
    void eventRequiresItsIdentifyingFields() {
        Instant now = Instant.EPOCH;
        assertThrows(NullPointerException.class, () -> TestFrames.event(null, "chat:1", "e", now, null, null));
        assertThrows(NullPointerException.class, () -> TestFrames.event("x", null, "e", now, null, null));
        assertThrows(NullPointerException.class, () -> TestFrames.event("x", "chat:1", null, now, null, null));
        assertThrows(NullPointerException.class, () -> TestFrames.event("x", "chat:1", "e", null, null, null));
    }

    @Test
    void replyOkForEveryV1ActionValidates() throws Exception {
        String ping = ServerFrames.replyOk("1", Json.object().put("time", ServerFrames.timestamp(Instant.parse("2026-11-22T10:00:00Z"))));
        schemas.assertServerFrame("server-reply", ping);
        JsonNode frame = json(ping);
        assertEquals("reply", frame.get("type").textValue());
        assertEquals("1", frame.get("id").textValue());
        assertTrue(frame.get("ok").booleanValue());
        assertEquals("2026-11-22T10:00:00.000Z", frame.at("/data/time").textValue());
        assertFalse(frame.has("error"));

        schemas.assertServerFrame("server-reply", ServerFrames.replyOk("2", Json.object().put("room", "chat:42")));

        ObjectNode info = Json.object()
                .put("connectionId", "R0oXAdfD0kwCH6w=")
                .put("userId", "u1")
                .put("workspaceId", "w1")
                .put("connectedAt", ServerFrames.timestamp(Instant.parse("2026-11-22T09:58:12Z")))
                .put("expiresAt", ServerFrames.timestamp(Instant.parse("2026-11-22T12:08:12Z")));
        info.putArray("rooms").add("user:u1").add("workspace:w1").add("chat:42");
        schemas.assertServerFrame("server-reply", ServerFrames.replyOk("3", info));
    }

    @Test
    void replyOkNeedsAnObject() {
        assertThrows(NullPointerException.class, () -> ServerFrames.replyOk("1", null));
        assertThrows(IllegalArgumentException.class, () -> ServerFrames.replyOk("1", Json.MAPPER.getNodeFactory().arrayNode()));
        assertThrows(NullPointerException.class, () -> ServerFrames.replyOk(null, Json.object().put("room", "chat:1")));
    }

    @ParameterizedTest
    @EnumSource(ErrorCode.class)
    void replyErrorAndErrorValidateForEveryCode(ErrorCode code) throws Exception {
        String reply = ServerFrames.replyError("7", code, "what went wrong");
        schemas.assertServerFrame("server-reply", reply);
        JsonNode replyFrame = json(reply);
        assertEquals("7", replyFrame.get("id").textValue());
        assertFalse(replyFrame.get("ok").booleanValue());
        assertFalse(replyFrame.has("data"));
        assertEquals(code.wire(), replyFrame.at("/error/code").textValue());
        assertEquals("what went wrong", replyFrame.at("/error/message").textValue());

        String error = ServerFrames.error(code, "what went wrong");
        schemas.assertServerFrame("server-error", error);
        JsonNode errorFrame = json(error);
        assertEquals("error", errorFrame.get("type").textValue());
        assertFalse(errorFrame.has("id"));
        assertEquals(code.wire(), errorFrame.at("/error/code").textValue());
    }

    @Test
    void failureRepliesWhenTheIdIsKnownAndSendsAnErrorOtherwise() throws Exception {
        String withId = ServerFrames.failure("12", ErrorCode.FORBIDDEN, "user:u2 is another user's room");
        assertEquals(json(ServerFrames.replyError("12", ErrorCode.FORBIDDEN, "user:u2 is another user's room")), json(withId));
        schemas.assertServerFrame("server-reply", withId);

        String withoutId = ServerFrames.failure(null, ErrorCode.MALFORMED_FRAME, "frame is not valid JSON");
        assertEquals(json(ServerFrames.error(ErrorCode.MALFORMED_FRAME, "frame is not valid JSON")), json(withoutId));
        schemas.assertServerFrame("server-error", withoutId);
    }

    @Test
    void rateLimitedFailuresCarryRetryAfterAndValidate() throws Exception {
        String reply = ServerFrames.failure("9", ErrorCode.RATE_LIMITED, "slow down", java.time.Duration.ofMillis(41_250));
        assertEquals(41_250, json(reply).at("/error/retryAfterMs").asLong());
        assertEquals("rate_limited", json(reply).at("/error/code").asText());
        schemas.assertServerFrame("server-reply", reply);

        String error = ServerFrames.failure(null, ErrorCode.RATE_LIMITED, "slow down", java.time.Duration.ZERO);
        assertEquals(1, json(error).at("/error/retryAfterMs").asLong(), "never 0: the schema requires at least 1");
        schemas.assertServerFrame("server-error", error);
    }

    @Test
    void errorFramesNeedACodeAndAMessage() {
        assertThrows(NullPointerException.class, () -> ServerFrames.error(null, "m"));
        assertThrows(NullPointerException.class, () -> ServerFrames.error(ErrorCode.FORBIDDEN, null));
        assertThrows(NullPointerException.class, () -> ServerFrames.replyError(null, ErrorCode.FORBIDDEN, "m"));
    }

    @Test
    void errorCodesInTheSchemaAreExactlyTheWireNames() {
        JsonNode codes = schemas.schemaDocument("common").at("/$defs/errorCode/enum");
        List<String> inSchema = StreamSupport.stream(codes.spliterator(), false).map(JsonNode::textValue).sorted().toList();
        List<String> inJava = Arrays.stream(ErrorCode.values()).map(ErrorCode::wire).sorted().toList();
        assertEquals(inJava, inSchema);
    }
}
