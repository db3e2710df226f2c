package dev.pulse.store;

import static dev.pulse.store.ConnectionTable.CONNECTION_ID;
import static dev.pulse.store.ConnectionTable.PARTITION_KEY;
import static dev.pulse.store.ConnectionTable.ROOM_NAME;
import static dev.pulse.store.ConnectionTable.ROOM_PREFIX;
import static dev.pulse.store.ConnectionTable.SORT_KEY;
import static dev.pulse.store.ConnectionTable.TTL_ATTRIBUTE;
import static dev.pulse.store.ConnectionTable.USER_ID;
import static dev.pulse.store.ConnectionTable.WORKSPACE_ID;

import dev.pulse.model.Connection;
import dev.pulse.model.Member;
import dev.pulse.model.Room;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.Select;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Room memberships in the {@link ConnectionTable}: each membership is two items, one in the room's
 * partition (read by the fan-out) and one in the connection's partition (read on disconnect), written and
 * removed together in a transaction. Expired memberships (a connection whose {@code $disconnect} was
 * missed) are invisible to every read here, whether or not DynamoDB has deleted them yet.
 *
 * <p>This store does not decide who may join what; that is the {@link RoomPolicy}'s job, before calling it.
 */
public final class MembershipStore {
    private final DynamoDbClient dynamo;
    private final String tableName;
    private final Clock clock;
    private final TableWriter writer;
    private final MembersCache cache;

    public MembershipStore(DynamoDbClient dynamo, String tableName, Clock clock) {
        this(dynamo, tableName, clock, MembersCache.off());
    }

    /** @param cache reuses the fan-out's membership pages briefly; shared with the process's {@link ConnectionStore} */
    public MembershipStore(DynamoDbClient dynamo, String tableName, Clock clock, MembersCache cache) {
        this.cache = Objects.requireNonNull(cache, "cache");
        this.dynamo = Objects.requireNonNull(dynamo, "dynamo");
        this.tableName = Objects.requireNonNull(tableName, "tableName");
        if (tableName.isBlank()) {
            throw new IllegalArgumentException("tableName must not be blank");
        }
        this.clock = Objects.requireNonNull(clock, "clock");
        this.writer = new TableWriter(dynamo, tableName);
    }

    /**
     * Adds the connection to the room, with the connection's expiry. The write is conditioned on the
     * connection's {@code #meta} item existing and being live, so a join racing a disconnect cannot leave
     * memberships behind. Joining a room twice is harmless.
     *
     * @return false if the connection is closed, unknown or expired (nothing is written then)
     */
    public boolean join(Connection connection, Room room) {
        return join(connection, room, null);
    }

    /**
     * Like {@link #join(Connection, Room)}, with a membership that lapses before the connection does: at the expiry
     * of the room token it was granted with (joining again with a new token renews it). Every read of memberships
     * already filters expired items, so nothing has to remove it at that moment.
     *
     * @param lapsesAt when the membership ends, or null for the connection's own expiry
     */
    public boolean join(Connection connection, Room room, Instant lapsesAt) {
        ConnectionTable.requireValid(connection);
        Objects.requireNonNull(room, "room");
        var connectionIsLive = Conditions.liveConnection(tableName, connection.connectionId(), clock.instant());
        try {
            writer.transact(List.of(
                    TransactWriteItem.builder().conditionCheck(connectionIsLive).build(),
                    put(ConnectionTable.membershipItem(connection, room, lapsesAt)),
                    put(ConnectionTable.reverseItem(connection, room, lapsesAt))));
            cache.forget(ConnectionTable.roomKey(room));
            return true;
        } catch (TransactionCanceledException e) {
            if (Conditions.failed(e, 0)) {
                return false;
            }
            throw e;
        }
    }

    /** Removes the connection from the room; leaving a room one is not in is harmless. */
    public void leave(String connectionId, Room room) {
        Objects.requireNonNull(room, "room");
        writer.transact(List.of(
                delete(ConnectionTable.membershipKey(room, connectionId)),
                delete(ConnectionTable.reverseKey(connectionId, room))));
        cache.forget(ConnectionTable.roomKey(room));
    }

