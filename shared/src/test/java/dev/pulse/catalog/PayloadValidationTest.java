package dev.pulse.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pulse.protocol.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Invalid payloads are refused with the event's name and the failing JSON path; unknown events by policy. */
class PayloadValidationTest {
    private final EventCatalog hyvve = EventCatalog.load("hyvve");
    private final EventCatalog famly = EventCatalog.load("famly");

    private ObjectNode example(EventCatalog catalog, String event) {
        return (ObjectNode) catalog.event(event).orElseThrow().examples().getFirst().deepCopy();
    }

    @Test
    void aMissingRequiredFieldIsNamedWithItsParentPath() {
        ObjectNode payload = example(hyvve, "approval.created");
        payload.remove("title");
        var e = assertThrows(InvalidEventException.class, () -> hyvve.validate("approval.created", payload));
        assertEquals("approval.created", e.event());
        assertEquals(List.of(new Violation("$", "required property 'title' not found")), e.violations());
        assertEquals("event approval.created: $: required property 'title' not found", e.getMessage());
    }

    @Test
    void aWrongTypeAnEnumMissAndABadDateAreEachReportedAtTheirPath() {
        ObjectNode payload = example(hyvve, "approval.created");
        payload.put("confidenceScore", "high");
        payload.put("status", "maybe");
        payload.put("createdAt", "yesterday");
        var violations = hyvve.check("approval.created", payload);
        assertEquals(List.of("$.confidenceScore", "$.createdAt", "$.status"), violations.stream().map(Violation::path).toList());
        assertTrue(violations.get(0).message().contains("string found, number expected"), violations.toString());
        assertTrue(violations.get(1).message().contains("date-time"), violations.toString());
        assertTrue(violations.get(2).message().contains("enumeration"), violations.toString());
    }

    @Test
    void nestedAndArrayPathsArePrecise() {
        ObjectNode task = example(famly, "task.created");
        ((ObjectNode) task.get("task").get("assignment")).put("type", "robot");
        assertEquals(List.of("$.task.assignment.type"), paths(famly.check("task.created", task)));

        ObjectNode chat = example(famly, "chat.updated");
        chat.withArray("memberIds").add(7);
        assertEquals(List.of("$.memberIds[3]"), paths(famly.check("chat.updated", chat)));
    }

    @Test
    void aPayloadThatIsNotAnObjectIsRefusedAtTheRoot() {
        assertEquals(List.of("$"), paths(hyvve.check("chat.message", Json.MAPPER.getNodeFactory().textNode("hi"))));
        assertEquals(List.of("$"), paths(hyvve.check("chat.message", null)));
    }

    @Test
    void unknownEventsAreRefusedByAStrictCatalogAndPassedByAPermissiveOne() {
        JsonNode anything = Json.object().put("x", 1);
        var strict = hyvve.check("approval.archived", anything);
        assertEquals(1, strict.size());
        assertEquals("$", strict.getFirst().path());
        assertTrue(strict.getFirst().message().startsWith("unknown event type"), strict.toString());
        var e = assertThrows(InvalidEventException.class, () -> hyvve.validate("approval.archived", anything));
        assertTrue(e.getMessage().startsWith("event approval.archived: $: unknown event type"), e.getMessage());

        EventCatalog worklamp = EventCatalog.load("worklamp");
        assertEquals(UnknownEvents.PERMISSIVE, worklamp.unknownEvents());
        assertEquals(List.of(), worklamp.check("sprint.started", anything));
        // A declared event is validated whatever the policy.
        assertEquals(List.of("$"), paths(worklamp.check("task.created", anything)).subList(0, 1));

        assertEquals(List.of(), hyvve.withUnknownEvents(UnknownEvents.PERMISSIVE).check("approval.archived", anything));
        assertEquals(1, worklamp.withUnknownEvents(UnknownEvents.STRICT).check("sprint.started", anything).size());
    }

    private static List<String> paths(List<Violation> violations) {
        return violations.stream().map(Violation::path).toList();
    }
}
