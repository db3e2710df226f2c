package dev.pulse.store;

import dev.pulse.model.Connection;
import dev.pulse.model.Room;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveSpecification;
import software.amazon.awssdk.services.dynamodb.model.UpdateTimeToLiveRequest;

/**
 * The single DynamoDB table that holds connections and room memberships (the CDK stack, the local runtime
 * and the stores all take their key names from here).
 *
 * <pre>
 * pk                         sk                  what
 * c#{connectionId}           #meta               the connection: userId, workspaceId, connectedAt, ttl
 * c#{connectionId}           r#{ws}#{room}       reverse membership: "all rooms of connection C" is one Query
 * r#{ws}#{room}              c#{connectionId}    membership: "all connections in room R" is one paged Query
 * p#{ws}#{room}              u#{userId}          presence of one user in a presence room (see PresenceStore)
 * t#{ws}#{room}              u#{userId}          what the room's members were last told of the user (see PresenceStore)
 * q#{ws}#{room}              #window             the presence room's open window: a flush is scheduled (PresenceWindows)
 * x#{epochMinute}            c#{connectionId}    token-expiry index: connections whose token lapses in that minute
 * l#{connectionId}#{bucket}  w#{windowStart}     rate-limit counter of one window (see RateCounters)
 * </pre>
 * The event log has its own table with the same key schema ({@link EventLogTable}).
 *
 * Membership items carry userId so the fan-out never reads per connection.
 *
 * <p>Attributes, all items: {@code pk}, {@code sk} (S) and {@code ttl} (N, epoch seconds; the connection's
 * expiry, copied onto every item of the connection so each item expires on its own). Besides:
 * <pre>
 * #meta          userId (S), workspaceId (S), connectedAt (N, epoch ms), expiresAt (N, epoch ms),
 *                tokenExpiresAt (N, epoch ms), presence (S, the status), presenceRenewedAt (N, epoch ms),
 *                grants (L of S, the token's room grants; absent when none)
 * reverse        workspaceId (S), room (S, the room name)
 * membership     connectionId (S), userId (S); its ttl (and the reverse item's) is earlier than the connection's
 *                when the membership lapses with a room token
 * presence       userId (S), one map attribute per present connection: c#{connectionId} = {s: status, x: lease
 *                expiry in epoch seconds}; ttl follows the newest lease
 * told           userId (S), told (M, {s: status, d: devices}: what the last presence.diff said; no item = told
 *                absent); ttl a week after the last write
 * window         openedAt (N, epoch ms); ttl one hour on
 * token expiry   connectionId (S); ttl one hour after the minute
 * rate counter   n (N, requests counted); ttl one window after the window ends
 * </pre>
 * Room names cannot contain {@code #}, so {@code r#{ws}#{room}} is unambiguous (the last {@code #} ends the
 * workspace id). An item counts as live while {@code ttl > now} in epoch seconds ({@link #isLive}): DynamoDB
 * deletes expired items late (and DynamoDB Local never), so every read applies this rule itself.
 */
public final class ConnectionTable {
    public static final String PARTITION_KEY = "pk";
    public static final String SORT_KEY = "sk";
    /** Epoch seconds; DynamoDB's TTL attribute. Reads filter on it because deletion is late (or never, locally). */
    public static final String TTL_ATTRIBUTE = "ttl";

    /** Sort key of the connection's own item. */
    public static final String META_SORT_KEY = "#meta";
    /** Prefix of every key naming a connection ({@code pk} of its items, {@code sk} of its memberships). */
    public static final String CONNECTION_PREFIX = "c#";
    /** Prefix of every key naming a room ({@code pk} of memberships, {@code sk} of reverse items). */
    public static final String ROOM_PREFIX = "r#";

