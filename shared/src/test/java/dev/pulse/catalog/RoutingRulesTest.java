package dev.pulse.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pulse.protocol.Json;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Room templates over payloads, routing failures at delivery time, and the EventBridge rule pattern. */
class RoutingRulesTest {
    private static JsonNode json(String text) throws Exception {
        return Json.MAPPER.readTree(text);
    }

    @Test
    void templatesSubstituteStringsIntegersAndNestedFields() throws Exception {
        var payload = json("{\"a\":\"x\",\"n\":42,\"o\":{\"p\":\"deep\"}}");
        assertEquals(List.of("chat:x"), RoomTemplate.parse("chat:{a}").resolve(payload));
        assertEquals(List.of("order:x-42"), RoomTemplate.parse("order:{a}-{n}").resolve(payload));
        assertEquals(List.of("thing:deep"), RoomTemplate.parse("thing:{o.p}").resolve(payload));
        assertEquals(List.of("fixed:room"), RoomTemplate.parse("fixed:room").resolve(payload));
    }

    @Test
    void arrayFieldsExpandToOneRoomPerElementAndCombine() throws Exception {
        var payload = json("{\"u\":[\"a\",\"b\"],\"t\":[\"1\",\"2\"]}");
        assertEquals(List.of("user:a", "user:b"), RoomTemplate.parse("user:{u}").resolve(payload));
        assertEquals(List.of("m:a.1", "m:a.2", "m:b.1", "m:b.2"), RoomTemplate.parse("m:{u}.{t}").resolve(payload));
        assertEquals(List.of(), RoomTemplate.parse("user:{u}").resolve(json("{\"u\":[]}")));
    }

    @Test
    void missingNullOrObjectFieldsAndInvalidNamesCannotBeRouted() throws Exception {
        var template = RoomTemplate.parse("chat:{chatId}");
        assertEquals("room template chat:{chatId}: field chatId is missing",
                assertThrows(RoutingException.class, () -> template.resolve(json("{}"))).getMessage());
        assertThrows(RoutingException.class, () -> template.resolve(json("{\"chatId\":null}")));
        assertTrue(assertThrows(RoutingException.class, () -> template.resolve(json("{\"chatId\":{\"x\":1}}")))
                .getMessage().contains("found OBJECT"));
        assertTrue(assertThrows(RoutingException.class, () -> template.resolve(json("{\"chatId\":\"a/b\"}")))
                .getMessage().contains("built 'chat:a/b', not a valid room name"));
        assertThrows(IllegalArgumentException.class, () -> RoomTemplate.parse("chat:{a"));
        assertThrows(IllegalArgumentException.class, () -> RoomTemplate.parse("chat:{a[0]}"));
    }

    @Test
    void aRoutedEventWithoutItsWorkspaceCannotBeRouted() throws Exception {
        EventCatalog hyvve = EventCatalog.load("hyvve");
        var e = assertThrows(RoutingException.class,
                () -> hyvve.route("x", "chat.message", json("{\"chatId\":\"c1\"}")));
        assertTrue(e.getMessage().contains("workspace field workspaceId is missing"), e.getMessage());
        var bad = assertThrows(RoutingException.class,
                () -> hyvve.route("x", "chat.message", json("{\"chatId\":\"c1\",\"workspaceId\":\"a b\"}")));
        assertTrue(bad.getMessage().contains("not a valid workspace id"), bad.getMessage());
        assertEquals(Optional.empty(), hyvve.route("x", "invoice.paid", json("{}")));
    }

    @Test
    void oneSourceGivesOnePlainPatternThatSkipsEnvelopes() {
        assertEquals("{\"detail-type\":[\"notification.new\",\"chat.message\",{\"prefix\":\"approval.\"},{\"prefix\":\"agent.\"}],"
                        + "\"detail\":{\"envelope\":[{\"exists\":false}]}}",
                EventCatalog.load("hyvve").rulePattern().orElseThrow());
    }

    @Test
    void severalSourcesCombineWithOr() throws Exception {
        JsonNode pattern = json(EventCatalog.load("famly").rulePattern().orElseThrow());
        assertEquals(4, pattern.get("$or").size());
        assertEquals(json("{\"source\":[\"famly.rewards\"],\"detail-type\":[\"approval_task.created\",{\"prefix\":\"claim.\"}],"
                + "\"detail\":{\"envelope\":[{\"exists\":false}]}}"), pattern.get("$or").get(2));
        assertEquals(json("{\"source\":[\"famly.chat\"],\"detail-type\":[\"message.new\",\"message.read\",\"chat.updated\"],"
                + "\"detail\":{\"envelope\":[{\"exists\":false}]}}"), pattern.get("$or").get(3));
        assertEquals(Optional.empty(), RulePattern.of(List.of()));
    }
}
