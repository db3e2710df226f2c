package dev.pulse.store;

import static dev.pulse.store.ConnectionTable.PARTITION_KEY;
import static dev.pulse.store.ConnectionTable.ROOM_PREFIX;
import static dev.pulse.store.ConnectionTable.SORT_KEY;

import dev.pulse.model.ClosedConnection;
import dev.pulse.model.Connection;
import dev.pulse.model.Room;
import dev.pulse.model.RoomGrant;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Open connections in the {@link ConnectionTable}: recorded on {@code $connect} together with the rooms the
 * connection joins automatically, looked up by id, and removed with all its memberships on
 * {@code $disconnect}. Every item carries the connection's TTL, so a missed {@code $disconnect} costs
 * nothing but storage until DynamoDB deletes them; reads treat expired items as absent meanwhile.
 */
public final class ConnectionStore {
    /** One transaction holds the {@code #meta} item, the token-expiry entry, and two items per room. */
    public static final int MAX_AUTO_JOIN_ROOMS = (TableWriter.TRANSACTION_LIMIT - 2) / 2;
    /** Longer than API Gateway's 29 s integration timeout, so every {@code $connect} has finished by then. */
    public static final java.time.Duration CONNECT_GRACE = java.time.Duration.ofSeconds(30);

    private final DynamoDbClient dynamo;
    private final String tableName;
    private final Clock clock;
    private final TableWriter writer;
    private final MembersCache cache;

    public ConnectionStore(DynamoDbClient dynamo, String tableName, Clock clock) {
        this(dynamo, tableName, clock, MembersCache.off());
    }

    /** @param cache the process's {@link MembersCache}, told about the memberships this store writes and removes */
    public ConnectionStore(DynamoDbClient dynamo, String tableName, Clock clock, MembersCache cache) {
        this.cache = Objects.requireNonNull(cache, "cache");
        this.dynamo = Objects.requireNonNull(dynamo, "dynamo");
        this.tableName = ConnectionTable.requireText(tableName, "tableName");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.writer = new TableWriter(dynamo, tableName);
    }

    /**
     * Records the connection and its automatic rooms in one transaction, so a connection is never visible
     * with half its rooms. Duplicate rooms are written once.
     *
     * @throws IllegalArgumentException if the connection has blank ids or there are more than
     *                                  {@link #MAX_AUTO_JOIN_ROOMS} distinct rooms
     */
    public void open(Connection connection, Collection<Room> autoJoin) {
        ConnectionTable.requireValid(connection);
        Objects.requireNonNull(autoJoin, "autoJoin");
        var rooms = new LinkedHashSet<Room>();
        for (Room room : autoJoin) {
            rooms.add(Objects.requireNonNull(room, "autoJoin contains null"));
        }
        if (rooms.size() > MAX_AUTO_JOIN_ROOMS) {
            throw new IllegalArgumentException("at most " + MAX_AUTO_JOIN_ROOMS
                    + " rooms can be joined on connect, got " + rooms.size());
        }
        var items = new ArrayList<TransactWriteItem>(1 + 2 * rooms.size());
        items.add(put(ConnectionTable.metaItem(connection)));
        for (Room room : rooms) {
            items.add(put(ConnectionTable.membershipItem(connection, room)));
            items.add(put(ConnectionTable.reverseItem(connection, room)));
        }
        if (connection.tokenExpiresAt() != null) {
            items.add(put(ConnectionTable.tokenExpiryItem(connection.connectionId(), connection.tokenExpiresAt())));
        }
        writer.transact(items);
        rooms.forEach(room -> cache.forget(ConnectionTable.roomKey(room)));
    }

    /** The connection if it is recorded and not expired. */
    public Optional<Connection> find(String connectionId) {
        var item = dynamo.getItem(GetItemRequest.builder()
                .tableName(tableName)
                .key(ConnectionTable.metaKey(connectionId))
                .consistentRead(true)
                .build()).item();
        if (item == null || item.isEmpty() || !ConnectionTable.isLive(item, clock.instant())) {
            return Optional.empty();
        }
        return Optional.of(ConnectionTable.connectionOf(connectionId, item));
    }

    /**
     * Records a refreshed token's expiry on a live connection; false when the connection is gone or expired.
     */
    public boolean refreshToken(String connectionId, Instant tokenExpiresAt) {
        return refreshToken(connectionId, tokenExpiresAt, List.of());
    }

