package dev.pulse.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pulse.model.Connection;
import dev.pulse.model.EventContent;
import dev.pulse.model.Room;
import dev.pulse.protocol.Json;
import dev.pulse.store.ConnectionStore;
import dev.pulse.store.DeliveryMarks;
import dev.pulse.store.EventLog;
import dev.pulse.store.EventLogTest;
import dev.pulse.store.MembershipStore;
import dev.pulse.testing.DynamoDbLocal;
import dev.pulse.testing.MutableClock;
import dev.pulse.testing.RecordingSender;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Delivery on its own: memberships, the event log and pruning on DynamoDB Local; posts recorded in memory
 * ({@link RecordingSender}, with 410s where a test marks a connection gone), since the point is what is posted to
 * whom, not the HTTP call.
 */
class BroadcastTest {
    private static DynamoDbClient dynamo;

    private final MutableClock clock = MutableClock.startingNow();
    private final RecordingSender sender = new RecordingSender();
    private ConnectionStore connections;
    private MembershipStore memberships;
    private EventLog log;
    private DeliveryMarks marks;

    private final Room workspace = Room.workspace("w1");
    private final Room chat = new Room("w1", "chat:1");

    @BeforeAll
    static void client() {
        dynamo = DynamoDbLocal.client();
    }

    @AfterAll
    static void close() {
        dynamo.close();
    }

    @BeforeEach
    void wire() {
        String table = DynamoDbLocal.createConnectionsTable();
        connections = new ConnectionStore(dynamo, table, clock);
        memberships = new MembershipStore(dynamo, table, clock);
        String events = EventLogTest.createTable(dynamo);
        log = new EventLog(dynamo, events, Duration.ofHours(1), clock);
        marks = new DeliveryMarks(dynamo, events, Duration.ofHours(1), clock);
    }

    private Broadcast broadcast(EventLog withLog) {
        return new Broadcast(withLog, marks, new FanOut(memberships, sender, 8), connections, clock);
    }

    private Connection connect(String id, String user, Room... rooms) {
        var connection = Connection.builder().connectionId(id).userId(user).workspaceId("w1")
                .connectedAt(clock.instant()).expiresAt(clock.instant().plus(Duration.ofHours(2))).build();
        connections.open(connection, List.of(rooms));
        return connection;
    }

    private static EventContent content(String id) {
        return new EventContent(id, "chat.message", java.time.Instant.parse("2026-11-22T10:00:00Z"), "corr-" + id,
                "{\"text\":\"hi\"}");
    }

    private JsonNode only(String connectionId) throws Exception {
        var frames = sender.framesTo(connectionId);
        assertEquals(1, frames.size(), "frames to " + connectionId);
        return Json.MAPPER.readTree(frames.get(0));
    }

    @Test
    void aConnectionInSeveralTargetRoomsGetsOneFrameWithEveryPosition() throws Exception {
        connect("c1", "ann", workspace, chat);
        connect("c2", "bob", workspace);
        var report = broadcast(log).logged(List.of(workspace, chat), content("e1"), null);

        assertEquals(2, report.recipients());
        assertEquals(2, report.delivered());
        assertEquals(2, report.positions().size());
        var toAnn = only("c1");
        assertEquals("workspace:w1", toAnn.path("room").asText(), "reached through the first room it is in");
        assertEquals(report.positions().get(0).seq(), toAnn.path("seq").asLong());
        assertEquals(report.positions().get(1).seq(), toAnn.path("positions").path("chat:1").path("seq").asLong());
        assertEquals("hi", toAnn.path("data").path("text").asText(), "the payload is spliced in as serialised");
        assertEquals(1, sender.framesTo("c2").size());
    }

    @Test
    void theExceptedConnectionGetsNothing() {
        connect("c1", "ann", chat);
        connect("c2", "bob", chat);
        var report = broadcast(log).logged(List.of(chat), content("e1"), "c1");
        assertEquals(1, report.recipients());
        assertEquals(List.of(), sender.framesTo("c1"));
    }

