package dev.pulse.envelope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pulse.model.EventEnvelope;
import dev.pulse.model.Targets;
import dev.pulse.protocol.Json;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EnvelopeCodecTest {
    private static final Instant PUBLISHED = Instant.parse("2026-03-04T05:06:07.891Z");

    private static EventEnvelope sample() throws Exception {
        return new EventEnvelope("0190f5c2-7c3a-7000-8000-000000000001", "approval.created", "w1",
                new Targets(true, List.of("u1", "u2"), List.of("chat:42")), "R0oXAdfD0kwCH6w=", "corr-9",
                PUBLISHED, Json.MAPPER.readTree("{\"id\":7,\"title\":\"Löwe ☕\",\"tags\":[\"a\",null]}"));
    }

    /** The event exactly as EventBridge hands it to a Lambda target. */
    private static ObjectNode deliveredEvent(String detailType, String detail) throws Exception {
        ObjectNode event = Json.object();
        event.put("version", "0");
        event.put("id", "6a7e8feb-b491-4cf7-a9f1-bf3703467718");
        event.put("detail-type", detailType);
        event.put("source", "com.acme.approvals");
        event.put("account", "123456789012");
        event.put("time", "2026-03-04T05:06:08Z");
        event.put("region", "eu-west-1");
        event.putArray("resources");
        event.set("detail", Json.MAPPER.readTree(detail));
        return event;
    }

    @Test
    void roundTripThroughTheDeliveredEvent() throws Exception {
        EventEnvelope original = sample();
        String detail = EnvelopeCodec.toDetail(original);

        EventEnvelope read = EnvelopeCodec.fromEventBridgeEvent(deliveredEvent("approval.created", detail));

        assertEquals(original, read);
        // And from the raw JSON text a target receives.
        assertEquals(original, EnvelopeCodec.fromEventBridgeEvent(
                Json.MAPPER.writeValueAsString(deliveredEvent("approval.created", detail))));
    }

    @Test
    void detailHasTheDocumentedShape() throws Exception {
        JsonNode detail = Json.MAPPER.readTree(EnvelopeCodec.toDetail(sample()));

        assertEquals(List.of("envelope", "eventId", "workspaceId", "targets", "exceptConnectionId", "correlationId",
                "publishedAt", "data"), fieldNames(detail));
        assertEquals("pulse.v1", detail.get("envelope").asText());
        assertEquals("w1", detail.get("workspaceId").asText());
        assertEquals(Json.MAPPER.readTree("{\"workspace\":true,\"users\":[\"u1\",\"u2\"],\"rooms\":[\"chat:42\"]}"),
                detail.get("targets"));
        assertEquals("2026-03-04T05:06:07.891Z", detail.get("publishedAt").asText());
        assertEquals(7, detail.get("data").get("id").asInt());
        assertFalse(detail.has("event"), "the event name travels as detail-type, not in the detail");
    }

    @Test
    void nullExceptConnectionIsOmittedAndNullDataIsJsonNull() throws Exception {
        EventEnvelope e = new EventEnvelope("e1", "ping", "w1", new Targets(false, List.of("u1"), null), null,
                "c1", PUBLISHED, null);
        JsonNode detail = Json.MAPPER.readTree(EnvelopeCodec.toDetail(e));

        assertFalse(detail.has("exceptConnectionId"));
        assertTrue(detail.has("data"));
        assertTrue(detail.get("data").isNull());
        EventEnvelope read = EnvelopeCodec.fromEventBridgeEvent(deliveredEvent("ping", detail.toString()));
        assertEquals(NullNode.instance, read.data());
        assertEquals(null, read.exceptConnectionId());
    }

    @Test
    void anAbsentDataIsJsonNullAsTheProtocolSays() throws Exception {
        ObjectNode detail = (ObjectNode) Json.MAPPER.readTree(EnvelopeCodec.toDetail(sample()));
        detail.remove("data");
        EventEnvelope read = EnvelopeCodec.fromEventBridgeEvent(deliveredEvent(sample().event(), detail.toString()));
        assertEquals(NullNode.instance, read.data());
    }

    @Test
    void missingCorrelationIdDefaultsToEventIdAndMissingPublishedAtToEventTime() throws Exception {
        String detail = "{\"envelope\":\"pulse.v1\",\"eventId\":\"e1\",\"workspaceId\":\"w1\","
                + "\"targets\":{\"rooms\":[\"chat:1\"]},\"data\":{},\"futureField\":1}";

        EventEnvelope read = EnvelopeCodec.fromEventBridgeEvent(deliveredEvent("x.y", detail));

        assertEquals("e1", read.correlationId());
        assertEquals(Instant.parse("2026-03-04T05:06:08Z"), read.publishedAt());
        assertFalse(read.targets().workspace());
        assertEquals(List.of(), read.targets().users());
    }

    static Stream<Arguments> invalidDetails() {
        return Stream.of(
                bad("envelope", d -> d.remove("envelope")),
                bad("envelope", d -> d.put("envelope", "pulse.v2")),
                bad("envelope", d -> d.put("envelope", 1)),
                bad("eventId", d -> d.remove("eventId")),
                bad("eventId", d -> d.put("eventId", "")),
                bad("eventId", d -> d.put("eventId", 42)),
                bad("eventId", d -> d.put("eventId", "x".repeat(129))),
                bad("workspaceId", d -> d.remove("workspaceId")),
                bad("workspaceId", d -> d.put("workspaceId", " ")),
                bad("workspaceId", d -> d.put("workspaceId", "has space")),
                bad("targets", d -> d.remove("targets")),
                bad("targets", d -> d.put("targets", "all")),
                bad("targets", d -> d.set("targets", obj("{\"workspace\":false,\"users\":[],\"rooms\":[]}"))),
                bad("targets.workspace", d -> d.set("targets", obj("{\"workspace\":\"yes\"}"))),
                bad("targets.users", d -> d.set("targets", obj("{\"users\":\"u1\"}"))),
                bad("targets.users[1]", d -> d.set("targets", obj("{\"users\":[\"u1\",\"\"]}"))),
                bad("targets.users[0]", d -> d.set("targets", obj("{\"users\":[7]}"))),
                bad("targets.users[0]", d -> d.set("targets", obj("{\"users\":[\"a b\"]}"))),
                bad("targets.rooms[1]", d -> d.set("targets", obj("{\"rooms\":[\"chat:1\",\"no-colon\"]}"))),
                bad("targets.rooms[0]", d -> d.set("targets", obj("{\"rooms\":[\"Chat:1\"]}"))),
                bad("exceptConnectionId", d -> d.put("exceptConnectionId", 5)),
                bad("exceptConnectionId", d -> d.put("exceptConnectionId", "")),
                bad("correlationId", d -> d.put("correlationId", true)),
                bad("publishedAt", d -> d.put("publishedAt", "yesterday")),
                bad("publishedAt", d -> d.put("publishedAt", 1700000000)));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("invalidDetails")
    void eachBrokenRuleNamesItsField(String field, Consumer<ObjectNode> breakIt) throws Exception {
        ObjectNode detail = (ObjectNode) Json.MAPPER.readTree(EnvelopeCodec.toDetail(sample()));
        breakIt.accept(detail);

        InvalidEnvelopeException e = assertThrows(InvalidEnvelopeException.class,
                () -> EnvelopeCodec.fromEventBridgeEvent(deliveredEvent("approval.created", detail.toString())));

        assertEquals(field, e.field(), e.getMessage());
        assertTrue(e.getMessage().contains(field));
    }

    @Test
    void eventNameComesFromDetailTypeAndMustBePresent() throws Exception {
        String detail = EnvelopeCodec.toDetail(sample());
        ObjectNode event = deliveredEvent("approval.created", detail);
        event.remove("detail-type");
        assertEquals("detail-type", assertThrows(InvalidEnvelopeException.class,
                () -> EnvelopeCodec.fromEventBridgeEvent(event)).field());
        event.put("detail-type", "");
        assertEquals("detail-type", assertThrows(InvalidEnvelopeException.class,
                () -> EnvelopeCodec.fromEventBridgeEvent(event)).field());
    }

    @Test
    void detailMustBeAnObjectAndTheEventJson() throws Exception {
        ObjectNode event = deliveredEvent("a.b", "\"{}\"");
        assertEquals("detail", assertThrows(InvalidEnvelopeException.class,
                () -> EnvelopeCodec.fromEventBridgeEvent(event)).field());
        assertEquals("event", assertThrows(InvalidEnvelopeException.class,
                () -> EnvelopeCodec.fromEventBridgeEvent("{not json")).field());
        assertEquals("event", assertThrows(InvalidEnvelopeException.class,
                () -> EnvelopeCodec.fromEventBridgeEvent(Json.MAPPER.readTree("[1]"))).field());
    }

    @Test
    void toDetailRefusesAnEnvelopeTheReaderWouldReject() {
        EventEnvelope noTargets = new EventEnvelope("e1", "a.b", "w1", new Targets(false, null, null), null, null,
                PUBLISHED, null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EnvelopeCodec.toDetail(noTargets));
        assertEquals("targets", ((InvalidEnvelopeException) e.getCause()).field());
    }

    private static Arguments bad(String field, Consumer<ObjectNode> change) {
        return Arguments.of(field, change);
    }

    private static ObjectNode obj(String json) {
        try {
            return (ObjectNode) Json.MAPPER.readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
