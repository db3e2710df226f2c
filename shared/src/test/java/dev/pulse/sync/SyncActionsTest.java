package dev.pulse.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pulse.action.ActionHandler;
import dev.pulse.delivery.SendResult;
import dev.pulse.model.Connection;
import dev.pulse.model.EventEnvelope;
import dev.pulse.model.Position;
import dev.pulse.model.Room;
import dev.pulse.model.Targets;
import dev.pulse.protocol.Actions;
import dev.pulse.protocol.ClientFrame;
import dev.pulse.protocol.ErrorCode;
import dev.pulse.protocol.Json;
import dev.pulse.protocol.ProtocolException;
import dev.pulse.store.ConnectionStore;
import dev.pulse.store.EventLog;
import dev.pulse.store.EventLogTest;
import dev.pulse.store.MembershipStore;
import dev.pulse.testing.DynamoDbLocal;
import dev.pulse.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** sync.request on DynamoDB Local, with a clock the test moves: continuity, loss and tenancy. */
class SyncActionsTest {
    private static DynamoDbClient dynamo;

    private final MutableClock clock = MutableClock.startingNow();
    private final List<String> sent = new ArrayList<>();
    private EventLog log;
    private ActionHandler sync;
    private Connection connection;

    @BeforeAll
    static void client() {
        dynamo = DynamoDbLocal.client();
    }

    @AfterAll
    static void close() {
        dynamo.close();
    }

    @BeforeEach
    void setUp() {
        var connectionsTable = DynamoDbLocal.createConnectionsTable();
        var connections = new ConnectionStore(dynamo, connectionsTable, clock);
        var memberships = new MembershipStore(dynamo, connectionsTable, clock);
        log = new EventLog(dynamo, EventLogTest.createTable(dynamo), Duration.ofHours(1), clock);
        var actions = new HashMap<String, ActionHandler>();
        new SyncActions(memberships, dev.pulse.room.RoomAccess.open(), log, (id, frame) -> {
            sent.add(frame);
            return SendResult.DELIVERED;
        }, clock).registerInto(actions);
        sync = actions.get(Actions.SYNC_REQUEST);
        connection = Connection.builder().connectionId("C1").userId("u1").workspaceId("wA").connectedAt(clock.instant()).expiresAt(clock.instant().plus(Duration.ofHours(3))).build();
        connections.open(connection, List.of(Room.user("wA", "u1"), Room.workspace("wA")));
        memberships.join(connection, new Room("wA", "chat:1"));
    }

    private Position publish(String workspace, String room, String id) {
        var event = new EventEnvelope(id, "chat.message", workspace, new Targets(false, List.of(), List.of(room)), null, id,
                clock.instant(), Json.object().put("id", id));
        return log.append(new Room(workspace, room), event.content());
    }

    private JsonNode request(ObjectNode data) throws Exception {
        sent.clear();
        return sync.handle(connection, new ClientFrame(Actions.SYNC_REQUEST, "1", data));
    }

    private static ObjectNode positions(String room, long seq, String epoch) {
        var positions = Json.object();
        var p = positions.putObject(room).put("seq", seq);
        if (epoch != null) {
            p.put("epoch", epoch);
        }
        return (ObjectNode) Json.object().set("positions", positions);
    }

    private List<String> replayedIds() throws Exception {
        var ids = new ArrayList<String>();
        for (String frame : sent) {
            var node = Json.MAPPER.readTree(frame);
            if ("sync".equals(node.path("type").asText())) {
                node.path("events").forEach(e -> ids.add(e.path("eventId").asText()));
            }
        }
        return ids;
    }

    private JsonNode state(String room) throws Exception {
        var last = Json.MAPPER.readTree(sent.get(sent.size() - 1));
        assertEquals("sync.state", last.path("type").asText());
        return last.path("rooms").path(room);
    }

    @Test
    void replaysOnlyTheEventsAfterThePositionInOrder() throws Exception {
        var p1 = publish("wA", "chat:1", "a");
        publish("wA", "chat:1", "b");
        publish("wA", "chat:1", "c");
        var reply = request(positions("chat:1", 1, p1.epoch()));
        assertEquals(2, reply.path("events").asInt());
        assertEquals(List.of("b", "c"), replayedIds());
        assertEquals("restored", state("chat:1").path("status").asText());
        assertEquals(3, state("chat:1").path("seq").asLong());
        assertEquals(p1.epoch(), state("chat:1").path("epoch").asText());
    }

