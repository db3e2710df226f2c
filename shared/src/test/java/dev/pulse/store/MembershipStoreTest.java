package dev.pulse.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.model.Connection;
import dev.pulse.model.Member;
import dev.pulse.model.Room;
import dev.pulse.testing.DynamoDbLocal;
import dev.pulse.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

class MembershipStoreTest {
    /** Counts Query calls the client really sends, to show when pages are read. */
    private static final AtomicInteger QUERIES = new AtomicInteger();
    private static DynamoDbClient dynamo;

    private final MutableClock clock = MutableClock.startingNow();
    private String table;
    private ConnectionStore connections;
    private MembershipStore memberships;

    @BeforeAll
    static void client() {
        dynamo = DynamoDbLocal.clientBuilder()
                .overrideConfiguration(c -> c.addExecutionInterceptor(new ExecutionInterceptor() {
                    @Override
                    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
                        if (context.request() instanceof QueryRequest) {
                            QUERIES.incrementAndGet();
                        }
                    }
                }))
                .build();
    }

    @AfterAll
    static void closeClient() {
        dynamo.close();
    }

    @BeforeEach
    void freshTable() {
        table = DynamoDbLocal.createConnectionsTable();
        connections = new ConnectionStore(dynamo, table, clock);
        memberships = new MembershipStore(dynamo, table, clock);
    }

    private Connection open(String id, String user, String workspace) {
        var c = Connection.builder().connectionId(id).userId(user).workspaceId(workspace).connectedAt(clock.instant()).expiresAt(clock.instant().plus(Duration.ofMinutes(130))).build();
        connections.open(c, List.of());
        return c;
    }

    @Test
    void joinAndLeaveAreIdempotent() {
        var c = open("c1", "u1", "w1");
        var chat = new Room("w1", "chat:42");

        assertTrue(memberships.join(c, chat));
        assertTrue(memberships.join(c, chat));
        assertEquals(List.of(chat), memberships.rooms("c1"));
        assertEquals(List.of(new Member("c1", "u1")), flatten(memberships.members(chat)));
        assertEquals(1, memberships.count(chat));
        assertEquals(3, scanAll().size());

        memberships.leave("c1", chat);
        memberships.leave("c1", chat);
        memberships.leave("c1", new Room("w1", "chat:never-joined"));
        assertEquals(List.of(), memberships.rooms("c1"));
        assertEquals(List.of(), flatten(memberships.members(chat)));
        // Only #meta is left.
        var left = scanAll();
        assertEquals(1, left.size());
        assertEquals("#meta", left.get(0).get("sk").s());
    }

    @Test
    void membershipsCarryTheConnectionsTtl() {
        var c = open("c1", "u1", "w1");
        var chat = new Room("w1", "chat:42");
        memberships.join(c, chat);
        for (var item : scanAll()) {
            assertEquals(Long.toString(c.expiresAt().getEpochSecond()), item.get("ttl").n(), item.toString());
        }
    }

    @Test
    void joinAfterCloseReturnsFalseAndWritesNothing() {
        var c = open("c1", "u1", "w1");
        connections.close("c1");

        assertFalse(memberships.join(c, new Room("w1", "chat:42")));
        assertEquals(List.of(), scanAll());
    }

    @Test
    void joinOfAnUnknownConnectionReturnsFalse() {
        var ghost = Connection.builder().connectionId("ghost").userId("u1").workspaceId("w1").connectedAt(clock.instant()).expiresAt(clock.instant().plus(Duration.ofHours(2))).build();
        assertFalse(memberships.join(ghost, new Room("w1", "chat:42")));
        assertEquals(List.of(), scanAll());
    }

    @Test
    void joinOfAnExpiredConnectionReturnsFalse() {
        var c = open("c1", "u1", "w1");
        clock.set(c.expiresAt().plusSeconds(1));
        assertFalse(memberships.join(c, new Room("w1", "chat:42")));
        assertEquals(1, scanAll().size());
    }

    @Test
    void expiredMembershipsAreInvisible() {
        var room = new Room("w1", "chat:42");
        var shortLived = Connection.builder().connectionId("c1").userId("u1").workspaceId("w1").connectedAt(clock.instant()).expiresAt(clock.instant().plus(Duration.ofMinutes(10))).build();
        connections.open(shortLived, List.of(room, Room.workspace("w1")));
        var longLived = open("c2", "u2", "w1");
        memberships.join(longLived, room);
        assertEquals(2, memberships.count(room));

        clock.advance(Duration.ofMinutes(10));

        assertEquals(List.of(new Member("c2", "u2")), flatten(memberships.members(room)));
        assertEquals(List.of(), flatten(memberships.members(Room.workspace("w1"))));
        assertEquals(1, memberships.count(room));
        assertEquals(List.of(), memberships.rooms("c1"));
        assertEquals(List.of(room), memberships.rooms("c2"));
    }

    @Test
    void roomsOfTheSameNameInOtherWorkspacesAreSeparate() {
        var inW1 = new Room("w1", "chat:1");
        var inW2 = new Room("w2", "chat:1");
        var a = open("a", "u1", "w1");
        var b = open("b", "u1", "w2");
        memberships.join(a, inW1);
        memberships.join(b, inW2);

        assertEquals(List.of(new Member("a", "u1")), flatten(memberships.members(inW1)));
        assertEquals(List.of(new Member("b", "u1")), flatten(memberships.members(inW2)));
        assertEquals(List.of(inW1), memberships.rooms("a"));

        memberships.leave("a", inW2); // not a member there: nothing changes anywhere
        memberships.leave("a", inW1);
        assertEquals(List.of(), flatten(memberships.members(inW1)));
        assertEquals(List.of(new Member("b", "u1")), flatten(memberships.members(inW2)));
    }

    @Test
    void aBigRoomIsReadPageByPageOnlyAsTheIteratorAdvances() {
        var room = new Room("w1", "chat:big");
        var expected = fill(room, "m", 2_500, clock.instant().plus(Duration.ofHours(2)), 0);

        var iterator = memberships.members(room, 100).iterator();
        int before = QUERIES.get();
        assertEquals(before, QUERIES.get(), "nothing is read before the iterator is asked");
        var first = iterator.next();
        assertEquals(100, first.size());
        assertEquals(before + 1, QUERIES.get());
        var second = iterator.next();
        assertEquals(100, second.size());
        assertEquals(before + 2, QUERIES.get());

        var seen = new ArrayList<Member>(first);
        seen.addAll(second);
        int pages = 2;
        while (iterator.hasNext()) {
            var page = iterator.next();
            assertFalse(page.isEmpty());
            assertTrue(page.size() <= 100);
            seen.addAll(page);
            pages++;
        }
        assertEquals(25, pages);
        assertExactlyOnce(expected, seen);
    }

    @Test
    void defaultPagingYieldsEveryMemberExactlyOnceAcrossOneMegabytePages() {
        var room = new Room("w1", "chat:big");
        // ~600 bytes per item: 2,500 items are about 1.5 MB, more than one Query response may carry.
        var expected = fill(room, "m", 2_500, clock.instant().plus(Duration.ofHours(2)), 600);

        var seen = new ArrayList<Member>();
        int pages = 0;
        for (var page : memberships.members(room)) {
            seen.addAll(page);
            pages++;
        }
        assertTrue(pages >= 2, "expected the 1 MB limit to split the room, got " + pages + " page(s)");
        assertExactlyOnce(expected, seen);
        assertEquals(2_500, memberships.count(room));
    }

    @Test
    void pagesWhoseMembersAllExpiredAreSkipped() {
        var room = new Room("w1", "chat:mixed");
        // Key order puts every "a" before every "b": the whole first page of 100 expires.
        fill(room, "a", 100, clock.instant().plus(Duration.ofMinutes(5)), 0);
        var live = fill(room, "b", 50, clock.instant().plus(Duration.ofHours(2)), 0);
        clock.advance(Duration.ofMinutes(5));

        var pages = new ArrayList<List<Member>>();
        memberships.members(room, 100).forEach(pages::add);

        assertTrue(pages.stream().noneMatch(List::isEmpty));
        assertExactlyOnce(live, flatten(pages));
    }

    @Test
    void concurrentJoinsOfOneConnectionAllLand() throws Exception {
        var c = open("c1", "u1", "w1");
        var rooms = new ArrayList<Room>();
        for (int i = 0; i < 40; i++) {
            rooms.add(new Room("w1", "chat:" + i));
        }
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            var results = new ArrayList<Future<Boolean>>();
            for (Room room : rooms) {
                results.add(pool.submit(() -> memberships.join(c, room)));
            }
            for (var result : results) {
                assertTrue(result.get());
            }
        }
        assertEquals(Set.copyOf(rooms), Set.copyOf(memberships.rooms("c1")));
    }

    @Test
    void joinsRacingACloseLeaveNothingBehind() throws Exception {
        var c = open("c1", "u1", "w1");
        var someJoined = new CountDownLatch(10);
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            // A few clients each joining rooms one after another, so joins keep coming while the close runs.
            var joins = new ArrayList<Future<Integer>>();
            for (int worker = 0; worker < 4; worker++) {
                int w = worker;
                joins.add(pool.submit(() -> {
                    int succeeded = 0;
                    for (int i = 0; i < 30; i++) {
                        if (memberships.join(c, new Room("w1", "chat:" + w + "-" + i))) {
                            succeeded++;
                        }
                        someJoined.countDown();
                    }
                    return succeeded;
                }));
            }
            // The close starts while the remaining joins are still running.
            var closed = pool.submit(() -> {
                someJoined.await();
                return connections.close("c1");
            });
            int landed = 0;
            for (var join : joins) {
                landed += join.get();
            }
            // A join that succeeded committed while #meta existed, i.e. before the close's first step, so the
            // close found and removed exactly those; every later join failed its condition.
            assertTrue(landed >= 10);
            assertEquals(landed, closed.get().size());
        }
        assertEquals(List.of(), scanAll(), "orphaned items after close");
        assertFalse(memberships.join(c, new Room("w1", "chat:late")));
    }

    @Test
    void badInputIsRejected() {
        var room = new Room("w1", "chat:1");
        assertThrows(IllegalArgumentException.class, () -> memberships.members(room, -1));
        assertThrows(NullPointerException.class, () -> memberships.members(null));
        assertThrows(IllegalArgumentException.class, () -> memberships.rooms(""));
        assertThrows(IllegalArgumentException.class, () -> memberships.leave(" ", room));
        assertThrows(NullPointerException.class, () -> memberships.join(null, room));
    }

    /** Bulk-loads room-side membership items (what the fan-out reads), 25 per BatchWriteItem. */
    private List<Member> fill(Room room, String prefix, int count, Instant expiresAt, int paddingBytes) {
        var members = new ArrayList<Member>(count);
        var writes = new ArrayList<WriteRequest>(count);
        var padding = AttributeValue.fromS("x".repeat(Math.max(paddingBytes, 1)));
        for (int i = 0; i < count; i++) {
            var member = new Member(String.format("%s%05d", prefix, i), "user-" + (i % 97));
            var c = Connection.builder().connectionId(member.connectionId()).userId(member.userId()).workspaceId(room.workspaceId()).connectedAt(clock.instant()).expiresAt(expiresAt).build();
            var item = new HashMap<>(ConnectionTable.membershipItem(c, room));
            if (paddingBytes > 0) {
                item.put("padding", padding);
            }
            writes.add(WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build());
            members.add(member);
        }
        new TableWriter(dynamo, table).batchWrite(writes);
        return members;
    }

    private static void assertExactlyOnce(List<Member> expected, List<Member> seen) {
        assertEquals(expected.size(), seen.size(), "members yielded");
        assertEquals(new HashSet<>(expected), new HashSet<>(seen));
    }

    private static <T> List<T> flatten(Iterable<List<T>> pages) {
        var all = new ArrayList<T>();
        pages.forEach(all::addAll);
        return all;
    }

    private List<Map<String, AttributeValue>> scanAll() {
        var items = new ArrayList<Map<String, AttributeValue>>();
        dynamo.scanPaginator(ScanRequest.builder().tableName(table).consistentRead(true).build())
                .items().forEach(items::add);
        return items;
    }

    @Test
    void hasMoreMembersThanReadsOnlyUpToTheLimit() {
        var chat = new Room("w1", "chat:big");
        for (int i = 0; i < 3; i++) {
            memberships.join(open("c" + i, "u" + i, "w1"), chat);
        }
        assertTrue(memberships.hasMoreMembersThan(chat, 2));
        assertFalse(memberships.hasMoreMembersThan(chat, 3));
        assertFalse(memberships.hasMoreMembersThan(new Room("w1", "chat:empty"), 0));
    }

    /**
     * The fan-out's membership pages reused for a TTL ({@link MembersCache}): a Query per TTL instead of per event,
     * every membership change made through the process's stores seen at once, changes made by another process seen once
     * the TTL has passed. The cache's clock is a counter the test moves, so nothing here waits.
     */
    @Nested
    class WithTheMembersCache {
        private final AtomicLong nanos = new AtomicLong();
        private final Room chat = new Room("w1", "chat:42");
        private ConnectionStore cachedConnections;
        private MembershipStore cached;

        @BeforeEach
        void cachedStores() {
            var cache = new MembersCache(Duration.ofSeconds(1), nanos::get);
            cachedConnections = new ConnectionStore(dynamo, table, clock, cache);
            cached = new MembershipStore(dynamo, table, clock, cache);
        }

        private void openIn(String id, String user, Room room) {
            cachedConnections.open(Connection.builder().connectionId(id).userId(user).workspaceId("w1")
                    .connectedAt(clock.instant()).expiresAt(clock.instant().plus(Duration.ofMinutes(130))).build(), List.of(room));
        }

        private List<Member> members() {
            return flatten(cached.members(chat));
        }

        @Test
        void aRoomIsReadOncePerTtlNotOncePerEvent() {
            cached.join(open("c1", "u1", "w1"), chat);
            QUERIES.set(0);
            for (int event = 0; event < 5; event++) {
                assertEquals(List.of(new Member("c1", "u1")), members());
            }
            assertEquals(1, QUERIES.get());
            nanos.addAndGet(Duration.ofSeconds(1).toNanos());
            assertEquals(List.of(new Member("c1", "u1")), members());
            assertEquals(2, QUERIES.get(), "read again once the TTL has passed");
        }

        @Test
        void joinsAndLeavesThroughThisProcessAreSeenAtOnce() {
            var c1 = open("c1", "u1", "w1");
            cached.join(c1, chat);
            assertEquals(List.of(new Member("c1", "u1")), members());
            var c2 = open("c2", "u2", "w1");
            cached.join(c2, chat);
            assertEquals(List.of(new Member("c1", "u1"), new Member("c2", "u2")), members());
            cached.leave("c1", chat);
            assertEquals(List.of(new Member("c2", "u2")), members());
            openIn("c3", "u3", chat); // joined on connect, by the connection store
            assertEquals(List.of(new Member("c2", "u2"), new Member("c3", "u3")), members());
            cachedConnections.close("c2");
            assertEquals(List.of(new Member("c3", "u3")), members());
        }

        @Test
        void aJoinByAnotherProcessIsSeenWithinTheTtl() {
            cached.join(open("c1", "u1", "w1"), chat);
            assertEquals(List.of(new Member("c1", "u1")), members());
            // another Lambda environment: its own stores and cache
            var elsewhere = new MembershipStore(dynamo, table, clock, MembersCache.off());
            elsewhere.join(open("c2", "u2", "w1"), chat);
            nanos.addAndGet(Duration.ofMillis(999).toNanos());
            // c2's connection record was written through this process's connection store (no rooms): the page stands
            assertEquals(List.of(new Member("c1", "u1")), members(), "within the TTL the kept page is used");
            nanos.addAndGet(Duration.ofMillis(1).toNanos());
            assertEquals(List.of(new Member("c1", "u1"), new Member("c2", "u2")), members());
        }

        @Test
        void aReadOverlappingAChangeIsNotKept() {
            var c1 = open("c1", "u1", "w1");
            cached.join(c1, chat);
            // iteration starts (the read is under way), then a member joins here before it ends
            var pages = cached.members(chat).iterator();
            cached.join(open("c2", "u2", "w1"), chat);
            while (pages.hasNext()) {
                pages.next();
            }
            QUERIES.set(0);
            assertEquals(List.of(new Member("c1", "u1"), new Member("c2", "u2")), members());
            assertEquals(1, QUERIES.get(), "the overlapping read was not kept, so this one read again");
        }

        @Test
        void aMemberWhoseMembershipLapsesIsNotReachedThroughAKeptPage() {
            // A long TTL (as the local runtime keeps pages): still exact, because a page goes when its first member lapses.
            var cache = new MembersCache(Duration.ofHours(1), nanos::get);
            var longLived = new MembershipStore(dynamo, table, clock, cache);
            longLived.join(open("c1", "u1", "w1"), chat);
            longLived.join(open("c2", "u2", "w1"), chat, clock.instant().plus(Duration.ofMinutes(5))); // a room token
            assertEquals(List.of(new Member("c1", "u1"), new Member("c2", "u2")), flatten(longLived.members(chat)));
            QUERIES.set(0);
            clock.advance(Duration.ofMinutes(4));
            assertEquals(2, flatten(longLived.members(chat)).size());
            assertEquals(0, QUERIES.get(), "reused while every member is live");
            clock.advance(Duration.ofMinutes(1));
            assertEquals(List.of(new Member("c1", "u1")), flatten(longLived.members(chat)));
            assertEquals(1, QUERIES.get(), "read again once c2's membership lapsed");
        }

        @Test
        void withoutACacheEveryEventReads() {
            var plain = new MembershipStore(dynamo, table, clock);
            plain.join(open("c1", "u1", "w1"), chat);
            QUERIES.set(0);
            for (int event = 0; event < 3; event++) {
                flatten(plain.members(chat));
            }
            assertEquals(3, QUERIES.get());
        }
    }
}