    /** Whether the connection is (live) in the room: one consistent GetItem on the reverse item. */
    public boolean isMember(String connectionId, Room room) {
        var item = dynamo.getItem(b -> b.tableName(tableName)
                .key(ConnectionTable.reverseKey(connectionId, room))
                .consistentRead(true)).item();
        return item != null && !item.isEmpty() && ConnectionTable.isLive(item, clock.instant());
    }

    /** The live rooms of a connection, in key order. */
    public List<Room> rooms(String connectionId) {
        var rooms = new ArrayList<Room>();
        var request = QueryRequest.builder()
                .tableName(tableName)
                .keyConditionExpression("#pk = :pk AND begins_with(#sk, :rooms)")
                .filterExpression("#ttl > :now")
                .projectionExpression("#ws, #room")
                .expressionAttributeNames(Map.of(
                        "#pk", PARTITION_KEY, "#sk", SORT_KEY, "#ttl", TTL_ATTRIBUTE,
                        "#ws", WORKSPACE_ID, "#room", ROOM_NAME))
                .expressionAttributeValues(Map.of(
                        ":pk", AttributeValue.fromS(ConnectionTable.connectionKey(connectionId)),
                        ":rooms", AttributeValue.fromS(ROOM_PREFIX),
                        ":now", ConnectionTable.nowValue(clock.instant())))
                .consistentRead(true)
                .build();
        for (var item : new Pager(dynamo, request).items()) {
            rooms.add(ConnectionTable.roomOf(item));
        }
        return rooms;
    }

    /**
     * The room's live members, one list per DynamoDB response (at most 1 MB each). Nothing is read until
     * the iterator is asked for a page, and each further page only when asked, so a caller can deliver to
     * one page while the next is read. Pages whose items were all expired are skipped. Each call to
     * {@link Iterable#iterator()} starts a fresh read.
     *
     * <p>Reads are eventually consistent: this is the hottest read (once per event), consistent reads cost
     * twice as much, and a member who joined within the last second and misses an event gets it back
     * through resume. With a {@link MembersCache}, a room that fits one page is read at most once per the cache's
     * TTL (and again at once after a join or leave through this process).
     */
    public Iterable<List<Member>> members(Room room) {
        if (!cache.enabled()) {
            return members(room, 0);
        }
        var roomKey = ConnectionTable.roomKey(Objects.requireNonNull(room, "room"));
        return () -> {
            var kept = cache.page(roomKey, clock.instant().getEpochSecond());
            if (kept != null) {
                return List.of(kept).iterator();
            }
            return new KeepingPages(roomKey, pages(room, 0, true).iterator());
        };
    }

    /** A page as read, with the earliest expiry of its memberships (what bounds how long a kept page is exact). */
    private record Page(List<Member> members, long lapsesAt) {
    }

    /** Hands the pages on as they are read; at the end, a room that was one page is kept for the next events. */
    private final class KeepingPages implements Iterator<List<Member>> {
        private final String roomKey;
        private final Iterator<Page> pages;
        private final long readAt = cache.now();
        private final long generation = cache.generation();
        private Page first;
        private int seen;
        private boolean ended;

        KeepingPages(String roomKey, Iterator<Page> pages) {
            this.roomKey = roomKey;
            this.pages = pages;
        }

        @Override
        public boolean hasNext() {
            boolean more = pages.hasNext();
            if (!more && !ended) {
                ended = true;
                if (seen <= 1) {
                    cache.keep(roomKey, first == null ? List.of() : first.members(),
                            readAt, first == null ? Long.MAX_VALUE : first.lapsesAt(), generation);
                }
            }
            return more;
        }

        @Override
        public List<Member> next() {
            var page = pages.next();
            if (seen++ == 0) {
                first = page;
            }
            return page.members();
        }
    }

