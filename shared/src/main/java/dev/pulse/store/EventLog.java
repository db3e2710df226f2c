package dev.pulse.store;

import static dev.pulse.store.EventLogTable.PARTITION_KEY;
import static dev.pulse.store.EventLogTable.SORT_KEY;
import static dev.pulse.store.EventLogTable.TTL_ATTRIBUTE;

import dev.pulse.model.EventContent;
import dev.pulse.model.LoggedEvent;
import dev.pulse.model.Position;
import dev.pulse.model.Room;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

/**
 * The durable per-room event log ({@link EventLogTable}). Every logged event is appended to each target room
 * before it is posted ({@code delivery.Broadcast}), and the append returns its position there, as a broker's
 * publish does; {@code sync.request} reads it back.
 *
 * <p><b>Append, and its cost.</b> Appends waiting in this process are group-committed ({@link LogAppender}): one
 * TransactWriteItems holds, per room, one item with the room's waiting events at consecutive sequences, keyed after
 * the newest run this process knows (so no read comes first, and a writer that is behind collides on the key), and
 * one claim per event id (in a partition of its own). With k events of a room in one commit that is, per event, about
 * 2·⌈k·size/1 KB⌉/k WCU for the run item and 2 for the claim, and no read; the room's own partition carries only the
 * first (docs/EVENT-LOG.md: the arithmetic, and the per-room ceiling it gives on DynamoDB). The room's {@code #head}
 * is written only when a stream starts or is continued close to its end, where two writers could otherwise fork it.
 * A plain counter followed by separate puts would leave a permanent hole whenever the process dies between them, and a
 * client could never tell a gap it missed from one that never existed; in one transaction the sequence is gap-free by
 * construction, a redelivered event id gets its first sequence back (its claim's condition fails and the failure
 * returns the claim), and a fan-out interrupted midway is completed by the redelivery.
 */
public final class EventLog {
    /** Commits in flight at once per process (each for other rooms); the rest gather into the next ones. */
    static final int MAX_COMMITS_IN_FLIGHT = 4;
    /** Rooms whose newest runs (and epochs whose ordinals) a process remembers. */
    static final int CACHED_TIPS = 10_000;

    private final DynamoDbClient dynamo;
    private final String tableName;
    private final Duration retention;
    private final Clock clock;
    private final LogTips tips;
    private final LogAppender appender;

    public EventLog(DynamoDbClient dynamo, String tableName, Duration retention, Clock clock) {
        this(dynamo, tableName, retention, clock, MAX_COMMITS_IN_FLIGHT);
    }

