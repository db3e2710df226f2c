package dev.pulse.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class FrameParserTest {
    private final ProtocolSchemas schemas = new ProtocolSchemas();

    @Test
    void parsesAMinimalFrameWithEmptyData() throws Exception {
        ClientFrame frame = FrameParser.parse("{\"action\":\"ping\"}");
        assertEquals("ping", frame.action());
        assertNull(frame.id());
        assertTrue(frame.data().isObject());
        assertEquals(0, frame.data().size());
    }

    @Test
    void parsesIdAndDataAndIgnoresUnknownFields() throws Exception {
        ClientFrame frame = FrameParser.parse(
                "{\"client\":\"web/1.2\",\"action\":\"room.join\",\"id\":\"7\",\"data\":{\"room\":\"chat:42\",\"extra\":[1]},\"v\":2}");
        assertEquals("room.join", frame.action());
        assertEquals("7", frame.id());
        assertEquals("chat:42", frame.data().get("room").textValue());
        assertEquals("chat:42", FrameParser.requiredString(frame, "room"));
    }

    @Test
    void leavesUnknownActionsToTheHandler() throws Exception {
        assertEquals("typing.start", FrameParser.parse("{\"action\":\"typing.start\",\"id\":\"1\"}").action());
    }

    @Test
    void acceptsIdsOfOneToSixtyFourCodePoints() throws Exception {
        assertEquals("a", FrameParser.parse("{\"action\":\"ping\",\"id\":\"a\"}").id());
        String longest = "x".repeat(64);
        assertEquals(longest, FrameParser.parse("{\"action\":\"ping\",\"id\":\"" + longest + "\"}").id());
        // 64 emoji are 128 UTF-16 chars but 64 characters, as JSON Schema's maxLength counts them.
        String emoji = "\uD83D\uDE00".repeat(64);
        assertEquals(emoji, FrameParser.parse("{\"action\":\"ping\",\"id\":\"" + emoji + "\"}").id());
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {
            "", "   ", "not json", "{", "{\"action\":\"ping\"", "{'action':'ping'}", "{action:\"ping\"}",
            "[]", "[{\"action\":\"ping\"}]", "\"ping\"", "42", "true", "null",
            "{\"action\":\"ping\"} {\"action\":\"ping\"}", "{\"action\":\"ping\"} trailing",
            "{\"action\":\"ping\",\"action\":\"room.join\"}"})
    void rejectsAnythingButOneJsonObjectAsMalformed(String body) {
        ProtocolException e = assertThrows(ProtocolException.class, () -> FrameParser.parse(body));
        assertEquals(ErrorCode.MALFORMED_FRAME, e.code());
        assertNull(e.requestId());
    }

    @Test
    void rejectsNestingDeeperThanTheParserAllowsAsMalformed() {
        String deep = "{\"action\":\"ping\",\"data\":{\"a\":" + "[".repeat(5000) + "]".repeat(5000) + "}}";
        assertEquals(ErrorCode.MALFORMED_FRAME, assertThrows(ProtocolException.class, () -> FrameParser.parse(deep)).code());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"id\":\"9\"}",
            "{\"id\":\"9\",\"action\":null}",
            "{\"id\":\"9\",\"action\":\"\"}",
            "{\"id\":\"9\",\"action\":7}",
            "{\"id\":\"9\",\"action\":[\"ping\"]}",
            "{\"id\":\"9\",\"action\":{\"name\":\"ping\"}}"})
    void rejectsAMissingOrNonStringActionAndKeepsTheId(String body) {
        ProtocolException e = assertThrows(ProtocolException.class, () -> FrameParser.parse(body));
        assertEquals(ErrorCode.INVALID_FRAME, e.code());
        assertEquals("9", e.requestId());
        assertTrue(e.getMessage().contains("action"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"action\":\"ping\",\"id\":\"\"}",
            "{\"action\":\"ping\",\"id\":null}",
            "{\"action\":\"ping\",\"id\":7}",
            "{\"action\":\"ping\",\"id\":true}",
            "{\"action\":\"ping\",\"id\":[\"7\"]}",
            "{\"action\":\"ping\",\"id\":{}}",
            // an unusable id wins over a missing action: neither can be echoed
            "{\"id\":7}"})
    void rejectsAnUnusableIdWithoutARequestId(String body) {
        ProtocolException e = assertThrows(ProtocolException.class, () -> FrameParser.parse(body));
        assertEquals(ErrorCode.INVALID_FRAME, e.code());
        assertNull(e.requestId());
        assertTrue(e.getMessage().contains("id"), e.getMessage());
    }

    @Test
    void rejectsAnIdOfSixtyFiveCharacters() {
        String body = "{\"action\":\"ping\",\"id\":\"" + "x".repeat(65) + "\"}";
        ProtocolException e = assertThrows(ProtocolException.class, () -> FrameParser.parse(body));
        assertEquals(ErrorCode.INVALID_FRAME, e.code());
        assertNull(e.requestId());
    }

    @ParameterizedTest
    @ValueSource(strings = {"null", "[]", "[{\"room\":\"chat:42\"}]", "\"chat:42\"", "42", "false"})
    void rejectsDataThatIsNotAnObjectAndKeepsTheId(String data) {
        String body = "{\"action\":\"room.join\",\"id\":\"3\",\"data\":" + data + "}";
        ProtocolException e = assertThrows(ProtocolException.class, () -> FrameParser.parse(body));
        assertEquals(ErrorCode.INVALID_FRAME, e.code());
        assertEquals("3", e.requestId());
        assertTrue(e.getMessage().contains("data"), e.getMessage());
    }

    @Test
    void rejectsDataThatIsNotAnObjectWithoutAnIdAsAnErrorFrame() {
        ProtocolException e = assertThrows(ProtocolException.class, () -> FrameParser.parse("{\"action\":\"ping\",\"data\":[]}"));
        assertEquals(ErrorCode.INVALID_FRAME, e.code());
        assertNull(e.requestId());
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"name\":\"chat:42\"}", "{\"room\":null}", "{\"room\":42}", "{\"room\":[\"chat:42\"]}", "{\"room\":{}}"})
    void requiredStringNamesTheMissingFieldAndKeepsTheId(String data) throws Exception {
        ClientFrame frame = FrameParser.parse("{\"action\":\"room.join\",\"id\":\"5\",\"data\":" + data + "}");
        ProtocolException e = assertThrows(ProtocolException.class, () -> FrameParser.requiredString(frame, "room"));
        assertEquals(ErrorCode.INVALID_FRAME, e.code());
        assertEquals("5", e.requestId());
        assertTrue(e.getMessage().contains("data.room"), e.getMessage());
    }

    @Test
    void requiredStringOfAFrameWithoutDataFailsWithoutAnId() throws Exception {
        ClientFrame frame = FrameParser.parse("{\"action\":\"room.join\"}");
        ProtocolException e = assertThrows(ProtocolException.class, () -> FrameParser.requiredString(frame, "room"));
        assertEquals(ErrorCode.INVALID_FRAME, e.code());
        assertNull(e.requestId());
    }

    @Test
    void clientFrameNeverHasNullData() {
        assertTrue(new ClientFrame("ping", null, null).data().isObject());
        assertThrows(NullPointerException.class, () -> new ClientFrame(null, null, null));
    }

    @Test
    void aProtocolExceptionBecomesAReplyWhenItsIdIsKnownAndAnErrorOtherwise() throws Exception {
        ProtocolException withId = assertThrows(ProtocolException.class,
                () -> FrameParser.parse("{\"action\":\"room.join\",\"id\":\"4\",\"data\":7}"));
        JsonNode reply = Json.MAPPER.readTree(withId.toFrame());
        assertEquals("reply", reply.get("type").textValue());
        assertEquals("4", reply.get("id").textValue());
        assertEquals("invalid_frame", reply.at("/error/code").textValue());
        schemas.assertServerFrame("server-reply", withId.toFrame());

        ProtocolException withoutId = assertThrows(ProtocolException.class, () -> FrameParser.parse("<html>"));
        JsonNode error = Json.MAPPER.readTree(withoutId.toFrame());
        assertEquals("error", error.get("type").textValue());
        assertEquals("malformed_frame", error.at("/error/code").textValue());
        schemas.assertServerFrame("server-error", withoutId.toFrame());
    }

    /**
     * For frames whose only question is the envelope, the parser and client-frame.json agree: the parser accepts
     * exactly what the schema accepts. (Room syntax is checked later, by the handler, with its own error code.)
     */
    @ParameterizedTest
    @ValueSource(strings = {
            "{\"action\":\"ping\"}", "{\"action\":\"ping\",\"id\":\"1\",\"data\":{}}", "{\"action\":\"connection.info\",\"x\":1}",
            "{\"action\":\"custom.thing\",\"data\":{\"a\":[1,2]}}",
            "{}", "{\"action\":\"\"}", "{\"action\":1}", "{\"action\":\"ping\",\"id\":\"\"}", "{\"action\":\"ping\",\"id\":1}",
            "{\"action\":\"ping\",\"id\":null}", "{\"action\":\"ping\",\"data\":null}", "{\"action\":\"ping\",\"data\":[]}",
            "[]", "\"ping\""})
    void parserAndSchemaAgreeOnTheEnvelope(String body) {
        boolean schemaAccepts = schemas.errors("client-frame", body).isEmpty();
        boolean parserAccepts;
        try {
            FrameParser.parse(body);
            parserAccepts = true;
        } catch (ProtocolException e) {
            parserAccepts = false;
        }
        assertEquals(schemaAccepts, parserAccepts, body);
    }

    @Test
    void idLimitMatchesTheSchema() {
        assertEquals(FrameParser.MAX_ID_LENGTH, schemas.schemaDocument("common").at("/$defs/requestId/maxLength").intValue());
    }
}