    public static final String USER_ID = "userId";
    public static final String WORKSPACE_ID = "workspaceId";
    public static final String CONNECTION_ID = "connectionId";
    public static final String CONNECTED_AT = "connectedAt";
    public static final String EXPIRES_AT = "expiresAt";
    /** Partition prefix of the token-expiry index ({@code x#{epochMinute}}). */
    public static final String TOKEN_EXPIRY_PREFIX = "x#";
    /** Epoch millis when the connection's token lapses (on {@code #meta}); updated by {@code auth.refresh}. */
    public static final String TOKEN_EXPIRES_AT = "tokenExpiresAt";
    /** The connection's presence status (on {@code #meta}). */
    public static final String PRESENCE_STATUS = "presence";
    /** Epoch millis of the last presence lease renewal (on {@code #meta}). */
    public static final String PRESENCE_RENEWED_AT = "presenceRenewedAt";
    /** The token's room grants, as written in it (on {@code #meta}; L of S). */
    public static final String GRANTS = "grants";
    /** On reverse items: the room's name (its workspace is in {@link #WORKSPACE_ID}). */
    public static final String ROOM_NAME = "room";
    /** Partition prefix of a presence room ({@code p#{ws}#{room}}). */
    public static final String PRESENCE_PREFIX = "p#";
    /** Sort-key prefix of a user's presence item in a presence room. */
    public static final String PRESENCE_USER_PREFIX = "u#";
    /** Partition prefix of what a presence room's members were told ({@code t#{ws}#{room}}). */
    public static final String PRESENCE_TOLD_PREFIX = "t#";
    /** Partition prefix of a presence room's window item ({@code q#{ws}#{room}}). */
    public static final String PRESENCE_WINDOW_PREFIX = "q#";
    /** Sort key of a presence room's window item. */
    public static final String PRESENCE_WINDOW_SORT_KEY = "#window";
    /** Partition prefix of a connection's rate-limit counters ({@code l#{connectionId}#{bucket}}). */
    public static final String RATE_COUNTER_PREFIX = "l#";
    /** Sort-key prefix of one window's counter ({@code w#{windowStart epoch ms}}). */
    public static final String RATE_WINDOW_PREFIX = "w#";

    private ConnectionTable() {
    }

    /** The table as every environment creates it: string {@code pk}/{@code sk}, on-demand capacity. */
    public static CreateTableRequest createTableRequest(String tableName) {
        requireText(tableName, "tableName");
        return CreateTableRequest.builder()
                .tableName(tableName)
                .attributeDefinitions(
                        AttributeDefinition.builder().attributeName(PARTITION_KEY).attributeType(ScalarAttributeType.S).build(),
                        AttributeDefinition.builder().attributeName(SORT_KEY).attributeType(ScalarAttributeType.S).build())
                .keySchema(
                        KeySchemaElement.builder().attributeName(PARTITION_KEY).keyType(KeyType.HASH).build(),
                        KeySchemaElement.builder().attributeName(SORT_KEY).keyType(KeyType.RANGE).build())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .build();
    }

    /** Turns on DynamoDB's TTL deletion for {@link #TTL_ATTRIBUTE} (a separate call after the table is created). */
    public static UpdateTimeToLiveRequest timeToLiveRequest(String tableName) {
        requireText(tableName, "tableName");
        return UpdateTimeToLiveRequest.builder()
                .tableName(tableName)
                .timeToLiveSpecification(TimeToLiveSpecification.builder()
                        .attributeName(TTL_ATTRIBUTE)
                        .enabled(true)
                        .build())
                .build();
    }

    // ---- keys ----------------------------------------------------------------------------------------

    /** {@code c#{connectionId}}: pk of the connection's items, sk of its memberships. */
    public static String connectionKey(String connectionId) {
        return CONNECTION_PREFIX + requireText(connectionId, "connectionId");
    }

    /** {@code r#{workspaceId}#{name}}: pk of the room's memberships, sk of the reverse items. */
    public static String roomKey(Room room) {
        Objects.requireNonNull(room, "room");
        return ROOM_PREFIX + requireText(room.workspaceId(), "workspaceId") + "#" + room.name();
    }

    /** Primary key of the connection's {@code #meta} item. */
    public static Map<String, AttributeValue> metaKey(String connectionId) {
        return key(connectionKey(connectionId), META_SORT_KEY);
    }

    /** Primary key of the room-side membership item. */
    public static Map<String, AttributeValue> membershipKey(Room room, String connectionId) {
        return key(roomKey(room), connectionKey(connectionId));
    }

    /** Primary key of the connection-side (reverse) membership item. */
    public static Map<String, AttributeValue> reverseKey(String connectionId, Room room) {
        return key(connectionKey(connectionId), roomKey(room));
    }

    /** {@code p#{workspaceId}#{name}}: pk of a presence room's user items. */
    public static String presenceRoomKey(Room room) {
        Objects.requireNonNull(room, "room");
        return PRESENCE_PREFIX + requireText(room.workspaceId(), "workspaceId") + "#" + room.name();
    }