    @Test
    void aPositionOlderThanTheRetentionIsLost() throws Exception {
        var p1 = publish("wA", "chat:1", "a");
        publish("wA", "chat:1", "b");
        clock.advance(Duration.ofMinutes(50));
        publish("wA", "chat:1", "c");
        clock.advance(Duration.ofMinutes(20)); // a and b expired, c did not
        request(positions("chat:1", 1, p1.epoch()));
        assertEquals(List.of(), replayedIds(), "nothing is replayed across a hole");
        assertEquals("lost", state("chat:1").path("status").asText());
        assertEquals(3, state("chat:1").path("seq").asLong(), "continue from the current head after refetching");
        // from the head on, continuity holds again
        request(positions("chat:1", 3, p1.epoch()));
        assertEquals("restored", state("chat:1").path("status").asText());
    }

    @Test
    void anEpochChangeIsLost() throws Exception {
        var old = publish("wA", "chat:1", "a");
        clock.advance(Duration.ofHours(2)); // the room's whole history expired
        var fresh = publish("wA", "chat:1", "b");
        request(positions("chat:1", 1, old.epoch()));
        assertEquals(List.of(), replayedIds());
        assertEquals("lost", state("chat:1").path("status").asText());
        assertEquals(fresh.epoch(), state("chat:1").path("epoch").asText());
        assertEquals(1, state("chat:1").path("seq").asLong());
    }

    @Test
    void aPositionBeyondTheHeadIsLost() throws Exception {
        var p = publish("wA", "chat:1", "a");
        request(positions("chat:1", 7, p.epoch()));
        assertEquals("lost", state("chat:1").path("status").asText());
    }

    @Test
    void aRoomWithoutHistoryIsRestoredAtZero() throws Exception {
        request(positions("chat:1", 0, null));
        assertEquals("restored", state("chat:1").path("status").asText());
        assertEquals(0, state("chat:1").path("seq").asLong());
    }

    @Test
    void anotherWorkspacesLogIsNeverRead() throws Exception {
        publish("wB", "chat:1", "secret-1");
        publish("wB", "chat:1", "secret-2");
        publish("wB", "workspace:wB", "secret-3");
        // the same room name resolves to this connection's own workspace, which has no history
        request(positions("chat:1", 0, null));
        assertEquals(List.of(), replayedIds());
        assertEquals(0, state("chat:1").path("seq").asLong());
        // another workspace's room is not one this connection is in
        request(positions("workspace:wB", 0, null));
        assertEquals(List.of(), replayedIds());
        assertEquals("not_joined", state("workspace:wB").path("status").asText());
        request((ObjectNode) Json.object().put("since", clock.instant().minusSeconds(60).toString()));
        assertEquals(List.of(), replayedIds());
        for (String frame : sent) {
            assertTrue(!frame.contains("secret"), frame);
        }
    }

    @Test
    void sinceOlderThanTheRetentionIsLost() throws Exception {
        publish("wA", "chat:1", "a");
        request((ObjectNode) Json.object().put("since", clock.instant().minus(Duration.ofHours(2)).toString()));
        assertEquals("lost", state("chat:1").path("status").asText());
        assertEquals(List.of(), replayedIds());
    }

    @Test
    void positionsAndSinceTogetherResumeKnownRoomsByPositionAndEveryOtherJoinedRoomByTime() throws Exception {
        var p1 = publish("wA", "chat:1", "a");
        publish("wA", "chat:1", "b");
        var since = clock.instant();
        clock.advance(Duration.ofSeconds(1));
        publish("wA", "user:u1", "for-me");            // a room where the client had seen nothing yet
        publish("wA", "workspace:wA", "for-everyone");
        var data = positions("chat:1", 1, p1.epoch()).put("since", since.toString());
        var reply = request(data);
        assertEquals(3, reply.path("events").asInt());
        assertEquals(java.util.Set.of("b", "for-me", "for-everyone"), java.util.Set.copyOf(replayedIds()));
        for (String room : List.of("chat:1", "user:u1", "workspace:wA")) {
            assertEquals("restored", state(room).path("status").asText(), room);
        }
    }

    @Test
    void badRequestsAreInvalidFrames() {
        var tooMany = Json.object();
        var positions = tooMany.putObject("positions");
        for (int i = 0; i <= SyncActions.MAX_ROOMS; i++) {
            positions.putObject("chat:" + i).put("seq", 0);
        }
        for (ObjectNode bad : List.of(Json.object(), tooMany, positions("chat:1", -1, "e"), positions("chat:1", 2, null),
                (ObjectNode) Json.object().put("since", 5))) {
            var e = assertThrows(ProtocolException.class, () -> request(bad), bad.toString());
            assertEquals(ErrorCode.INVALID_FRAME, e.code());
            assertEquals("1", e.requestId());
        }
        var badSeqType = Json.object();
        badSeqType.putObject("positions").putObject("chat:1").put("seq", "3");
        assertThrows(ProtocolException.class, () -> request(badSeqType));
    }
}