    /**
     * Records a refreshed token on a live connection: its expiry (null: the new token does not lapse, as an opaque
     * token without {@code exp}) and its room grants, which replace the old token's, so a refresh can also narrow
     * what the connection may join from then on. False when the connection is gone or expired.
     */
    public boolean refreshToken(String connectionId, Instant tokenExpiresAt, List<RoomGrant> grants) {
        var sets = new ArrayList<String>();
        var removes = new ArrayList<String>();
        var names = new java.util.HashMap<String, String>(Conditions.LIVE_NAMES);
        names.put("#tokenExp", ConnectionTable.TOKEN_EXPIRES_AT);
        names.put("#grants", ConnectionTable.GRANTS);
        var values = new java.util.HashMap<String, AttributeValue>(Conditions.nowValues(clock.instant()));
        if (tokenExpiresAt == null) {
            removes.add("#tokenExp");
        } else {
            sets.add("#tokenExp = :tokenExp");
            values.put(":tokenExp", AttributeValue.fromN(Long.toString(tokenExpiresAt.toEpochMilli())));
        }
        if (grants.isEmpty()) {
            removes.add("#grants");
        } else {
            sets.add("#grants = :grants");
            values.put(":grants", AttributeValue.fromL(grants.stream().map(g -> AttributeValue.fromS(g.toString())).toList()));
        }
        String expression = (sets.isEmpty() ? "" : "SET " + String.join(", ", sets) + " ")
                + (removes.isEmpty() ? "" : "REMOVE " + String.join(", ", removes));
        var update = TransactWriteItem.builder().update(u -> u.tableName(tableName)
                .key(ConnectionTable.metaKey(connectionId))
                .updateExpression(expression.strip())
                .conditionExpression(Conditions.LIVE)
                .expressionAttributeNames(names)
                .expressionAttributeValues(values)).build();
        var items = new ArrayList<TransactWriteItem>(List.of(update));
        if (tokenExpiresAt != null) {
            items.add(put(ConnectionTable.tokenExpiryItem(connectionId, tokenExpiresAt)));
        }
        try {
            writer.transact(items);
            return true;
        } catch (TransactionCanceledException e) {
            if (Conditions.failed(e, 0)) {
                return false;
            }
            throw e;
        }
    }

    /** Forgets one token-expiry index entry (after the sweeper handled it). */
    public void forgetTokenExpiry(long epochMinute, String connectionId) {
        dynamo.deleteItem(b -> b.tableName(tableName)
                .key(ConnectionTable.key(ConnectionTable.tokenExpiryKey(epochMinute), ConnectionTable.connectionKey(connectionId))));
    }