    @Test
    void aUserRoomPositionReachesOnlyThatUser() throws Exception {
        var annRoom = Room.user("w1", "ann");
        connect("c1", "ann", workspace, annRoom);
        connect("c2", "bob", workspace, Room.user("w1", "bob"));
        broadcast(log).logged(List.of(workspace, annRoom), content("e1"), null);
        assertTrue(only("c1").path("positions").has("user:ann"));
        assertFalse(only("c2").has("positions"), "bob is not in ann's user room");
    }

    @Test
    void ephemeralSignalsCarryNoPositionAndAreNotLogged() throws Exception {
        connect("c1", "ann", chat);
        var report = broadcast(log).ephemeral(List.of(chat), content("s1"), null);
        assertEquals(List.of(), report.positions());
        assertFalse(only("c1").has("seq"));
        assertTrue(log.head(chat).isEmpty());
    }

    @Test
    void goneConnectionsArePrunedAndComeBackInTheReportWithTheirRooms() {
        clock.advance(Duration.ofMinutes(-5)); // connected five minutes ago: past the connect grace
        connect("c1", "ann", workspace, chat);
        connect("c2", "bob", workspace);
        clock.advance(Duration.ofMinutes(5));
        sender.gone("c1");
        var report = broadcast(log).logged(List.of(workspace), content("e1"), null);

        assertEquals(1, report.delivered());
        assertEquals(1, report.gone());
        assertEquals(1, report.pruned().size());
        var pruned = report.pruned().get(0);
        assertEquals("c1", pruned.connection().connectionId());
        assertEquals(Set.of("workspace:w1", "chat:1"), pruned.rooms().stream().map(Room::name).collect(Collectors.toSet()));
        assertTrue(connections.find("c1").isEmpty());
        assertEquals(0, memberships.count(chat));
    }

    @Test
    void aConnectionStillInsideItsConnectIsNotPruned() {
        connect("c1", "ann", workspace);
        sender.gone("c1"); // API Gateway answers 410 until $connect has returned
        var report = broadcast(log).logged(List.of(workspace), content("e1"), null);
        assertEquals(1, report.gone());
        assertEquals(List.of(), report.pruned());
        assertTrue(connections.find("c1").isPresent());
    }

    @Test
    void withoutALogFramesCarryNoPosition() throws Exception {
        connect("c1", "ann", chat);
        var report = broadcast(null).logged(List.of(chat), content("e1"), null);
        assertEquals(List.of(), report.positions());
        assertFalse(only("c1").has("seq"));
    }

    @Test
    void everyPageOfABigRoomIsRead() {
        var big = new Room("w1", "chat:big");
        for (int i = 0; i < 30; i++) {
            connect("c" + i, "u" + i, big);
        }
        var pages = new FanOut(memberships, sender, 4).deliver(new Delivery(List.of(big), List.of(), content("e1"), null));
        assertEquals(30, pages.recipients());
        assertEquals(30, pages.delivered());
        assertTrue(pages.pages() >= 1);
        assertEquals(30, sender.posts().stream().map(RecordingSender.Post::connectionId).distinct().count());
    }

    @Test
    void aPublishedEventIsPostedOnceHoweverOftenItIsDelivered() {
        connect("c1", "ann", chat);
        var first = broadcast(log).onceOnly("w1", List.of(chat), content("e1"), null, "delivery-1");
        assertEquals(1, first.delivered());
        assertEquals(null, first.skipped());
        var retry = broadcast(log).onceOnly("w1", List.of(chat), content("e1"), null, "delivery-1");
        var second = broadcast(log).onceOnly("w1", List.of(chat), content("e1"), null, "delivery-2");
        assertEquals("delivered before", retry.skipped());
        assertEquals("delivered before", second.skipped());
        assertEquals(first.positions(), second.positions(), "a repeat keeps its position");
        assertEquals(1, sender.framesTo("c1").size());
    }

    @Test
    void aDeliveryInterruptedAfterLoggingIsCompletedByItsRetry() {
        connect("c1", "ann", chat);
        log.appendAll(List.of(chat), content("e1"), "delivery-1"); // logged, then the invocation died before posting
        var retry = broadcast(log).onceOnly("w1", List.of(chat), content("e1"), null, "delivery-1");
        assertEquals(1, retry.delivered());
        assertEquals(1, sender.framesTo("c1").size());
        assertEquals("delivered before", broadcast(log).onceOnly("w1", List.of(chat), content("e1"), null, "delivery-1").skipped());
    }

