package dev.pulse.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.model.Connection;
import dev.pulse.model.EventContent;
import dev.pulse.model.Member;
import dev.pulse.model.Position;
import dev.pulse.model.Room;
import dev.pulse.store.ConnectionStore;
import dev.pulse.store.MembershipStore;
import dev.pulse.support.metrics.Metrics;
import dev.pulse.testing.DynamoDbLocal;
import dev.pulse.testing.MutableClock;
import dev.pulse.testing.RecordingSender;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The fan-out's big-room branch on DynamoDB Local memberships; the shards handed out are collected in memory (the
 * hand-off is the seam under test; the SQS and local queues are tested end to end) and the fan-out's own posts recorded
 * ({@link RecordingSender}).
 */
class RoomSplitterTest {
    private final MutableClock clock = MutableClock.startingNow();
    private final RecordingSender sender = new RecordingSender();
    private final List<Shard> handedOut = new CopyOnWriteArrayList<>();
    private ConnectionStore connections;
    private MembershipStore memberships;
    private final Room big = Room.workspace("w1");
    private final Room small = new Room("w1", "chat:1");

    @BeforeEach
    void wire() {
        var dynamo = DynamoDbLocal.client();
        String table = DynamoDbLocal.createConnectionsTable();
        connections = new ConnectionStore(dynamo, table, clock);
        memberships = new MembershipStore(dynamo, table, clock);
    }

    private FanOut fanOut(int threshold, int shardSize) {
        var splitter = new RoomSplitter(threshold, shardSize, shard -> {
            handedOut.add(shard);
            return CompletableFuture.completedFuture(null);
        }, Metrics.NONE);
        return new FanOut(memberships, new Poster(sender, 4), PostRetries.DEFAULT, null, splitter);
    }

    private void connect(String id, Room... rooms) {
        var connection = Connection.builder().connectionId(id).userId("u-" + id).workspaceId("w1")
                .connectedAt(clock.instant()).expiresAt(clock.instant().plus(Duration.ofHours(2))).build();
        connections.open(connection, List.of(rooms));
    }

    private static Delivery logged(List<Room> rooms, String except) {
        var positions = new ArrayList<Position>();
        rooms.forEach(r -> positions.add(new Position(1, "ep")));
        return new Delivery(rooms, positions, new EventContent("e1", "news", Instant.now(), null, "{}"), except);
    }

    @Test
    void aBigRoomIsHandedOutInShardsEachConnectionOnceAndTheSmallRoomIsPostedHere() {
        for (int i = 0; i < 30; i++) {
            connect(String.format("c%02d", i), big);
        }
        connect("c05x", big, small); // in both rooms: reached once
        connect("s1", small);
        var posted = fanOut(10, 8).deliver(logged(List.of(small, big), "c07"));

        assertEquals(List.of("c05x", "s1"), sender.posts().stream().map(RecordingSender.Post::connectionId).sorted().toList(),
                "the small room (first) is posted by the fan-out itself");
        var sharded = handedOut.stream().flatMap(s -> s.members().stream()).map(Member::connectionId).toList();
        assertEquals(29, sharded.size(), "30 members, less the excepted c07; c05x already reached");
        assertEquals(29, new HashSet<>(sharded).size(), "no connection in two shards");
        assertTrue(handedOut.stream().allMatch(s -> s.members().size() <= 8 && s.roomIndex() == 1));
        assertEquals(List.of(0, 1, 2, 3), handedOut.stream().map(Shard::index).sorted().toList());
        assertEquals(31, posted.recipients());
    }

    @Test
    void aRoomAtTheThresholdAndUnloggedSignalsArePostedHere() {
        for (int i = 0; i < 10; i++) {
            connect("c" + i, big);
        }
        fanOut(10, 4).deliver(logged(List.of(big), null));
        fanOut(3, 4).deliver(new Delivery(List.of(big), List.of(),
                new EventContent("t1", "typing", Instant.now(), null, "{}"), null));
        assertEquals(List.of(), handedOut);
        assertEquals(20, sender.posts().size());
    }

    @Test
    void aShardThatCannotBeHandedOutFailsTheDelivery() {
        for (int i = 0; i < 5; i++) {
            connect("c" + i, big);
        }
        var failing = new FanOut(memberships, new Poster(sender, 4), PostRetries.DEFAULT, null,
                new RoomSplitter(2, 2, shard -> CompletableFuture.failedFuture(new IllegalStateException("queue down")),
                        Metrics.NONE));
        var e = assertThrows(IllegalStateException.class, () -> failing.deliver(logged(List.of(big), null)));
        assertEquals("queue down", e.getMessage());
    }
}
