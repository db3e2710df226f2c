package dev.pulse.store;

import static dev.pulse.store.EventLogTable.CLAIMED_AT;
import static dev.pulse.store.EventLogTable.CORRELATION_ID;
import static dev.pulse.store.EventLogTable.DATA;
import static dev.pulse.store.EventLogTable.EPOCH;
import static dev.pulse.store.EventLogTable.EVENT;
import static dev.pulse.store.EventLogTable.EVENT_ID;
import static dev.pulse.store.EventLogTable.LAST;
import static dev.pulse.store.EventLogTable.OWNER;
import static dev.pulse.store.EventLogTable.PARTITION_KEY;
import static dev.pulse.store.EventLogTable.PUBLISHED_AT;
import static dev.pulse.store.EventLogTable.SEQ;
import static dev.pulse.store.EventLogTable.SORT_KEY;
import static dev.pulse.store.EventLogTable.TTL_ATTRIBUTE;

import dev.pulse.model.EventContent;
import dev.pulse.model.LoggedEvent;
import dev.pulse.model.Position;
import dev.pulse.model.Room;
import dev.pulse.support.Backoff;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.ReentrantLock;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * The durable per-room event log ({@link EventLogTable}). Every logged event is appended to each target room
 * before it is posted ({@code delivery.Broadcast}), and the append returns its position there, as a broker's
 * publish does; {@code sync.request} reads it back.
 *
 * <p><b>Append, and its cost.</b> One append is one consistent GetItem of the room's head plus one
 * TransactWriteItems of three writes:
 * <ol>
 *   <li>Update the head to {@code last = n+1}, conditioned on {@code last} still being {@code n} (optimistic);</li>
 *   <li>Put the claim {@code id#{eventId}} → {@code n+1}, conditioned on no live claim existing;</li>
 *   <li>Put the event item {@code e#{n+1}}, conditioned on no live item existing.</li>
 * </ol>
 * So: <b>3 item writes (6 WCU, transactional) and 1 strongly consistent read (1 RCU for a small head) per
 * event per room</b>. A plain {@code ADD} on the head followed by a separate put would be one write less
 * per transaction but leaves a permanent hole in the sequence whenever the process dies between the two
 * (or a duplicate delivery allocates before it sees the claim), and a client could then never tell a gap
 * it missed from one that never existed. With the three writes in one transaction the sequence is
 * gap-free by construction, a redelivered event id gets its first sequence back (the claim's condition
 * fails and the claim is read), and a fan-out interrupted midway is completed by the redelivery.
 * Concurrent appends to one room collide on the head's condition and retry with jittered backoff.
 */
public final class EventLog {
    /** Attempts per append before giving up on a very hot room (the Lambda invocation then fails and is retried). */
    static final int MAX_ATTEMPTS = 200;
    /** Short pauses: a lost race on the head costs one round trip, and the winner is already done. */
    private static final Backoff BACKOFF = new Backoff(java.time.Duration.ofMillis(8), java.time.Duration.ofMillis(200));

    private final DynamoDbClient dynamo;
    private final String tableName;
    private final Duration retention;
    private final Clock clock;
    private final ReentrantLock[] locks = new ReentrantLock[64];

    public EventLog(DynamoDbClient dynamo, String tableName, Duration retention, Clock clock) {
        this.dynamo = Objects.requireNonNull(dynamo, "dynamo");
        this.tableName = Objects.requireNonNull(tableName, "tableName");
        this.retention = Objects.requireNonNull(retention, "retention");
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("retention must be positive");
        }
        this.clock = Objects.requireNonNull(clock, "clock");
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new ReentrantLock();
        }
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
     */
    public record Appended(Position position, boolean fresh, String owner, Instant claimedAt) {
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
        Objects.requireNonNull(room, "room");
        Objects.requireNonNull(event, "event");
        // Appends to one room from this process take turns: they would only collide on the head's condition.
        // Other processes (other Lambda environments) still race, and the condition settles that.
        var lock = locks[Math.floorMod(EventLogTable.roomKey(room).hashCode(), locks.length)];
        lock.lock();
        try {
            return appendOnce(room, event, owner);
        } finally {
            lock.unlock();
        }
    }

    /** {@link #appendAll(List, EventContent, String)} without an owner, positions only. */
    public List<Position> appendAll(List<Room> rooms, EventContent event) {
        return appendAll(rooms, event, null).stream().map(Appended::position).toList();
    }

    /**
     * Logs the event in every room at once (one virtual thread per room) and returns the outcomes in the same
     * order, as a broker's publish returns the stream position: the caller delivers only after this returns.
     * If any append fails, the exception propagates (appends are idempotent, so a retry keeps the positions
     * already given).
     */
    public List<Appended> appendAll(List<Room> rooms, EventContent event, String owner) {
        if (rooms.size() == 1) {
            return List.of(append(rooms.get(0), event, owner));
        }
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            var futures = new ArrayList<Future<Appended>>(rooms.size());
            for (Room room : rooms) {
                futures.add(executor.submit(() -> append(room, event, owner)));
            }
            var outcomes = new ArrayList<Appended>(rooms.size());
            for (var future : futures) {
                outcomes.add(future.get());
            }
            return List.copyOf(outcomes);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while logging event " + event.eventId(), e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re
                    : new IllegalStateException("logging event " + event.eventId() + " failed", e.getCause());
        }
    }

    private Appended appendOnce(Room room, EventContent event, String owner) {
        for (int attempt = 1; ; attempt++) {
            Instant now = clock.instant();
            long ttl = now.plus(retention).getEpochSecond();
            Map<String, AttributeValue> observed = getItem(EventLogTable.key(room, EventLogTable.HEAD_SORT_KEY));
            // A missing or expired head starts a new epoch: the room's earlier history (if any) is gone.
            var head = observed == null || !ConnectionTable.isLive(observed, now) ? Optional.<Position>empty() : Optional.of(position(observed));
            long last = head.map(Position::seq).orElse(0L);
            String epoch = head.map(Position::epoch).orElseGet(EventLog::newEpoch);
            long seq = last + 1;

            var names = new HashMap<String, String>(Map.of("#last", LAST, "#epoch", EPOCH, "#ttl", TTL_ATTRIBUTE));
            var values = new HashMap<String, AttributeValue>();
            values.put(":seq", n(seq));
            values.put(":epoch", s(epoch));
            values.put(":ttl", n(ttl));
            String condition;
            if (observed == null) {
                condition = "attribute_not_exists(#pk)";
                names.put("#pk", PARTITION_KEY);
            } else {
                // Exactly the head we read (live or expired): anyone else's append in between cancels ours.
                condition = "#last = :oldLast AND #epoch = :oldEpoch";
                values.put(":oldLast", observed.get(LAST));
                values.put(":oldEpoch", observed.get(EPOCH));
            }
            var updateHead = Update.builder().tableName(tableName)
                    .key(EventLogTable.key(room, EventLogTable.HEAD_SORT_KEY))
                    .updateExpression("SET #last = :seq, #epoch = :epoch, #ttl = :ttl")
                    .conditionExpression(condition)
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(values)
                    .build();

            var claim = new HashMap<String, AttributeValue>(EventLogTable.key(room, EventLogTable.claimSortKey(event.eventId())));
            claim.put(SEQ, n(seq));
            claim.put(EPOCH, s(epoch));
            claim.put(TTL_ATTRIBUTE, n(ttl));
            claim.put(CLAIMED_AT, n(now.toEpochMilli()));
            if (owner != null) {
                claim.put(OWNER, s(owner));
            }

            var item = new HashMap<String, AttributeValue>(EventLogTable.key(room, EventLogTable.eventSortKey(seq)));
            item.put(EPOCH, s(epoch));
            item.put(EVENT_ID, s(event.eventId()));
            item.put(EVENT, s(event.event()));
            item.put(PUBLISHED_AT, n(event.publishedAt().toEpochMilli()));
            if (event.correlationId() != null) {
                item.put(CORRELATION_ID, s(event.correlationId()));
            }
            item.put(DATA, s(event.dataJson()));
            item.put(TTL_ATTRIBUTE, n(ttl));

            var absentOrExpired = Conditions.ABSENT_OR_EXPIRED;
            var absentNames = Map.of("#pk", PARTITION_KEY, "#ttl", TTL_ATTRIBUTE);
            var nowValue = Conditions.nowValues(now);
            try {
                dynamo.transactWriteItems(TransactWriteItemsRequest.builder().transactItems(
                        TransactWriteItem.builder().update(updateHead).build(),
                        TransactWriteItem.builder().put(Put.builder().tableName(tableName).item(claim)
                                .conditionExpression(absentOrExpired)
                                .expressionAttributeNames(absentNames).expressionAttributeValues(nowValue).build()).build(),
                        TransactWriteItem.builder().put(Put.builder().tableName(tableName).item(item)
                                .conditionExpression(absentOrExpired)
                                .expressionAttributeNames(absentNames).expressionAttributeValues(nowValue).build()).build())
                        .build());
                return new Appended(new Position(seq, epoch), true, owner, now);
            } catch (TransactionCanceledException e) {
                if (Conditions.failed(e, 1)) {
                    // Already logged: a redelivery. Its first position stands.
                    var existing = claim(room, event.eventId(), clock.instant());
                    if (existing.isPresent()) {
                        return existing.get();
                    }
                    // The claim expired between our condition and this read: try again as a new event.
                }
                if (attempt >= MAX_ATTEMPTS) {
                    throw new IllegalStateException("could not append to " + room.name() + " after " + attempt
                            + " attempts (contention)", e);
                }
                BACKOFF.pause(attempt);
            }
        }
    }

    /** The room's current head (the last position given out), or empty when the room has no live history. */
    public Optional<Position> head(Room room) {
        return liveHead(room, clock.instant());
    }

    /** The position the event id got in the room, if it is logged there and not expired. */
    public Optional<Position> claimed(Room room, String eventId) {
        return claimed(room, eventId, clock.instant());
    }

    /**
     * Up to {@code limit} live events of the room with a sequence above {@code afterSeq}, in sequence
     * order. Expired items are skipped (so the first event returned may be later than {@code afterSeq + 1}:
     * the caller compares to detect lost history). Reads strongly consistent pages of at most
     * {@code limit} items until it has {@code limit} events or the partition ends.
     */
    public List<LoggedEvent> read(Room room, long afterSeq, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1");
        }
        var now = clock.instant();
        var events = new ArrayList<LoggedEvent>();
        var request = QueryRequest.builder()
                .tableName(tableName)
                .keyConditionExpression("#pk = :pk AND #sk BETWEEN :from AND :to")
                .filterExpression("#ttl > :now")
                .expressionAttributeNames(Map.of("#pk", PARTITION_KEY, "#sk", SORT_KEY, "#ttl", TTL_ATTRIBUTE))
                .expressionAttributeValues(Map.of(
                        ":pk", s(EventLogTable.roomKey(room)),
                        ":from", s(EventLogTable.eventSortKey(afterSeq + 1)),
                        ":to", s(EventLogTable.eventSortKey(Long.MAX_VALUE)),
                        ":now", n(now.getEpochSecond())))
                .consistentRead(true)
                .limit(limit)
                .build();
        for (var page : new Pager(dynamo, request)) {
            for (var item : page.items()) {
                if (events.size() < limit) {
                    events.add(loggedEvent(room, item));
                }
            }
            if (events.size() >= limit) {
                break;
            }
        }
        return events;
    }

    private Optional<Position> liveHead(Room room, Instant now) {
        var head = getItem(EventLogTable.key(room, EventLogTable.HEAD_SORT_KEY));
        if (head == null || !ConnectionTable.isLive(head, now)) {
            return Optional.empty();
        }
        return Optional.of(position(head));
    }

    private static Position position(Map<String, AttributeValue> head) {
        return new Position(Long.parseLong(head.get(LAST).n()), head.get(EPOCH).s());
    }

    private Optional<Position> claimed(Room room, String eventId, Instant now) {
        return claim(room, eventId, now).map(Appended::position);
    }

    private Optional<Appended> claim(Room room, String eventId, Instant now) {
        var claim = getItem(EventLogTable.key(room, EventLogTable.claimSortKey(eventId)));
        if (claim == null || !ConnectionTable.isLive(claim, now)) {
            return Optional.empty();
        }
        var owner = claim.get(OWNER);
        var claimedAt = claim.get(CLAIMED_AT);
        return Optional.of(new Appended(new Position(Long.parseLong(claim.get(SEQ).n()), claim.get(EPOCH).s()), false,
                owner == null ? null : owner.s(),
                claimedAt == null ? Instant.EPOCH : Instant.ofEpochMilli(Long.parseLong(claimedAt.n()))));
    }

    private Map<String, AttributeValue> getItem(Map<String, AttributeValue> key) {
        var item = dynamo.getItem(GetItemRequest.builder().tableName(tableName).key(key).consistentRead(true).build()).item();
        return item == null || item.isEmpty() ? null : item;
    }

    private static LoggedEvent loggedEvent(Room room, Map<String, AttributeValue> item) {
        String sk = item.get(SORT_KEY).s();
        var correlation = item.get(CORRELATION_ID);
        var position = new Position(Long.parseLong(sk.substring(EventLogTable.EVENT_PREFIX.length())), item.get(EPOCH).s());
        // The payload stays JSON text: replay splices it into frames as it was logged.
        return new LoggedEvent(room, position, new EventContent(item.get(EVENT_ID).s(), item.get(EVENT).s(),
                Instant.ofEpochMilli(Long.parseLong(item.get(PUBLISHED_AT).n())),
                correlation == null ? null : correlation.s(), item.get(DATA).s()));
    }

    private static String newEpoch() {
        // Short and unique enough: epochs only need to differ from the room's previous ones.
        return UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
