package dev.pulse.store;

import dev.pulse.model.Connection;
import dev.pulse.model.PresenceChange;
import dev.pulse.model.PresenceStatus;
import dev.pulse.model.Room;
import dev.pulse.model.UserPresence;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Presence in the {@link ConnectionTable}: one item per user and presence room,
 * {@code p#{ws}#{room}} / {@code u#{userId}}, holding one attribute per present connection of that user,
 * {@code c#{connectionId}} = {@code {"s": status, "x": lease expiry in epoch seconds}}.
 *
 * <p>Why one item per user: every write is a single atomic UpdateItem that returns the item as it was, so
 * the writer knows whether it made the user's first arrival or last departure (join/leave events fire
 * exactly once however devices race), and a room's presence list is one Query with one item per user.
 * An entry counts while its lease runs: a connection whose {@code $disconnect} never came drops out when
 * its lease lapses. The item's {@code ttl} follows the newest lease, so DynamoDB deletes abandoned items.
 */
public final class PresenceStore {
    /** Attribute-name prefix of one connection's entry in a user's presence item. */
    static final String ENTRY_PREFIX = ConnectionTable.CONNECTION_PREFIX;
    private static final String STATUS = "s";
    private static final String LEASE = "x";
    /** What the room's members were last told of the user (by a presence.diff): {s: status, d: devices}. */
    private static final String TOLD = "told";
    /** How long a told item outlives its last write (DynamoDB deletes it some time after; reads never filter it). */
    static final java.time.Duration TOLD_KEEP = java.time.Duration.ofDays(7);
    private static final String DEVICES = "d";

    private final DynamoDbClient dynamo;
    private final String tableName;
    private final Clock clock;
    private final TableWriter writer;

    public PresenceStore(DynamoDbClient dynamo, String tableName, Clock clock) {
        this.dynamo = Objects.requireNonNull(dynamo, "dynamo");
        this.tableName = Objects.requireNonNull(tableName, "tableName");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.writer = new TableWriter(dynamo, tableName);
    }

    /** Marks the connection present in the room (again) with a status and lease. */
    public PresenceChange enter(Connection connection, Room room, PresenceStatus status, Instant leaseUntil) {
        return write(connection, room, status, leaseUntil, false).orElseThrow();
    }

    /**
     * Changes the status or renews the lease of a connection already present; empty when it is not (it left,
     * or its entry was removed as expired), so a late renewal never brings back a connection that left.
     */
    public Optional<PresenceChange> update(Connection connection, Room room, PresenceStatus status, Instant leaseUntil) {
        return write(connection, room, status, leaseUntil, true);
    }

    private Optional<PresenceChange> write(Connection connection, Room room, PresenceStatus status, Instant leaseUntil,
                                           boolean onlyIfPresent) {
        String entry = entryName(connection.connectionId());
        var request = software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest.builder()
                .tableName(tableName)
                .key(key(room, connection.userId()))
                .updateExpression("SET #entry = :entry, #user = :user, #ttl = :ttl")
                .expressionAttributeNames(Map.of("#entry", entry, "#user", ConnectionTable.USER_ID,
                        "#ttl", ConnectionTable.TTL_ATTRIBUTE))
                .expressionAttributeValues(Map.of(
                        ":entry", entryValue(status, leaseUntil),
                        ":user", AttributeValue.fromS(connection.userId()),
                        ":ttl", AttributeValue.fromN(Long.toString(leaseUntil.getEpochSecond()))))
                .returnValues(ReturnValue.ALL_OLD);
        if (onlyIfPresent) {
            request.conditionExpression("attribute_exists(#entry)");
        }
        Map<String, AttributeValue> old;
        try {
            old = dynamo.updateItem(request.build()).attributes();
        } catch (ConditionalCheckFailedException e) {
            return Optional.empty();
        }
        var entries = liveEntries(old);
        var before = aggregate(connection.userId(), entries);
        entries.put(connection.connectionId(), status);
        return Optional.of(new PresenceChange(before, aggregate(connection.userId(), entries)));
    }

    /** Removes the connection from the room's presence; no change when it was not present. */
    public PresenceChange exit(String connectionId, String userId, Room room) {
        String entry = entryName(connectionId);
        Map<String, AttributeValue> old;
        try {
            old = dynamo.updateItem(u -> u.tableName(tableName)
                    .key(key(room, userId))
                    .updateExpression("REMOVE #entry")
                    // Without the condition an update of a missing item would create an empty one.
                    .conditionExpression("attribute_exists(#entry)")
                    .expressionAttributeNames(Map.of("#entry", entry))
                    .returnValues(ReturnValue.ALL_OLD)).attributes();
        } catch (ConditionalCheckFailedException e) {
            return new PresenceChange(null, null);
        }
        var entries = liveEntries(old);
        var before = aggregate(userId, entries);
        entries.remove(connectionId);
        return new PresenceChange(before, aggregate(userId, entries));
    }

    /**
     * Removes a user's lapsed entries (connections whose {@code $disconnect} never came), each only if its lease
     * is still the one that was read, so an entry renewed meanwhile stays. The change is empty when another
     * reader removed them first.
     */
    public PresenceChange removeLapsed(Room room, String userId, Map<String, Long> lapsedLeases) {
        if (lapsedLeases.isEmpty()) {
            return new PresenceChange(null, null);
        }
        var names = new HashMap<String, String>();
        var values = new HashMap<String, AttributeValue>();
        var removes = new ArrayList<String>();
        var conditions = new ArrayList<String>();
        int i = 0;
        for (var lapsed : lapsedLeases.entrySet()) {
            names.put("#e" + i, entryName(lapsed.getKey()));
            values.put(":x" + i, AttributeValue.fromN(Long.toString(lapsed.getValue())));
            removes.add("#e" + i);
            conditions.add("#e" + i + ".#x = :x" + i);
            i++;
        }
        names.put("#x", LEASE);
        Map<String, AttributeValue> old;
        try {
            old = dynamo.updateItem(u -> u.tableName(tableName)
                    .key(key(room, userId))
                    .updateExpression("REMOVE " + String.join(", ", removes))
                    .conditionExpression(String.join(" AND ", conditions))
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(values)
                    .returnValues(ReturnValue.ALL_OLD)).attributes();
        } catch (ConditionalCheckFailedException e) {
            return new PresenceChange(null, null);
        }
        // Lapsed entries were already absent for readers; the change is what they observed: present → gone.
        var live = liveEntries(old);
        var before = aggregate(userId, allEntries(old));
        return new PresenceChange(before, aggregate(userId, live));
    }

    /**
     * Up to {@code maxUsers} users present in the room, in user-id order (one paged Query), plus the lapsed
     * entries seen on the way.
     */
    public PresenceSnapshot list(Room room, int maxUsers) {
        var users = new ArrayList<UserPresence>();
        var lapsed = new LinkedHashMap<String, Map<String, Long>>();
        boolean truncated = false;
        long now = clock.instant().getEpochSecond();
        var request = QueryRequest.builder().tableName(tableName)
                .keyConditionExpression("#pk = :pk")
                .expressionAttributeNames(Map.of("#pk", ConnectionTable.PARTITION_KEY))
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(ConnectionTable.presenceRoomKey(room))))
                .build();
        for (var item : new Pager(dynamo, request).items()) {
            String userId = item.get(ConnectionTable.USER_ID).s();
            var live = liveEntries(item);
            if (!live.isEmpty()) {
                if (users.size() == maxUsers) {
                    truncated = true;
                    break;
                }
                users.add(aggregate(userId, live));
            }
            var expired = new HashMap<String, Long>();
            item.forEach((name, value) -> {
                if (name.startsWith(ENTRY_PREFIX) && value.hasM() && lease(value) <= now) {
                    expired.put(name.substring(ENTRY_PREFIX.length()), lease(value));
                }
            });
            if (!expired.isEmpty()) {
                lapsed.put(userId, expired);
            }
        }
        return new PresenceSnapshot(users, truncated, lapsed);
    }

    /**
     * A room's presence as read.
     *
     * @param lapsed user id → (connection id → lease) of entries whose lease ran out
     */
    public record PresenceSnapshot(List<UserPresence> users, boolean truncated, Map<String, Map<String, Long>> lapsed) {
    }

    /**
     * Every user of the room that is present or that its members were told is present, read strongly consistent (a
     * flush must see the changes that scheduled it): what each user is now, and what the members were last told. Two
     * paged Queries (the presence items and the told items); the flush's work grows with the room.
     */
    public List<UserView> views(Room room) {
        var told = new HashMap<String, UserPresence>();
        for (var item : new Pager(dynamo, consistentQuery(toldRoomKey(room))).items()) {
            String userId = item.get(ConnectionTable.USER_ID).s();
            told.put(userId, told(userId, item.get(TOLD)));
        }
        var views = new ArrayList<UserView>();
        for (var item : new Pager(dynamo, consistentQuery(ConnectionTable.presenceRoomKey(room))).items()) {
            String userId = item.get(ConnectionTable.USER_ID).s();
            views.add(new UserView(userId, aggregate(userId, liveEntries(item)), told.remove(userId)));
        }
        // Told present, and no presence item at all (DynamoDB deleted it by TTL): not there now.
        told.forEach((userId, was) -> views.add(new UserView(userId, null, was)));
        return views;
    }

    /**
     * Records what the room's members were told, by user: a presence (present) or null (not there), in batches of 25.
     * Told items outlive any connection ({@link #TOLD_KEEP}): one that lapsed only means a later diff repeats a join,
     * which a client takes as an update.
     */
    public void recordTold(Room room, Map<String, UserPresence> toldByUser) {
        var requests = new ArrayList<WriteRequest>();
        String pk = toldRoomKey(room);
        long ttl = clock.instant().plus(TOLD_KEEP).getEpochSecond();
        toldByUser.forEach((userId, told) -> {
            var key = ConnectionTable.key(pk, ConnectionTable.PRESENCE_USER_PREFIX + userId);
            if (told == null) {
                requests.add(WriteRequest.builder().deleteRequest(d -> d.key(key)).build());
            } else {
                var item = new HashMap<>(key);
                item.put(ConnectionTable.USER_ID, AttributeValue.fromS(userId));
                item.put(TOLD, AttributeValue.fromM(Map.of(
                        STATUS, AttributeValue.fromS(told.status().wireName()),
                        DEVICES, AttributeValue.fromN(Integer.toString(told.devices())))));
                item.put(ConnectionTable.TTL_ATTRIBUTE, AttributeValue.fromN(Long.toString(ttl)));
                requests.add(WriteRequest.builder().putRequest(p -> p.item(item)).build());
            }
        });
        writer.batchWrite(requests);
    }

    /**
     * One user as a flush sees it.
     *
     * @param now  the user's presence now (null: not present, or every lease lapsed)
     * @param told what the room's members were last told (null: that the user is not there)
     */
    public record UserView(String userId, UserPresence now, UserPresence told) {
    }

    private QueryRequest consistentQuery(String pk) {
        return QueryRequest.builder().tableName(tableName)
                .keyConditionExpression("#pk = :pk")
                .expressionAttributeNames(Map.of("#pk", ConnectionTable.PARTITION_KEY))
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(pk)))
                .consistentRead(true)
                .build();
    }

    private static String toldRoomKey(Room room) {
        return ConnectionTable.presenceToldKey(room);
    }

    private static UserPresence told(String userId, AttributeValue told) {
        if (told == null || !told.hasM()) {
            return null;
        }
        var status = told.m().get(STATUS);
        var devices = told.m().get(DEVICES);
        return new UserPresence(userId,
                status == null ? PresenceStatus.ONLINE : PresenceStatus.parse(status.s()).orElse(PresenceStatus.ONLINE),
                devices == null ? 1 : Integer.parseInt(devices.n()));
    }

    // ---- items --------------------------------------------------------------------------------------

    private static Map<String, AttributeValue> key(Room room, String userId) {
        return ConnectionTable.presenceKey(room, userId);
    }

    private static String entryName(String connectionId) {
        return ENTRY_PREFIX + connectionId;
    }

    private static AttributeValue entryValue(PresenceStatus status, Instant leaseUntil) {
        return AttributeValue.fromM(Map.of(
                STATUS, AttributeValue.fromS(status.wireName()),
                LEASE, AttributeValue.fromN(Long.toString(leaseUntil.getEpochSecond()))));
    }

    private static long lease(AttributeValue entry) {
        var x = entry.m().get(LEASE);
        return x == null ? 0 : Long.parseLong(x.n());
    }

    private Map<String, PresenceStatus> liveEntries(Map<String, AttributeValue> item) {
        long now = clock.instant().getEpochSecond();
        var entries = new HashMap<String, PresenceStatus>();
        if (item != null) {
            item.forEach((name, value) -> {
                if (name.startsWith(ENTRY_PREFIX) && value.hasM() && lease(value) > now) {
                    entries.put(name.substring(ENTRY_PREFIX.length()), status(value));
                }
            });
        }
        return entries;
    }

    private static Map<String, PresenceStatus> allEntries(Map<String, AttributeValue> item) {
        var entries = new HashMap<String, PresenceStatus>();
        if (item != null) {
            item.forEach((name, value) -> {
                if (name.startsWith(ENTRY_PREFIX) && value.hasM()) {
                    entries.put(name.substring(ENTRY_PREFIX.length()), status(value));
                }
            });
        }
        return entries;
    }

    private static PresenceStatus status(AttributeValue entry) {
        var s = entry.m().get(STATUS);
        return s == null ? PresenceStatus.ONLINE : PresenceStatus.parse(s.s()).orElse(PresenceStatus.ONLINE);
    }

    private static UserPresence aggregate(String userId, Map<String, PresenceStatus> entries) {
        return entries.isEmpty() ? null
                : new UserPresence(userId, PresenceStatus.aggregate(entries.values()), entries.size());
    }
}