    @Test
    void aSecondDeliveryLeavesTheFirstInFlightAloneAndTakesOverOnlyAfterTheLease() {
        connect("c1", "ann", chat);
        log.appendAll(List.of(chat), content("e1"), "delivery-1"); // the first delivery is still posting
        var second = broadcast(log).onceOnly("w1", List.of(chat), content("e1"), null, "delivery-2");
        assertEquals("first delivery in flight", second.skipped());
        assertEquals(List.of(), sender.framesTo("c1"));
        clock.advance(Broadcast.IN_FLIGHT_LEASE.plusSeconds(1)); // the first never finished
        var takeover = broadcast(log).onceOnly("w1", List.of(chat), content("e1"), null, "delivery-2");
        assertEquals(1, takeover.delivered());
        assertEquals(1, sender.framesTo("c1").size());
    }

    @Test
    void theSameEventIdInAnotherWorkspaceIsAnotherEvent() {
        connect("c1", "ann", chat);
        broadcast(log).onceOnly("w1", List.of(chat), content("e1"), null, "d-1");
        var otherRoom = new Room("w2", "chat:1");
        var other = Connection.builder().connectionId("c2").userId("zed").workspaceId("w2")
                .connectedAt(clock.instant()).expiresAt(clock.instant().plus(Duration.ofHours(2))).build();
        connections.open(other, List.of(otherRoom));
        assertEquals(1, broadcast(log).onceOnly("w2", List.of(otherRoom), content("e1"), null, "d-2").delivered());
    }

    /** One record of a fan-out batch: its delivery inside the batch's marks, as SqsBatch runs each record. */
    private DeliveryReport inBatch(DeliveryMarks.Batch batch, String eventId, String deliveryId) throws Exception {
        return batch.enter(() -> broadcast(log).onceOnly("w1", List.of(chat), content(eventId), null, deliveryId));
    }

    @Test
    void aBatchMarksItsDeliveriesWhenItClosesAndRepeatsFindThem() throws Exception {
        connect("c1", "ann", chat);
        var batch = marks.batch();
        assertEquals(1, inBatch(batch, "e1", "delivery-1").delivered());
        assertEquals(1, inBatch(batch, "e2", "delivery-2").delivered());
        assertFalse(marks.delivered("w1", "e1"), "no per-event mark: the batch records it");
        // Before the batch closes a second delivery finds the first in flight; a late one would post again.
        assertEquals("first delivery in flight", broadcast(log).onceOnly("w1", List.of(chat), content("e1"), null,
                "delivery-9").skipped());
        batch.close();
        clock.advance(Broadcast.IN_FLIGHT_LEASE.plusSeconds(1));
        assertEquals("delivered before", broadcast(log).onceOnly("w1", List.of(chat), content("e1"), null,
                "delivery-9").skipped(), "the batch's mark, which the claim names, says it was delivered");
        assertEquals("delivered before", inBatch(marks.batch(), "e2", "delivery-2").skipped(),
                "a redelivery of the message, in another batch");
        assertEquals(2, sender.framesTo("c1").size());
    }

    @Test
    void aBatchThatNeverClosedLeavesTheRepeatToDeliver() throws Exception {
        connect("c1", "ann", chat);
        inBatch(marks.batch(), "e1", "delivery-1"); // the invocation died before its batch wrote the marks
        clock.advance(Broadcast.IN_FLIGHT_LEASE.plusSeconds(1));
        var again = inBatch(marks.batch(), "e1", "delivery-2");
        assertEquals(1, again.delivered(), "at least once: the repeat posts again");
        // Its claim names the first batch's mark, which was never written, so the repeat marks the event on its own.
        assertTrue(marks.delivered("w1", "e1"));
        assertEquals("delivered before", broadcast(log).onceOnly("w1", List.of(chat), content("e1"), null,
                "delivery-3").skipped());
        assertEquals(2, sender.framesTo("c1").size());
    }
}
