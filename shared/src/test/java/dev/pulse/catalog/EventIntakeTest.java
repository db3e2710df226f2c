package dev.pulse.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pulse.model.Targets;
import dev.pulse.protocol.Json;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fan-out's admission of EventBridge events: enveloped or routed, valid or refused with a reason. */
class EventIntakeTest {
    private final EventIntake hyvve = new EventIntake(EventCatalog.load("hyvve"));
    private final EventIntake famly = new EventIntake(EventCatalog.load("famly"));
    private final EventIntake none = new EventIntake(null);

    private static ObjectNode event(String source, String detailType, JsonNode detail) {
        ObjectNode event = Json.object();
        event.put("version", "0").put("id", "eb-1").put("detail-type", detailType).put("source", source)
                .put("account", "000000000000").put("time", "2026-01-02T03:04:05Z").put("region", "us-east-1");
        event.putArray("resources");
        event.set("detail", detail);
        return event;
    }

    private static ObjectNode envelope(JsonNode data) {
        ObjectNode detail = Json.object().put("envelope", "pulse.v1").put("eventId", "evt-9").put("workspaceId", "w1")
                .put("correlationId", "corr-9").put("publishedAt", "2026-01-02T03:04:05.678Z");
        detail.putObject("targets").put("workspace", true);
        detail.set("data", data);
        return detail;
    }

    private static ObjectNode example(EventIntake intake, String name) {
        return (ObjectNode) intake.catalog().orElseThrow().event(name).orElseThrow().examples().getFirst().deepCopy();
    }

    private static Rejection rejected(Admission admission) {
        return assertInstanceOf(Admission.Reject.class, admission).rejection();
    }

    @Test
    void aDomainEventIsDeliveredByItsRouteWithTheEventBridgeIdTimeAndDetail() {
        ObjectNode detail = example(hyvve, "notification.new");
        var deliver = assertInstanceOf(Admission.Deliver.class, hyvve.admit(event("com.hyvve.api", "notification.new", detail)));
        var envelope = deliver.envelope();
        assertEquals("eb-1", envelope.eventId());
        assertEquals("notification.new", envelope.event());
        assertEquals("ws_acme", envelope.workspaceId());
        assertEquals(new Targets(false, List.of("usr_maya"), List.of()), envelope.targets());
        assertEquals("req-8f2a", envelope.correlationId());
        assertEquals(Instant.parse("2026-01-02T03:04:05Z"), envelope.publishedAt());
        assertEquals(detail, envelope.data());
        assertNull(envelope.exceptConnectionId());
        assertEquals(3, deliver.routing().routes().getFirst().number());
    }

    @Test
    void withoutACorrelationFieldTheEventIdCorrelates() {
        ObjectNode detail = example(hyvve, "chat.message");
        var deliver = assertInstanceOf(Admission.Deliver.class, hyvve.admit(event("x", "chat.message", detail)));
        assertEquals("eb-1", deliver.envelope().correlationId());
        assertEquals(new Targets(false, List.of(), List.of("chat:chat-123")), deliver.envelope().targets());
    }

    @Test
    void anInvalidDomainEventIsRefusedWithItsPathAndCorrelationId() {
        ObjectNode detail = example(hyvve, "approval.created");
        detail.put("status", "maybe");
        var rejection = rejected(hyvve.admit(event("com.hyvve.api", "approval.created", detail)));
        assertEquals(Rejection.Reason.INVALID_PAYLOAD, rejection.reason());
        assertEquals("$.status", rejection.violations().getFirst().path());
        assertTrue(rejection.message().startsWith("event approval.created: $.status: "), rejection.message());
        assertEquals("req-8f2a", rejection.correlationId());
        assertEquals("eb-1", rejection.eventId());
        assertEquals("com.hyvve.api", rejection.source());
        assertEquals("invalid_payload", rejection.toJson().get("rejected").asText());
        assertEquals("$.status", rejection.toJson().get("violations").get(0).get("path").asText());
        assertEquals(detail, rejection.toJson().get("event").get("detail"));
    }