    /** Connection ids whose token lapses within the given minute, per the expiry index (may be stale). */
    public List<String> tokenExpiringIn(long epochMinute) {
        var ids = new ArrayList<String>();
        var request = QueryRequest.builder().tableName(tableName)
                .keyConditionExpression("#pk = :pk")
                .expressionAttributeNames(Map.of("#pk", ConnectionTable.PARTITION_KEY))
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(ConnectionTable.tokenExpiryKey(epochMinute))))
                .consistentRead(true)
                .build();
        for (var item : new Pager(dynamo, request).items()) {
            ids.add(item.get(ConnectionTable.CONNECTION_ID).s());
        }
        return ids;
    }

    /**
     * Removes the connection, its reverse items and the room-side memberships, and returns the rooms whose
     * memberships it removed (expired ones included: this is cleanup). Closing an unknown or already
     * closed id returns an empty list.
     *
     * <p>Order matters for races and for partial failures. The {@code #meta} item goes first, so a
     * concurrent {@code join} either committed before (and its items are found by the Query below) or
     * fails its condition. Room-side items are deleted before the reverse items that point to them, so if
     * this call fails midway, calling it again still finds every remaining membership.
     */
    public List<Room> close(String connectionId) {
        return closeConnection(connectionId).rooms();
    }

    /** {@link #close}, also answering who the connection was (null when its record was already gone). */
    public ClosedConnection closeConnection(String connectionId) {
        var old = dynamo.deleteItem(DeleteItemRequest.builder()
                .tableName(tableName)
                .key(ConnectionTable.metaKey(connectionId))
                .returnValues(ReturnValue.ALL_OLD)
                .build()).attributes();
        return removeRooms(connectionId, old);
    }

    /**
     * Closes a connection that API Gateway called gone (410), unless it was recorded within {@link #CONNECT_GRACE}:
     * during {@code $connect} the record exists but API Gateway does not know the connection yet, so a post to it
     * fails with 410 although it is about to open.
     *
     * @return empty when the connection is too young to prune
     */
    public Optional<ClosedConnection> closeGone(String connectionId) {
        Map<String, AttributeValue> old;
        try {
            old = dynamo.deleteItem(DeleteItemRequest.builder()
                    .tableName(tableName)
                    .key(ConnectionTable.metaKey(connectionId))
                    .conditionExpression("attribute_not_exists(#pk) OR #connectedAt < :cutoff")
                    .expressionAttributeNames(Map.of("#pk", PARTITION_KEY, "#connectedAt", ConnectionTable.CONNECTED_AT))
                    .expressionAttributeValues(Map.of(":cutoff", AttributeValue.fromN(
                            Long.toString(clock.instant().minus(CONNECT_GRACE).toEpochMilli()))))
                    .returnValues(ReturnValue.ALL_OLD)
                    .build()).attributes();
        } catch (ConditionalCheckFailedException e) {
            return Optional.empty();
        }
        return Optional.of(removeRooms(connectionId, old));
    }

    private ClosedConnection removeRooms(String connectionId, Map<String, AttributeValue> oldMeta) {
        var pk = ConnectionTable.connectionKey(connectionId);
        Connection connection = oldMeta == null || oldMeta.isEmpty() ? null : ConnectionTable.connectionOf(connectionId, oldMeta);

        var rooms = new ArrayList<Room>();
        var reverseKeys = new ArrayList<Map<String, AttributeValue>>();
        var request = QueryRequest.builder()
                .tableName(tableName)
                .keyConditionExpression("#pk = :pk")
                .projectionExpression("#pk, #sk, #ws, #room")
                .expressionAttributeNames(Map.of(
                        "#pk", PARTITION_KEY, "#sk", SORT_KEY,
                        "#ws", ConnectionTable.WORKSPACE_ID, "#room", ConnectionTable.ROOM_NAME))
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(pk)))
                .consistentRead(true)
                .build();
        for (var item : new Pager(dynamo, request).items()) {
            var sk = item.get(SORT_KEY).s();
            reverseKeys.add(ConnectionTable.key(pk, sk));
            if (sk.startsWith(ROOM_PREFIX) && item.containsKey(ConnectionTable.ROOM_NAME)) {
                rooms.add(ConnectionTable.roomOf(item));
            }
        }

        var deletes = new ArrayList<WriteRequest>(rooms.size() + reverseKeys.size());
        for (Room room : rooms) {
            deletes.add(delete(ConnectionTable.membershipKey(room, connectionId)));
        }
        for (var key : reverseKeys) {
            deletes.add(delete(key));
        }
        writer.batchWrite(deletes);
        rooms.forEach(room -> cache.forget(ConnectionTable.roomKey(room)));
        return new ClosedConnection(connection, List.copyOf(rooms));
    }

    /**
     * Records the connection's presence status and/or lease renewal on its live record.
     *
     * @param status    the new status, or null to keep it
     * @param renewedAt when its presence leases were renewed, or null to keep it
     * @return the connection's status after the change; empty when the connection is gone or expired
     */
    public Optional<String> recordPresence(String connectionId, String status, Instant renewedAt) {
        var sets = new ArrayList<String>();
        var names = new java.util.HashMap<String, String>(Map.of(
                "#pk", ConnectionTable.PARTITION_KEY, "#ttl", ConnectionTable.TTL_ATTRIBUTE));
        var values = new java.util.HashMap<String, AttributeValue>(Map.of(":now", ConnectionTable.nowValue(clock.instant())));
        if (status != null) {
            sets.add("#status = :status");
            names.put("#status", ConnectionTable.PRESENCE_STATUS);
            values.put(":status", AttributeValue.fromS(status));
        }
        if (renewedAt != null) {
            sets.add("#renewed = :renewed");
            names.put("#renewed", ConnectionTable.PRESENCE_RENEWED_AT);
            values.put(":renewed", AttributeValue.fromN(Long.toString(renewedAt.toEpochMilli())));
        }
        if (sets.isEmpty()) {
            return find(connectionId).map(Connection::presenceStatus);
        }
        try {
            var updated = dynamo.updateItem(u -> u.tableName(tableName)
                    .key(ConnectionTable.metaKey(connectionId))
                    .updateExpression("SET " + String.join(", ", sets))
                    .conditionExpression(Conditions.LIVE)
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(values)
                    // The status comes back with the write: a connection known only from its authorizer's context
                    // renews its leases with the status it really has, at no extra read.
                    .returnValues(ReturnValue.ALL_NEW));
            var stored = updated.attributes().get(ConnectionTable.PRESENCE_STATUS);
            return Optional.of(stored == null || stored.s() == null ? Connection.INITIAL_PRESENCE_STATUS : stored.s());
        } catch (ConditionalCheckFailedException e) {
            return Optional.empty();
        }
    }

    private TransactWriteItem put(Map<String, AttributeValue> item) {
        return TransactWriteItem.builder()
                .put(Put.builder().tableName(tableName).item(item).build())
                .build();
    }

    private static WriteRequest delete(Map<String, AttributeValue> key) {
        return WriteRequest.builder().deleteRequest(DeleteRequest.builder().key(key).build()).build();
    }
}
