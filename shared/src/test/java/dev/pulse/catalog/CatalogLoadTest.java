package dev.pulse.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.room.AccessMode;
import dev.pulse.room.AccessPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every mistake a catalog can hold fails at load time, with a message that says where. */
class CatalogLoadTest {
    /** A small valid catalog; each test breaks one thing in it. */
    static final String VALID = """
            {
              "app": "shop",
              "title": "Shop",
              "$defs": {"Id": {"type": "string", "minLength": 1}},
              "events": {
                "order.created": {
                  "description": "An order was placed.",
                  "payload": {
                    "type": "object",
                    "required": ["orderId", "shopId", "buyerIds", "total"],
                    "properties": {
                      "orderId": {"$ref": "#/$defs/Id"},
                      "shopId": {"type": "string"},
                      "buyerIds": {"type": "array", "items": {"type": "string"}},
                      "total": {"type": "number"},
                      "note": {"type": "string"},
                      "trace": {"type": "string"}
                    }
                  },
                  "examples": [{"orderId": "o1", "shopId": "s1", "buyerIds": ["b1", "b2"], "total": 9.5, "trace": "t-1"}]
                },
                "order.shipped": {
                  "description": "An order left the warehouse.",
                  "payload": {
                    "type": "object",
                    "required": ["orderId", "shopId"],
                    "properties": {"orderId": {"type": "string"}, "shopId": {"type": "string"}, "trace": {"type": "string"}}
                  },
                  "examples": [{"orderId": "o1", "shopId": "s1"}]
                }
              },
              "routes": [
                {"source": "com.shop", "detailType": {"prefix": "order."}, "workspace": "shopId",
                 "rooms": ["workspace:{shopId}", "order:{orderId}"], "correlationId": "trace"},
                {"detailType": "order.created", "workspace": "shopId", "rooms": ["user:{buyerIds}"]}
              ]
            }
            """;

    static EventCatalog load(UnaryOperator<String> edit) {
        return EventCatalog.parse("test", edit.apply(VALID));
    }

    static CatalogException failure(UnaryOperator<String> edit) {
        return assertThrows(CatalogException.class, () -> load(edit));
    }

    static void assertProblem(CatalogException e, String expected) {
        assertTrue(e.problems().stream().anyMatch(p -> p.contains(expected)),
                "expected a problem containing '" + expected + "' in " + e.problems());
    }

    /** Pulse's presence and typing signals reach clients as event frames: a catalog event may not take their names. */
    @Test
    void eventNamesPulseUsesForItsOwnSignalsAreRefused() {
        for (String reserved : List.of("presence.diff", "presence.join", "presence.leave", "presence.update", "typing.start",
                "typing.stop")) {
            var e = failure(s -> s.replace("\"order.shipped\"", "\"" + reserved + "\"")
                    .replace("\"prefix\": \"order.\"", "\"prefix\": \"order.c\""));
            assertProblem(e, "event " + reserved + ": the name is one of Pulse's own signals");
            assertProblem(e, "(e.g. shop." + reserved + ")");
        }
        // Nor may a prefix route pick such events off the bus.
        var prefix = failure(s -> s.replace("\"prefix\": \"order.\"", "\"prefix\": \"p\""));
        assertProblem(prefix, "would route events named presence.diff, one of Pulse's own signals");
    }

    @Test
    void theValidCatalogLoadsWithItsRoutesAndPattern() throws Exception {
        EventCatalog shop = load(s -> s);
        assertEquals(2, shop.routes().size());
        assertEquals("route 1 (com.shop order.* → workspace:{shopId}, order:{orderId})", shop.routes().getFirst().toString());
        var routing = shop.route("com.shop", "order.created", shop.event("order.created").orElseThrow().examples().getFirst());
        assertEquals(List.of("workspace:s1", "user:b1", "user:b2", "order:o1"), routing.orElseThrow().rooms());
        assertEquals("t-1", routing.get().correlationId());
        assertEquals(2, routing.get().routes().size());
    }

    @Test
    void aRouteNamingAFieldNoMatchingEventDeclaresIsALoadError() {
        var e = failure(s -> s.replace("\"order:{orderId}\"", "\"order:{orderNumber}\""));
        assertProblem(e, "route 1 (com.shop order.* → workspace:{shopId}, order:{orderNumber}), event order.created: "
                + "field orderNumber is not declared in the payload schema");
        assertProblem(e, "event order.shipped: field orderNumber is not declared");
    }

    @Test
    void aRouteNamingAnOptionalFieldIsALoadError() {
        var e = failure(s -> s.replace("\"order:{orderId}\"", "\"order:{note}\""));
        assertProblem(e, "field note is declared but not required in the payload schema");
    }