    /** Primary key of one user's presence item in a presence room. */
    public static Map<String, AttributeValue> presenceKey(Room room, String userId) {
        return key(presenceRoomKey(room), PRESENCE_USER_PREFIX + requireText(userId, "userId"));
    }

    /** {@code t#{workspaceId}#{name}}: pk of what a presence room's members were told, one item per user. */
    public static String presenceToldKey(Room room) {
        Objects.requireNonNull(room, "room");
        return PRESENCE_TOLD_PREFIX + requireText(room.workspaceId(), "workspaceId") + "#" + room.name();
    }

    /** Primary key of a presence room's window item. */
    public static Map<String, AttributeValue> presenceWindowKey(Room room) {
        Objects.requireNonNull(room, "room");
        return key(PRESENCE_WINDOW_PREFIX + requireText(room.workspaceId(), "workspaceId") + "#" + room.name(),
                PRESENCE_WINDOW_SORT_KEY);
    }

    /** Primary key of one rate-limit window's counter. */
    public static Map<String, AttributeValue> rateCounterKey(String connectionId, String bucket, Instant windowStart) {
        return key(RATE_COUNTER_PREFIX + requireText(connectionId, "connectionId") + "#" + bucket,
                RATE_WINDOW_PREFIX + windowStart.toEpochMilli());
    }

    public static Map<String, AttributeValue> key(String pk, String sk) {
        return Map.of(PARTITION_KEY, s(pk), SORT_KEY, s(sk));
    }

    // ---- items ---------------------------------------------------------------------------------------

    /** The {@code #meta} item of a connection. */
    public static Map<String, AttributeValue> metaItem(Connection connection) {
        requireValid(connection);
        var item = new java.util.HashMap<>(Map.of(
                PARTITION_KEY, s(connectionKey(connection.connectionId())),
                SORT_KEY, s(META_SORT_KEY),
                USER_ID, s(connection.userId()),
                WORKSPACE_ID, s(connection.workspaceId()),
                CONNECTED_AT, n(connection.connectedAt().toEpochMilli()),
                EXPIRES_AT, n(connection.expiresAt().toEpochMilli()),
                TTL_ATTRIBUTE, n(ttl(connection.expiresAt()))));
        if (connection.tokenExpiresAt() != null) {
            item.put(TOKEN_EXPIRES_AT, n(connection.tokenExpiresAt().toEpochMilli()));
        }
        item.put(PRESENCE_STATUS, s(connection.presenceStatus()));
        if (connection.presenceRenewedAt() != null) {
            item.put(PRESENCE_RENEWED_AT, n(connection.presenceRenewedAt().toEpochMilli()));
        }
        if (!connection.grants().isEmpty()) {
            item.put(GRANTS, AttributeValue.fromL(connection.grants().stream().map(g -> s(g.toString())).toList()));
        }
        return Map.copyOf(item);
    }

    /** The room-side membership item: everything the fan-out needs to address the connection. */
    public static Map<String, AttributeValue> membershipItem(Connection connection, Room room) {
        return membershipItem(connection, room, null);
    }

    /** @param lapsesAt when the membership ends before the connection does (a room token's expiry), or null */
    public static Map<String, AttributeValue> membershipItem(Connection connection, Room room, Instant lapsesAt) {
        requireValid(connection);
        return Map.of(
                PARTITION_KEY, s(roomKey(room)),
                SORT_KEY, s(connectionKey(connection.connectionId())),
                CONNECTION_ID, s(connection.connectionId()),
                USER_ID, s(connection.userId()),
                TTL_ATTRIBUTE, n(ttl(earlier(connection.expiresAt(), lapsesAt))));
    }

    private static Instant earlier(Instant expiresAt, Instant lapsesAt) {
        return lapsesAt == null || expiresAt.isBefore(lapsesAt) ? expiresAt : lapsesAt;
    }

    /** The connection-side membership item, so a connection's rooms are one Query on its partition. */
    public static Map<String, AttributeValue> reverseItem(Connection connection, Room room) {
        return reverseItem(connection, room, null);
    }

