package dev.pulse.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The four seed catalogs: they load (so every payload schema compiles, every example validates and every route
 * names declared fields), and their routes put each seed's events in the rooms the seed's Socket.IO code used.
 */
class ShippedCatalogsTest {
    static final List<String> APPS = List.of("eva", "famly", "hyvve", "worklamp");

    @TestFactory
    Stream<DynamicTest> everyShippedCatalogLoadsAndEveryExampleValidates() {
        return APPS.stream().map(app -> dynamicTest(app, () -> {
            EventCatalog catalog = EventCatalog.load(app);
            assertEquals(app, catalog.app());
            assertEquals("classpath:catalogs/" + app + ".catalog.json", catalog.origin());
            assertFalse(catalog.events().isEmpty());
            assertFalse(catalog.routes().isEmpty());
            for (EventType event : catalog.events().values()) {
                assertFalse(event.examples().isEmpty(), event.name() + " has examples");
                for (JsonNode example : event.examples()) {
                    assertEquals(List.of(), catalog.check(event.name(), example), event.name() + " example " + example);
                }
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> everyExampleOfARoutedEventRoutesToAtLeastOneRoom() {
        return APPS.stream().map(app -> dynamicTest(app, () -> {
            EventCatalog catalog = EventCatalog.load(app);
            int routed = 0;
            for (Route route : catalog.routes()) {
                for (EventType event : catalog.events().values()) {
                    if (!route.detailType().matches(event.name())) {
                        continue;
                    }
                    for (JsonNode example : event.examples()) {
                        Optional<Routing> routing = catalog.route(route.source(), event.name(), example);
                        assertTrue(routing.isPresent(), route + " takes " + event.name());
                        assertTrue(routing.get().routes().contains(route));
                        assertFalse(routing.get().rooms().isEmpty());
                        routed++;
                    }
                }
            }
            assertTrue(routed > 0);
        }));
    }

    @Test
    void hyvveMapsTheEventBusEventsOfSeed001ToWorkspaceUserAndChatRooms() throws Exception {
        EventCatalog hyvve = EventCatalog.load("hyvve");
        assertRouting(hyvve, "com.hyvve.api", "approval.created", "ws_acme", List.of("workspace:ws_acme"), "req-8f2a");
        assertRouting(hyvve, "com.hyvve.api", "approval.deleted", "ws_acme", List.of("workspace:ws_acme"), null);
        assertRouting(hyvve, "anything", "agent.run.failed", "ws_acme", List.of("workspace:ws_acme"), null);
        assertRouting(hyvve, "com.hyvve.api", "notification.new", "ws_acme", List.of("user:usr_maya"), "req-8f2a");
        assertRouting(hyvve, "com.hyvve.api", "chat.message", "ws_acme", List.of("chat:chat-123"), null);
    }

    @Test
    void famlyRoutesByModuleSourceToUserAndChatRooms() throws Exception {
        EventCatalog famly = EventCatalog.load("famly");
        assertRouting(famly, "famly.tasks", "task.created", "fam_lee", List.of("user:u_kim"), "req-4411");
        assertRouting(famly, "famly.karma", "karma.awarded", "fam_lee", List.of("user:u_kim"), null);
        assertRouting(famly, "famly.rewards", "approval_task.created", "fam_lee", List.of("user:u_ann"), null);
        assertRouting(famly, "famly.chat", "message.new", "fam_lee", List.of("chat:abc123"), null);
        assertRouting(famly, "famly.chat", "chat.updated", "fam_lee", List.of("user:u_ann", "user:u_kim", "user:u_sam"), null);
        // The right name from the wrong source is not routed.
        JsonNode task = famly.event("task.created").orElseThrow().examples().getFirst();
        assertEquals(Optional.empty(), famly.route("famly.chat", "task.created", task));
    }

    @Test
    void worklampRoutesToProjectChannelAndUserRoomsOfTheTenant() throws Exception {
        EventCatalog worklamp = EventCatalog.load("worklamp");
        assertRouting(worklamp, "worklamp.backend", "bug.created", "tn_lamp", List.of("project:prj_web"), null);
        assertRouting(worklamp, "worklamp.backend", "task.created", "tn_lamp", List.of("project:prj_web"), "req-77");
        assertRouting(worklamp, "worklamp.backend", "message.new", "tn_lamp", List.of("channel:general"), null);
        assertRouting(worklamp, "worklamp.backend", "notification.new", "tn_lamp", List.of("user:usr_al"), null);
    }

    @Test
    void evaRoutesDataUpdatesToTheirRoomAndBroadcastsToTheWorkspace() throws Exception {
        EventCatalog eva = EventCatalog.load("eva");
        assertRouting(eva, "eva.app", "data.update", "eva-main", List.of("room:project-123"), "req-3b");
        assertRouting(eva, "eva.app", "user.status.update", "eva-main", List.of("room:my-room"), null);
        assertRouting(eva, "eva.app", "broadcast", "eva-main", List.of("workspace:eva-main"), null);
    }

    /**
     * The seeds' privacy: Worklamp joins project and channel rooms "with permission verification" (seed 003), so its
     * backend decides (hook); Famly's chat rooms belong to the chat's members (seed 002), listed in their tokens
     * (grant); both close every namespace they do not name. HYVVE and EVA isolate by workspace only: nothing declared.
     */
    @Test
    void theSeedsDeclareTheAccessTheirSocketIoServersEnforced() {
        assertEquals("channel=hook,project=hook,*=grant", EventCatalog.load("worklamp").access().orElseThrow().spec());
        assertEquals("chat=grant,*=grant", EventCatalog.load("famly").access().orElseThrow().spec());
        assertEquals(Optional.empty(), EventCatalog.load("hyvve").access());
        assertEquals(Optional.empty(), EventCatalog.load("eva").access());
    }

    private static void assertRouting(EventCatalog catalog, String source, String event, String workspace,
                                      List<String> rooms, String correlationId) throws RoutingException {
        JsonNode example = catalog.event(event).orElseThrow().examples().getFirst();
        Routing routing = catalog.route(source, event, example).orElseThrow(() -> new AssertionError(event + " not routed"));
        assertEquals(workspace, routing.workspaceId(), event);
        assertEquals(rooms, routing.rooms(), event);
        assertEquals(correlationId, routing.correlationId(), event);
    }
}