    @Test
    void aFieldRequiredInOnlySomeMatchingEventsIsALoadError() {
        // buyerIds is required in order.created but not declared in order.shipped, which the prefix route also takes.
        var e = failure(s -> s.replace("\"order:{orderId}\"", "\"order:{orderId}\", \"user:{buyerIds}\""));
        assertProblem(e, "event order.shipped: field buyerIds is not declared");
    }

    @Test
    void aFieldOfTheWrongTypeIsALoadError() {
        var e = failure(s -> s.replace("\"order:{orderId}\"", "\"order:{total}\""));
        assertProblem(e, "field total must be a string, an integer or an array of strings, the schema says number");
        var workspace = failure(s -> s.replace("\"workspace\": \"shopId\", \"rooms\": [\"user:{buyerIds}\"]",
                "\"workspace\": \"buyerIds\", \"rooms\": [\"user:{buyerIds}\"]"));
        assertProblem(workspace, "field buyerIds must be a string, the schema says array");
    }

    @Test
    void anUndeclaredCorrelationFieldIsALoadError() {
        var e = failure(s -> s.replace("\"correlationId\": \"trace\"", "\"correlationId\": \"traceId\""));
        assertProblem(e, "field traceId is not declared in the payload schema");
    }

    @Test
    void aRouteMatchingNoDeclaredEventIsALoadError() {
        var e = failure(s -> s.replace("{\"detailType\": \"order.created\"", "{\"detailType\": \"order.cancelled\""));
        assertProblem(e, "route 2 (order.cancelled → user:{buyerIds}) matches no declared event");
    }

    @Test
    void aWorkspaceRoomOfAnotherFieldIsALoadError() {
        var e = failure(s -> s.replace("\"workspace:{shopId}\"", "\"workspace:{orderId}\""));
        assertProblem(e, "a workspace room must be the event's own workspace, workspace:{shopId}, not workspace:{orderId}");
    }

    @Test
    void anInvalidExampleIsALoadErrorNamingEventExampleAndPath() {
        var e = failure(s -> s.replace("\"total\": 9.5", "\"total\": \"9.5\""));
        assertProblem(e, "event order.created, example 1: $.total: string found, number expected");
    }

    @Test
    void anExampleThatBuildsAnInvalidRoomNameIsALoadError() {
        var e = failure(s -> s.replace("\"buyerIds\": [\"b1\", \"b2\"]", "\"buyerIds\": [\"b 1\"]"));
        assertProblem(e, "event order.created, example 1 cannot be routed: room template user:{buyerIds} built 'user:b 1'");
    }

    @Test
    void aPayloadSchemaThatIsNotASchemaOrHasABrokenRefIsALoadError() {
        var notASchema = failure(s -> s.replace("\"total\": {\"type\": \"number\"}", "\"total\": {\"type\": \"numeral\"}"));
        assertProblem(notASchema, "$.events['order.created'].payload");
        var brokenRef = failure(s -> s.replace("\"#/$defs/Id\"", "\"#/$defs/Identifier\""));
        assertProblem(brokenRef, "event order.created: payload schema does not compile");
    }

    @Test
    void metaSchemaViolationsAreReportedWithTheirPath() {
        var e = failure(s -> s.replace("\"app\": \"shop\",", "").replace("\"unknownEvents\"", "\"x\""));
        assertProblem(e, "$: required property 'app' not found");
        var mode = failure(s -> s.replace("\"title\": \"Shop\",", "\"title\": \"Shop\", \"unknownEvents\": \"lenient\","));
        assertProblem(mode, "$.unknownEvents");
        var template = failure(s -> s.replace("\"order:{orderId}\"", "\"{orderId}\""));
        assertProblem(template, "$.routes[0].rooms[1]");
    }

    /** The catalog with an access block (the rest as VALID). */
    static String withAccess(String access) {
        return VALID.replace("\"title\": \"Shop\",", "\"title\": \"Shop\", \"access\": " + access + ",");
    }

    static CatalogException accessFailure(String access) {
        return assertThrows(CatalogException.class, () -> EventCatalog.parse("shop.catalog.json", withAccess(access)));
    }

    @Test
    void anAccessBlockBecomesThePolicyOfItsNamespaces() {
        var shop = EventCatalog.parse("test", withAccess("{\"order\": \"room-token\", \"team_a\": \"hook\", \"*\": \"grant\"}"));
        var policy = shop.access().orElseThrow();
        assertEquals(Map.of("order", AccessMode.ROOM_TOKEN, "team_a", AccessMode.HOOK), policy.modes());
        assertEquals(AccessMode.GRANT, policy.fallback());
        assertTrue(shop.accessNamesFallback());
        // Without "*", undeclared namespaces are open, as they are without any declaration.
        var partial = EventCatalog.parse("test", withAccess("{\"order\": \"grant\"}"));
        assertEquals(AccessPolicy.parse("order=grant"), partial.access().orElseThrow());
        assertFalse(partial.accessNamesFallback());
        assertEquals(Optional.empty(), load(s -> s).access());
        assertEquals(Optional.of(policy), shop.withUnknownEvents(UnknownEvents.PERMISSIVE).access(),
                "the deployment's unknown-events override keeps the catalog's access");
    }

