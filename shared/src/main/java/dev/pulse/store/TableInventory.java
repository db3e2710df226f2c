package dev.pulse.store;

import dev.pulse.model.Connection;
import dev.pulse.model.LoggedEvent;
import dev.pulse.model.Room;
import dev.pulse.model.UserPresence;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

/**
 * Everything the two tables hold right now, read by full Scans: the connections with their rooms, the rooms with their
 * members and presence, and the latest logged events with their positions. For the local admin page only: a Scan reads
 * (and bills) the whole table, which is nothing on DynamoDB Local and never acceptable on a deployed path, where
 * every read is a Query on one partition. Expired items are left out, as every other read does.
 */
public final class TableInventory {
    /** One live connection and the rooms it is in (sorted by workspace, then name). */
    public record ConnectionEntry(Connection connection, List<Room> rooms) {
        public ConnectionEntry {
            rooms = List.copyOf(rooms);
        }
    }

    /** One member of a room: a connection and its user. */
    public record MemberEntry(String connectionId, String userId) {
    }

    /** One room with live members, and its presence (empty unless it is a presence room with users present). */
    public record RoomEntry(Room room, List<MemberEntry> members, List<UserPresence> presence) {
        public RoomEntry {
            members = List.copyOf(members);
            presence = List.copyOf(presence);
        }
    }

    /** What the connections table holds: connections by when they connected, rooms by workspace and name. */
    public record Snapshot(List<ConnectionEntry> connections, List<RoomEntry> rooms) {
        public Snapshot {
            connections = List.copyOf(connections);
            rooms = List.copyOf(rooms);
        }
    }

    private static final Comparator<Room> ROOM_ORDER = Comparator.comparing(Room::workspaceId).thenComparing(Room::name);

    private final DynamoDbClient dynamo;
    private final String connectionsTable;
    private final String eventsTable;
    private final PresenceStore presence;
    private final Clock clock;

    public TableInventory(DynamoDbClient dynamo, String connectionsTable, String eventsTable, Clock clock) {
        this.dynamo = Objects.requireNonNull(dynamo, "dynamo");
        this.connectionsTable = ConnectionTable.requireText(connectionsTable, "connectionsTable");
        this.eventsTable = ConnectionTable.requireText(eventsTable, "eventsTable");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.presence = new PresenceStore(dynamo, connectionsTable, clock);
    }

    /**
     * The live connections and rooms, from one Scan of the connections table (and one presence Query per room). A
     * room's presence lists at most {@code maxPresenceUsers} users.
     */
    public Snapshot connectionsAndRooms(int maxPresenceUsers) {
        Instant now = clock.instant();
        var connections = new LinkedHashMap<String, Connection>();
        var roomsOf = new TreeMap<String, List<Room>>();
        var members = new TreeMap<Room, List<MemberEntry>>(ROOM_ORDER);
        scan(connectionsTable, item -> {
            if (!ConnectionTable.isLive(item, now)) {
                return;
            }
            String pk = item.get(ConnectionTable.PARTITION_KEY).s();
            String sk = item.get(ConnectionTable.SORT_KEY).s();
            if (pk.startsWith(ConnectionTable.CONNECTION_PREFIX) && sk.equals(ConnectionTable.META_SORT_KEY)) {
                String id = pk.substring(ConnectionTable.CONNECTION_PREFIX.length());
                connections.put(id, ConnectionTable.connectionOf(id, item));
            } else if (pk.startsWith(ConnectionTable.CONNECTION_PREFIX) && sk.startsWith(ConnectionTable.ROOM_PREFIX)) {
                roomsOf.computeIfAbsent(pk.substring(ConnectionTable.CONNECTION_PREFIX.length()), k -> new ArrayList<>())
                        .add(ConnectionTable.roomOf(item));
            } else if (pk.startsWith(ConnectionTable.ROOM_PREFIX) && sk.startsWith(ConnectionTable.CONNECTION_PREFIX)) {
                members.computeIfAbsent(roomOfKey(pk), k -> new ArrayList<>()).add(new MemberEntry(
                        item.get(ConnectionTable.CONNECTION_ID).s(), item.get(ConnectionTable.USER_ID).s()));
            }
        });
        var connectionEntries = new ArrayList<ConnectionEntry>();
        for (Connection c : connections.values()) {
            var rooms = new ArrayList<>(roomsOf.getOrDefault(c.connectionId(), List.of()));
            rooms.sort(ROOM_ORDER);
            connectionEntries.add(new ConnectionEntry(c, rooms));
        }
        connectionEntries.sort(Comparator.comparing((ConnectionEntry e) -> e.connection().connectedAt())
                .thenComparing(e -> e.connection().connectionId()));
        var roomEntries = new ArrayList<RoomEntry>();
        members.forEach((room, list) -> {
            list.sort(Comparator.comparing(MemberEntry::userId).thenComparing(MemberEntry::connectionId));
            roomEntries.add(new RoomEntry(room, list, presence.list(room, maxPresenceUsers).users()));
        });
        return new Snapshot(connectionEntries, roomEntries);
    }

    /** The latest {@code limit} live logged events over every room, newest first (by publishedAt, then seq). */
    public List<LoggedEvent> latestEvents(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1");
        }
        Instant now = clock.instant();
        var events = new ArrayList<LoggedEvent>();
        scan(eventsTable, item -> {
            String pk = item.get(EventLogTable.PARTITION_KEY).s();
            String sk = item.get(EventLogTable.SORT_KEY).s();
            if (pk.startsWith(ConnectionTable.ROOM_PREFIX) && sk.startsWith(EventLogTable.EVENT_PREFIX)
                    && ConnectionTable.isLive(item, now)) {
                events.addAll(LogItems.events(roomOfKey(pk), item));
            }
        });
        events.sort(Comparator.comparing(LoggedEvent::publishedAt).thenComparing(LoggedEvent::seq).reversed());
        return List.copyOf(events.subList(0, Math.min(limit, events.size())));
    }

    /** {@code r#{ws}#{room}}: room names cannot contain {@code #}, so the last one ends the workspace id. */
    private static Room roomOfKey(String pk) {
        String rest = pk.substring(ConnectionTable.ROOM_PREFIX.length());
        int cut = rest.lastIndexOf('#');
        return new Room(rest.substring(0, cut), rest.substring(cut + 1));
    }

    private void scan(String table, Consumer<Map<String, AttributeValue>> each) {
        Map<String, AttributeValue> start = null;
        do {
            var request = ScanRequest.builder().tableName(table).consistentRead(true);
            if (start != null) {
                request.exclusiveStartKey(start);
            }
            var page = dynamo.scan(request.build());
            page.items().forEach(each);
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
    }
}