    /**
     * Like {@link #members(Room)}, with at most {@code pageLimit} items evaluated per request (0 = only
     * DynamoDB's 1 MB limit). A page can hold fewer members than the limit when some were expired.
     */
    public Iterable<List<Member>> members(Room room, int pageLimit) {
        var pages = pages(room, pageLimit, false);
        return () -> {
            var read = pages.iterator();
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return read.hasNext();
                }

                @Override
                public List<Member> next() {
                    return read.next().members();
                }
            };
        };
    }

    /** @param withExpiry also read each membership's {@code ttl}, for {@link Page#lapsesAt()} (else Long.MAX_VALUE) */
    private Iterable<Page> pages(Room room, int pageLimit, boolean withExpiry) {
        Objects.requireNonNull(room, "room");
        if (pageLimit < 0) {
            throw new IllegalArgumentException("pageLimit must be 0 (no limit) or positive, got " + pageLimit);
        }
        var roomKey = ConnectionTable.roomKey(room);
        return () -> {
            var request = QueryRequest.builder()
                    .tableName(tableName)
                    .keyConditionExpression("#pk = :pk")
                    .filterExpression("#ttl > :now")
                    .projectionExpression(withExpiry ? "#cid, #uid, #ttl" : "#cid, #uid")
                    .expressionAttributeNames(Map.of(
                            "#pk", PARTITION_KEY, "#ttl", TTL_ATTRIBUTE, "#cid", CONNECTION_ID, "#uid", USER_ID))
                    .expressionAttributeValues(Map.of(
                            ":pk", AttributeValue.fromS(roomKey),
                            // "now" is taken when iteration starts, so one pass applies one cut-off.
                            ":now", ConnectionTable.nowValue(clock.instant())))
                    .limit(pageLimit == 0 ? null : pageLimit)
                    .build();
            var responses = new Pager(dynamo, request).iterator();
            return new Iterator<Page>() {
                private Page next;

                @Override
                public boolean hasNext() {
                    while (next == null && responses.hasNext()) {
                        var items = responses.next().items();
                        if (items.isEmpty()) {
                            continue; // every item on it had expired
                        }
                        var members = new ArrayList<Member>(items.size());
                        long lapsesAt = Long.MAX_VALUE;
                        for (var item : items) {
                            members.add(new Member(item.get(CONNECTION_ID).s(), item.get(USER_ID).s()));
                            var ttl = item.get(TTL_ATTRIBUTE);
                            if (ttl != null && ttl.n() != null) {
                                lapsesAt = Math.min(lapsesAt, Long.parseLong(ttl.n()));
                            }
                        }
                        next = new Page(members, lapsesAt);
                    }
                    return next != null;
                }

                @Override
                public Page next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    var page = next;
                    next = null;
                    return page;
                }
            };
        };
    }

    /**
     * Whether the room has more than {@code limit} members: one Query reading at most {@code limit + 1} keys
     * (expired members not yet deleted count too, so it may say yes a little early).
     */
    public boolean hasMoreMembersThan(Room room, int limit) {
        var response = dynamo.query(QueryRequest.builder()
                .tableName(tableName)
                .keyConditionExpression("#pk = :pk")
                .select(Select.COUNT)
                .limit(limit + 1)
                .expressionAttributeNames(Map.of("#pk", PARTITION_KEY))
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(ConnectionTable.roomKey(room))))
                .build());
        return response.count() > limit;
    }

    /** How many live members the room has (reads the whole partition; meant for tests and diagnostics). */
    public long count(Room room) {
        var request = QueryRequest.builder()
                .tableName(tableName)
                .keyConditionExpression("#pk = :pk")
                .filterExpression("#ttl > :now")
                .select(Select.COUNT)
                .expressionAttributeNames(Map.of("#pk", PARTITION_KEY, "#ttl", TTL_ATTRIBUTE))
                .expressionAttributeValues(Map.of(
                        ":pk", AttributeValue.fromS(ConnectionTable.roomKey(room)),
                        ":now", ConnectionTable.nowValue(clock.instant())))
                .build();
        long count = 0;
        for (var page : new Pager(dynamo, request)) {
            count += page.count();
        }
        return count;
    }

    private TransactWriteItem put(Map<String, AttributeValue> item) {
        return TransactWriteItem.builder()
                .put(Put.builder().tableName(tableName).item(item).build())
                .build();
    }

    private TransactWriteItem delete(Map<String, AttributeValue> key) {
        return TransactWriteItem.builder()
                .delete(Delete.builder().tableName(tableName).key(key).build())
                .build();
    }
}