    @Test
    void anUnknownAccessModeIsALoadErrorNamingTheCatalogAndTheEntry() {
        var e = accessFailure("{\"order\": \"private\"}");
        assertTrue(e.getMessage().startsWith("event catalog shop.catalog.json is invalid"), e.getMessage());
        assertEquals(List.of("access.order: \"private\" is not an access mode; one of open, grant, room-token, hook"),
                e.problems());
        // The wire words exactly: PULSE_ROOM_ACCESS forgives case, a reviewed file need not.
        assertProblem(accessFailure("{\"order\": \"Hook\"}"), "access.order: \"Hook\" is not an access mode");
        assertProblem(accessFailure("{\"*\": true}"), "access.*: true is not an access mode");
    }

    @Test
    void userAndWorkspaceNamespacesTakeNoAccessMode() {
        for (String fixed : List.of("user", "workspace")) {
            var e = accessFailure("{\"" + fixed + "\": \"grant\"}");
            assertEquals(List.of("access." + fixed + ": " + fixed + ": rooms keep their fixed rules (a connection's own "
                    + "only); they take no access mode"), e.problems());
        }
    }

    @Test
    void anAccessKeyThatIsNoNamespaceIsALoadError() {
        for (String bad : List.of("Chat", "chat:", "9lives", "", "a-namespace-name-longer-than-32-chars")) {
            var e = accessFailure("{\"" + bad + "\": \"grant\"}");
            assertEquals(List.of("access." + bad + ": '" + bad + "' is not a room namespace (a lowercase letter, then up "
                    + "to 31 of a-z, 0-9, _ and -; no colon), nor * for every namespace not named"), e.problems());
        }
        assertProblem(accessFailure("[\"chat\"]"), "access: must be an object of namespace → mode");
    }

    /** Editors validate with the meta-schema alone: its access rules refuse what the loader refuses, and no more. */
    @Test
    void theMetaSchemaDescribesTheSameAccessRules() throws Exception {
        var loader = new CatalogLoader("test");
        for (String bad : List.of("{\"order\": \"private\"}", "{\"order\": \"Hook\"}", "{\"user\": \"grant\"}",
                "{\"workspace\": \"open\"}", "{\"Chat\": \"grant\"}", "{\"chat:\": \"grant\"}", "[\"chat\"]")) {
            var violations = loader.metaSchemaViolations(dev.pulse.protocol.Json.MAPPER.readTree(withAccess(bad)));
            assertFalse(violations.isEmpty(), bad + " passes the meta-schema");
            assertTrue(violations.stream().allMatch(v -> v.path().startsWith("$.access")), violations.toString());
        }
        assertEquals(List.of(), loader.metaSchemaViolations(dev.pulse.protocol.Json.MAPPER.readTree(
                withAccess("{\"order\": \"room-token\", \"team_a\": \"hook\", \"b-2\": \"open\", \"*\": \"grant\"}"))));
    }

    @Test
    void duplicateEventNamesAndNonJsonAreLoadErrors() {
        var duplicate = failure(s -> s.replace("\"order.shipped\": {", "\"order.created\": {"));
        assertTrue(duplicate.getMessage().contains("Duplicate field 'order.created'"), duplicate.getMessage());
        var notJson = failure(s -> s + "}");
        assertTrue(notJson.getMessage().contains("not JSON"), notJson.getMessage());
    }

    @Test
    void loadsFromAFileAndNamesTheOriginInErrors(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("shop.catalog.json");
        Files.writeString(file, VALID);
        assertEquals("shop", EventCatalog.load(file.toString()).app());
        assertEquals("shop", EventCatalog.load(file.toUri().toString()).app());
        var missing = assertThrows(CatalogException.class, () -> EventCatalog.load("no-such-app"));
        assertEquals("classpath:catalogs/no-such-app.catalog.json", missing.origin());
        assertTrue(missing.getMessage().contains("not found on the classpath"), missing.getMessage());
        Files.writeString(file, VALID.replace("\"order:{orderId}\"", "\"order:{nope}\""));
        var bad = assertThrows(CatalogException.class, () -> EventCatalog.load(file.toString()));
        assertTrue(bad.getMessage().startsWith("event catalog " + file + " is invalid"), bad.getMessage());
    }
}
