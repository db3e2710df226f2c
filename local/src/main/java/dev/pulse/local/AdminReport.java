package dev.pulse.local;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pulse.catalog.Rejection;
import dev.pulse.delivery.Undelivered;
import dev.pulse.local.eventbridge.DeadLetter;
import dev.pulse.model.Room;
import dev.pulse.protocol.Json;
import dev.pulse.store.TableInventory;
import java.time.Clock;
import java.util.List;
import java.util.function.Supplier;

/**
 * The admin page's one JSON document ({@code GET /admin/api/state}): what the tables hold (through the store's
 * {@link TableInventory}), what the local dead-letter paths hold, and the metric counters. No event payload is in it
 * except a refused event's own record (the page shows its reason and JSON path); no token ever is.
 *
 * <pre>
 * {"generatedAt": "…",
 *  "connections": [{"connectionId","userId","workspaceId","connectedAt","presence","rooms":["chat:42",…]}],
 *  "rooms":       [{"workspaceId","room","members":[{"connectionId","userId"}],"presence":[{"userId","status","devices"}]}],
 *  "events":      [{"workspaceId","room","seq","epoch","eventId","event","publishedAt","correlationId"}],
 *  "refused":     [{"rejected","message","violations":[{"path","message"}],"eventId","source","detailType","correlationId"}],
 *  "undelivered": [{"eventId","event","correlationId","workspaceId","rooms","attempts","connections":[{"connectionId","reason"}]}],
 *  "failedInvocations": [{"rule","eventId","attempts","error","failedAt"}],
 *  "metrics":     [{"metric","dimensions":{…},"unit","values","sum","max"}]}
 * </pre>
 * Lists are bounded ({@link #MAX_EVENTS} events, the latest {@link #MAX_DEAD_LETTERS} of each dead-letter list,
 * newest first) so a long session's page stays small.
 */
final class AdminReport {
    static final int MAX_EVENTS = 50;
    static final int MAX_DEAD_LETTERS = 50;
    static final int MAX_PRESENCE_USERS = 100;

    private final TableInventory inventory;
    private final Supplier<List<Rejection>> refused;
    private final Supplier<List<Undelivered>> undelivered;
    private final Supplier<List<DeadLetter>> failedInvocations;
    private final LocalMetrics metrics;
    private final Clock clock;

    AdminReport(TableInventory inventory, Supplier<List<Rejection>> refused, Supplier<List<Undelivered>> undelivered,
                Supplier<List<DeadLetter>> failedInvocations, LocalMetrics metrics, Clock clock) {
        this.inventory = inventory;
        this.refused = refused;
        this.undelivered = undelivered;
        this.failedInvocations = failedInvocations;
        this.metrics = metrics;
        this.clock = clock;
    }

    ObjectNode state() {
        var state = Json.object().put("generatedAt", clock.instant().toString());
        var snapshot = inventory.connectionsAndRooms(MAX_PRESENCE_USERS);
        var connections = state.putArray("connections");
        for (var entry : snapshot.connections()) {
            var c = entry.connection();
            var json = connections.addObject()
                    .put("connectionId", c.connectionId())
                    .put("userId", c.userId())
                    .put("workspaceId", c.workspaceId())
                    .put("connectedAt", c.connectedAt().toString())
                    .put("presence", c.presenceStatus());
            var rooms = json.putArray("rooms");
            entry.rooms().stream().map(Room::name).forEach(rooms::add);
        }
        var rooms = state.putArray("rooms");
        for (var entry : snapshot.rooms()) {
            var json = rooms.addObject().put("workspaceId", entry.room().workspaceId()).put("room", entry.room().name());
            var members = json.putArray("members");
            entry.members().forEach(m -> members.addObject().put("connectionId", m.connectionId()).put("userId", m.userId()));
            var presence = json.putArray("presence");
            entry.presence().forEach(p -> presence.addObject().put("userId", p.userId())
                    .put("status", p.status().wireName()).put("devices", p.devices()));
        }
        var events = state.putArray("events");
        for (var event : inventory.latestEvents(MAX_EVENTS)) {
            events.addObject()
                    .put("workspaceId", event.room().workspaceId())
                    .put("room", event.room().name())
                    .put("seq", event.seq())
                    .put("epoch", event.epoch())
                    .put("eventId", event.eventId())
                    .put("event", event.event())
                    .put("publishedAt", event.publishedAt().toString())
                    .put("correlationId", event.content().correlationId());
        }
        var refusedList = state.putArray("refused");
        for (Rejection r : newestFirst(refused.get())) {
            // The record the dead-letter queue holds, without the event itself (its payload stays off the page).
            var json = r.toJson();
            json.remove("event");
            refusedList.add(json);
        }
        var undeliveredList = state.putArray("undelivered");
        for (Undelivered u : newestFirst(undelivered.get())) {
            var json = undeliveredList.addObject()
                    .put("eventId", u.eventId())
                    .put("event", u.event())
                    .put("correlationId", u.correlationId())
                    .put("workspaceId", u.workspaceId())
                    .put("attempts", u.attempts());
            var roomNames = json.putArray("rooms");
            u.rooms().forEach(roomNames::add);
            var left = json.putArray("connections");
            u.frames().forEach(f -> f.connections().forEach(c -> left.addObject()
                    .put("connectionId", c.connectionId()).put("reason", c.reason().code())));
        }
        var failed = state.putArray("failedInvocations");
        for (DeadLetter d : newestFirst(failedInvocations.get())) {
            failed.addObject().put("rule", d.rule()).put("eventId", d.eventId()).put("attempts", d.attempts())
                    .put("error", String.valueOf(d.lastError())).put("failedAt", d.failedAt().toString());
        }
        metrics(state.putArray("metrics"));
        return state;
    }

    private void metrics(ArrayNode into) {
        metrics.totals().forEach((series, totals) -> {
            var json = into.addObject().put("metric", series.metric());
            var dimensions = json.putObject("dimensions");
            series.dimensions().forEach(dimensions::put);
            json.put("unit", totals.unit()).put("values", totals.values()).put("sum", totals.sum())
                    .put("max", totals.max());
        });
    }

    private static <T> List<T> newestFirst(List<T> oldestFirst) {
        int from = Math.max(0, oldestFirst.size() - MAX_DEAD_LETTERS);
        return oldestFirst.subList(from, oldestFirst.size()).reversed();
    }
}