    @Test
    void undeclaredUnroutableAndUnroutableFromTheWrongSourceAreRefused() {
        var unknown = rejected(hyvve.admit(event("com.hyvve.api", "approval.archived", example(hyvve, "approval.deleted"))));
        assertEquals(Rejection.Reason.UNKNOWN_EVENT, unknown.reason());

        var wrongSource = rejected(famly.admit(event("famly.chat", "task.created", example(famly, "task.created"))));
        assertEquals(Rejection.Reason.UNROUTABLE, wrongSource.reason());
        assertEquals("no route of catalog famly takes source famly.chat and detail-type task.created", wrongSource.message());
        // No route takes it, so no route says where its correlation id is: the event id stands in.
        assertEquals("eb-1", wrongSource.correlationId());

        ObjectNode noMembers = example(famly, "chat.updated");
        noMembers.putArray("memberIds");
        // minItems 1 in the schema refuses it before routing would find no room.
        assertEquals(Rejection.Reason.INVALID_PAYLOAD, rejected(famly.admit(event("famly.chat", "chat.updated", noMembers))).reason());
    }

    @Test
    void aRoutedEventWithoutATimeOrIdIsRefused() {
        ObjectNode noTime = event("x", "chat.message", example(hyvve, "chat.message"));
        noTime.remove("time");
        assertEquals(Rejection.Reason.INVALID_ENVELOPE, rejected(hyvve.admit(noTime)).reason());
        ObjectNode noId = event("x", "chat.message", example(hyvve, "chat.message"));
        noId.remove("id");
        assertEquals(Rejection.Reason.INVALID_ENVELOPE, rejected(hyvve.admit(noId)).reason());
        assertEquals(Rejection.Reason.INVALID_ENVELOPE, rejected(hyvve.admit(Json.MAPPER.getNodeFactory().textNode("x"))).reason());
    }

    @Test
    void envelopesKeepTheirTargetsAndAreValidatedAgainstTheCatalog() {
        var valid = assertInstanceOf(Admission.Deliver.class,
                hyvve.admit(event("com.hyvve.api", "chat.message", envelope(example(hyvve, "chat.message")))));
        assertEquals("evt-9", valid.envelope().eventId());
        assertEquals(new Targets(true, List.of(), List.of()), valid.envelope().targets());
        assertNull(valid.routing());

        var invalid = rejected(hyvve.admit(event("com.hyvve.api", "chat.message", envelope(Json.object().put("content", "x")))));
        assertEquals(Rejection.Reason.INVALID_PAYLOAD, invalid.reason());
        assertEquals("corr-9", invalid.correlationId());

        var unknown = rejected(hyvve.admit(event("com.hyvve.api", "typing.custom", envelope(Json.object()))));
        assertEquals(Rejection.Reason.UNKNOWN_EVENT, unknown.reason());
        var permissive = new EventIntake(EventCatalog.load("hyvve").withUnknownEvents(UnknownEvents.PERMISSIVE));
        assertInstanceOf(Admission.Deliver.class, permissive.admit(event("s", "typing.custom", envelope(Json.object()))));
    }

    @Test
    void withoutACatalogEnvelopesPassUnvalidatedAndDomainEventsAreUnroutable() {
        assertInstanceOf(Admission.Deliver.class, none.admit(event("s", "chat.message", envelope(Json.object().put("any", 1)))));
        var raw = rejected(none.admit(event("s", "chat.message", example(hyvve, "chat.message"))));
        assertEquals(Rejection.Reason.UNROUTABLE, raw.reason());
        ObjectNode broken = envelope(Json.object());
        broken.remove("eventId");
        var bad = rejected(none.admit(event("s", "chat.message", broken)));
        assertEquals(Rejection.Reason.INVALID_ENVELOPE, bad.reason());
        assertEquals("invalid envelope field 'eventId': must be a non-empty string", bad.message());
        assertEquals("corr-9", bad.correlationId());
    }
}