    EventLog(DynamoDbClient dynamo, String tableName, Duration retention, Clock clock, int maxCommits) {
        this.dynamo = Objects.requireNonNull(dynamo, "dynamo");
        this.tableName = Objects.requireNonNull(tableName, "tableName");
        this.retention = Objects.requireNonNull(retention, "retention");
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("retention must be positive");
        }
        this.clock = Objects.requireNonNull(clock, "clock");
        this.tips = new LogTips(dynamo, tableName, CACHED_TIPS);
        this.appender = new LogAppender(dynamo, tableName, retention, clock, tips, maxCommits);
    }

    public Duration retention() {
        return retention;
    }

    /**
     * The outcome of one append.
     *
     * @param position  the event's position in the room
     * @param fresh     true when this call logged it; false when the event id was already logged there
     * @param owner     who logged it first (the delivery id given to that append; null if none was given)
     * @param claimedAt when it was logged first (EPOCH for claims written before this was recorded)
     * @param mark      the batch mark its first append named ({@link DeliveryMarks.Batch}), where that delivery records
     *                  its completion; null when it records it per event
     */
    public record Appended(Position position, boolean fresh, String owner, Instant claimedAt, String mark) {
    }

    /**
     * Logs the event in the room and returns its position there. Appending an event id already logged
     * (and not expired) in the room writes nothing and returns the position it got the first time.
     */
    public Position append(Room room, EventContent event) {
        return append(room, event, null).position();
    }

    /**
     * Like {@link #append(Room, EventContent)}, also recording (on a fresh claim) who appended: the delivery id of
     * a published event (the EventBridge event id, the same on every retry of one delivery), so a repeat can tell
     * a retry of the first delivery from a second delivery of the same event.
     */
    public Appended append(Room room, EventContent event, String owner) {
        return appendAll(List.of(room), event, owner).get(0);
    }

    /** {@link #appendAll(List, EventContent, String)} without an owner, positions only. */
    public List<Position> appendAll(List<Room> rooms, EventContent event) {
        return appendAll(rooms, event, null).stream().map(Appended::position).toList();
    }

    /**
     * Logs the event in every room (in the same commits as whatever else this process is appending) and returns the
     * outcomes in the same order, as a broker's publish returns the stream position: the caller delivers only after
     * this returns. If any append fails, the exception propagates (appends are idempotent, so a retry keeps the
     * positions already given).
     */
    public List<Appended> appendAll(List<Room> rooms, EventContent event, String owner) {
        return appendAll(rooms, event, owner, null);
    }

    /**
     * {@link #appendAll(List, EventContent, String)}, the fresh claims also naming the batch mark that will record the
     * delivery ({@link DeliveryMarks#currentMark}), so a repeat knows where to look.
     */
    public List<Appended> appendAll(List<Room> rooms, EventContent event, String owner, String mark) {
        Objects.requireNonNull(event, "event");
        var futures = new ArrayList<CompletableFuture<Appended>>(rooms.size());
        for (Room room : rooms) {
            futures.add(appender.append(Objects.requireNonNull(room, "room"), event, owner, mark));
        }
        AppendGate.arrived(); // this thread's appends are queued: a batch's gate need not wait for it any more
        var outcomes = new ArrayList<Appended>(rooms.size());
        try {
            for (var future : futures) {
                outcomes.add(future.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while logging event " + event.eventId(), e);
        } catch (ExecutionException | CompletionException e) {
            throw e.getCause() instanceof RuntimeException re ? re
                    : new IllegalStateException("logging event " + event.eventId() + " failed", e.getCause());
        }
        return List.copyOf(outcomes);
    }

    /**
     * Holds this process's commits until {@code parties} threads entering the gate have queued their appends (or
     * ended), so the events of one batch commit together: the fan-out queue's batch entry uses it.
     */
    public AppendGate gate(int parties) {
        return appender.gate(parties);
    }

    /** Appends queued behind commits in flight (for tests that hold a commit). */
    int waitingAppends() {
        return appender.waiting();
    }

    /**
     * The room's current position (the last one given out: its newest run's last event), or empty when the room has no
     * live history. One reverse Query of one item, strongly consistent.
     */
    public Optional<Position> head(Room room) {
        return liveHead(room, clock.instant());
    }

    /** The position the event id got in the room, if it is logged there and not expired. */
    public Optional<Position> claimed(Room room, String eventId) {
        return claimed(room, eventId, clock.instant());
    }

    /**
     * Up to {@code limit} live events of the room's current stream with a sequence above {@code afterSeq}, in sequence
     * order: {@link #read(Room, Position, int)} from the stream the room's newest run is in (one more read, a reverse
     * Query of one item).
     */
    public List<LoggedEvent> read(Room room, long afterSeq, int limit) {
        var tip = tips.read(room);
        return tip == null ? List.of() : read(room, tip.ordinal(), tip.epoch(), afterSeq, limit);
    }

    /**
     * Up to {@code limit} live events of the stream {@code after.epoch()} with a sequence above {@code after.seq()}, in
     * sequence order; none when that epoch is not the room's (or has expired). Expired items are skipped (so the first
     * event returned may be later than {@code afterSeq + 1}: the caller compares to detect lost history). Reads
     * strongly consistent pages of at most {@code limit} items, from the first run item that can hold
     * {@code afterSeq + 1}, until it has {@code limit} events or the stream ends. Knowing the epoch's ordinal (from the
     * head read or an append just before) it reads nothing else.
     */
    public List<LoggedEvent> read(Room room, Position after, int limit) {
        var ordinal = tips.ordinalOf(after.epoch());
        if (ordinal.isEmpty()) {
            var tip = tips.read(room);
            if (tip == null || !tip.epoch().equals(after.epoch())) {
                return List.of();
            }
            ordinal = Optional.of(tip.ordinal());
        }
        return read(room, ordinal.get(), after.epoch(), after.seq(), limit);
    }

    private List<LoggedEvent> read(Room room, int ordinal, String epoch, long afterSeq, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1");
        }
        var now = clock.instant();
        var events = new ArrayList<LoggedEvent>();
        // A run is keyed by its first sequence and holds at most MAX_EVENTS_PER_ITEM: the one holding afterSeq + 1
        // starts no earlier than this.
        long from = Math.max(0, afterSeq + 2 - EventLogTable.MAX_EVENTS_PER_ITEM);
        var request = QueryRequest.builder()
                .tableName(tableName)
                .keyConditionExpression("#pk = :pk AND #sk BETWEEN :from AND :to")
                .filterExpression("#ttl > :now")
                .expressionAttributeNames(Map.of("#pk", PARTITION_KEY, "#sk", SORT_KEY, "#ttl", TTL_ATTRIBUTE))
                .expressionAttributeValues(Map.of(
                        ":pk", AttributeValue.fromS(EventLogTable.roomKey(room)),
                        ":from", AttributeValue.fromS(EventLogTable.eventSortKey(ordinal, from)),
                        ":to", AttributeValue.fromS(EventLogTable.eventSortKeyEnd(ordinal)),
                        ":now", ConnectionTable.nowValue(now)))
                .consistentRead(true)
                .limit(limit + EventLogTable.MAX_EVENTS_PER_ITEM - 1) // the items before afterSeq + 1 count too
                .build();
        for (var page : new Pager(dynamo, request)) {
            for (var item : page.items()) {
                for (var event : LogItems.events(room, item)) {
                    // (the epoch check keeps out an expired stream's leftovers, were they ever in the range)
                    if (event.seq() > afterSeq && events.size() < limit && event.epoch().equals(epoch)) {
                        events.add(event);
                    }
                }
            }
            if (events.size() >= limit) {
                break;
            }
        }
        return events;
    }

    private Optional<Position> liveHead(Room room, Instant now) {
        var tip = tips.read(room);
        return tip == null || !tip.liveAt(now) ? Optional.empty() : Optional.of(tip.position());
    }

    private Optional<Position> claimed(Room room, String eventId, Instant now) {
        var claim = getItem(EventLogTable.claimKey(room, eventId));
        if (claim == null || !ConnectionTable.isLive(claim, now)) {
            return Optional.empty();
        }
        return Optional.of(LogItems.claimed(claim).position());
    }

    private Map<String, AttributeValue> getItem(Map<String, AttributeValue> key) {
        var item = dynamo.getItem(GetItemRequest.builder().tableName(tableName).key(key).consistentRead(true).build()).item();
        return item == null || item.isEmpty() ? null : item;
    }
}