    /** @param lapsesAt as for {@link #membershipItem(Connection, Room, Instant)} */
    public static Map<String, AttributeValue> reverseItem(Connection connection, Room room, Instant lapsesAt) {
        requireValid(connection);
        return Map.of(
                PARTITION_KEY, s(connectionKey(connection.connectionId())),
                SORT_KEY, s(roomKey(room)),
                WORKSPACE_ID, s(room.workspaceId()),
                ROOM_NAME, s(room.name()),
                TTL_ATTRIBUTE, n(ttl(earlier(connection.expiresAt(), lapsesAt))));
    }

    /** Reads a {@code #meta} item back. */
    public static Connection connectionOf(String connectionId, Map<String, AttributeValue> meta) {
        return new Connection(
                connectionId,
                meta.get(USER_ID).s(),
                meta.get(WORKSPACE_ID).s(),
                Instant.ofEpochMilli(Long.parseLong(meta.get(CONNECTED_AT).n())),
                Instant.ofEpochMilli(Long.parseLong(meta.get(EXPIRES_AT).n())),
                millis(meta.get(TOKEN_EXPIRES_AT)),
                meta.containsKey(PRESENCE_STATUS) ? meta.get(PRESENCE_STATUS).s() : null,
                millis(meta.get(PRESENCE_RENEWED_AT)),
                grantsOf(meta.get(GRANTS)));
    }

    private static java.util.List<dev.pulse.model.RoomGrant> grantsOf(AttributeValue value) {
        // Written by metaItem from grants that were parsed when the token was verified.
        return value == null || !value.hasL() ? java.util.List.of()
                : value.l().stream().map(v -> dev.pulse.model.RoomGrant.parse(v.s())).toList();
    }

    private static Instant millis(AttributeValue value) {
        return value == null || value.n() == null ? null : Instant.ofEpochMilli(Long.parseLong(value.n()));
    }

    /**
     * The token-expiry index entry: {@code x#{epochMinute}} / {@code c#{id}}. One Query per minute finds every
     * connection whose token lapses in that minute, so idle connections with lapsed tokens can be closed.
     * Stale entries (refreshed or closed connections) are skipped by the sweeper and expire an hour later.
     */
    public static Map<String, AttributeValue> tokenExpiryItem(String connectionId, Instant tokenExpiresAt) {
        return Map.of(
                PARTITION_KEY, s(tokenExpiryKey(expiryMinute(tokenExpiresAt))),
                SORT_KEY, s(connectionKey(connectionId)),
                CONNECTION_ID, s(connectionId),
                TTL_ATTRIBUTE, n(ttl(tokenExpiresAt.plusSeconds(3600))));
    }

    public static String tokenExpiryKey(long epochMinute) {
        return TOKEN_EXPIRY_PREFIX + epochMinute;
    }

    public static long expiryMinute(Instant instant) {
        return Math.floorDiv(instant.getEpochSecond(), 60);
    }

    /** Reads the room of a reverse item (from its attributes, not by splitting the key). */
    public static Room roomOf(Map<String, AttributeValue> reverse) {
        return new Room(reverse.get(WORKSPACE_ID).s(), reverse.get(ROOM_NAME).s());
    }

    // ---- expiry --------------------------------------------------------------------------------------

    /** The TTL value for an expiry instant: epoch seconds, rounded down so an item never outlives its connection. */
    public static long ttl(Instant expiresAt) {
        return expiresAt.getEpochSecond();
    }

    /** The one liveness rule: {@code ttl > now} in epoch seconds; an item without ttl never expires. */
    public static boolean isLive(Map<String, AttributeValue> item, Instant now) {
        var ttl = item.get(TTL_ATTRIBUTE);
        return ttl == null || ttl.n() == null || Long.parseLong(ttl.n()) > now.getEpochSecond();
    }

    /** The bound value for {@code #ttl > :now} in expressions. */
    public static AttributeValue nowValue(Instant now) {
        return n(now.getEpochSecond());
    }

    // ---- validation ----------------------------------------------------------------------------------

    /** Rejects connections the table cannot represent, with a message that names the field. */
    public static Connection requireValid(Connection connection) {
        Objects.requireNonNull(connection, "connection");
        requireText(connection.connectionId(), "connectionId");
        requireText(connection.userId(), "userId");
        requireText(connection.workspaceId(), "workspaceId");
        Objects.requireNonNull(connection.connectedAt(), "connectedAt");
        Objects.requireNonNull(connection.expiresAt(), "expiresAt");
        return connection;
    }

    static String requireText(String value, String what) {
        Objects.requireNonNull(value, what);
        if (value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
        return value;
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
