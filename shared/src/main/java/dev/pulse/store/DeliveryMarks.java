package dev.pulse.store;

import dev.pulse.support.Backoff;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Which published events were delivered to the end, in the event log table: EventBridge delivers at least once, and
 * the log's claim only says an event was logged, not that its posts went out. Reads happen only when a delivery finds
 * its event already logged (a repeat). Marks live as long as the log keeps the event.
 *
 * <p>Two ways to record a completed delivery:
 * <ul>
 *   <li><b>per event</b> ({@link EventLogTable#deliveredKey}, {@code #done}): one PutItem when the posts are done. The
 *       puts of concurrent deliveries in one process share BatchWriteItem calls (up to 25 each), so this costs a write
 *       unit per event but not a call;</li>
 *   <li><b>per batch</b> ({@link EventLogTable#batchMarkKey}, {@code #batch}): the fan-out queue's batch opens a
 *       {@link Batch}; each of its records runs inside it ({@link Batch#enter}) and names the batch's mark on its fresh
 *       claims ({@link #currentMark}), and its completed deliveries are only noted in memory. When the batch ends
 *       ({@link Batch#close}) one item per workspace (and per {@value #EVENTS_PER_MARK} records) lists them. A batch of
 *       ten events costs one write instead of ten, and no record waits for a write of its own.</li>
 * </ul>
 * A repeat reads the per-event mark and, if its claim names one, the batch mark, in one BatchGetItem. Where a
 * delivery cannot use its batch's mark (it completes an event whose claims name another mark, or none), it is marked
 * per event. Either mark lost (the process dies before writing it) leaves a repeat to post again: at least once, never
 * less.
 */
public final class DeliveryMarks {
    /** BatchWriteItem calls in flight at once; further marks gather for the next ones. */
    static final int MAX_CALLS_IN_FLIGHT = 2;
    /**
     * Records of a batch per batch mark: a mark is one item, and 500 event ids of up to 128 characters stay far below
     * DynamoDB's 400 KB item limit (batches reach 10,000 records with a batching window).
     */
    public static final int EVENTS_PER_MARK = 500;

    private static final Backoff BACKOFF = new Backoff(Duration.ofMillis(10), Duration.ofMillis(200));
    private static final ThreadLocal<Entered> ENTERED = new ThreadLocal<>();

    /** A record running in a batch: the mark its delivery is noted in. */
    private record Entered(Batch batch, String mark) {
    }

    private final DynamoDbClient dynamo;
    private final String tableName;
    private final Duration retention;
    private final Clock clock;
    private final BatchedPuts puts;
    private final TableWriter writer;

    public DeliveryMarks(DynamoDbClient dynamo, String tableName, Duration retention, Clock clock) {
        this.dynamo = Objects.requireNonNull(dynamo, "dynamo");
        this.tableName = ConnectionTable.requireText(tableName, "tableName");
        this.retention = Objects.requireNonNull(retention, "retention");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.writer = new TableWriter(dynamo, tableName);
        this.puts = new BatchedPuts(writer, MAX_CALLS_IN_FLIGHT);
    }

    /** Opens a batch whose records' deliveries are marked together when it closes. */
    public Batch batch() {
        return new Batch();
    }

    /** The mark of the batch this thread's record runs in, to name on its claims; null outside a batch. */
    public String currentMark() {
        var entered = ENTERED.get();
        return entered == null || entered.batch().owner != this ? null : entered.mark();
    }

    /** Whether the event's delivery completed, by its per-event mark (and its marker has not expired). */
    public boolean delivered(String workspaceId, String eventId) {
        return delivered(workspaceId, eventId, List.of());
    }

    /**
     * Whether the event's delivery completed: its per-event mark, or one of the given batch marks (those its claims
     * name) listing it. One consistent read, of every key at once.
     */
    public boolean delivered(String workspaceId, String eventId, List<String> marks) {
        var now = clock.instant();
        if (marks.isEmpty()) {
            var item = dynamo.getItem(b -> b.tableName(tableName).key(EventLogTable.deliveredKey(workspaceId, eventId))
                    .consistentRead(true)).item();
            return item != null && !item.isEmpty() && ConnectionTable.isLive(item, now);
        }
        var keys = new ArrayList<Map<String, AttributeValue>>();
        keys.add(EventLogTable.deliveredKey(workspaceId, eventId));
        new LinkedHashSet<>(marks).forEach(mark -> keys.add(EventLogTable.batchMarkKey(workspaceId, mark)));
        for (var item : BatchGets.consistent(dynamo, tableName, keys, BACKOFF)) {
            var listed = item.get(EventLogTable.MARKED_EVENTS);
            if (ConnectionTable.isLive(item, now) && (EventLogTable.DONE_SORT_KEY.equals(item.get(EventLogTable.SORT_KEY).s())
                    || listed != null && listed.ss().contains(eventId))) {
                return true;
            }
        }
        return false;
    }

    /** Records that the event's delivery completed, per event. */
    public void markDelivered(String workspaceId, String eventId) {
        puts.put(Map.copyOf(done(workspaceId, eventId, clock.instant())));
    }

    /**
     * Records that the event's delivery completed: noted in this thread's batch when its claims name that batch's
     * {@code mark} (written when the batch closes), else per event at once.
     */
    public void markDelivered(String workspaceId, String eventId, String mark) {
        var entered = ENTERED.get();
        if (mark != null && entered != null && entered.batch().owner == this && mark.equals(entered.mark())) {
            entered.batch().note(mark, workspaceId, eventId);
        } else {
            markDelivered(workspaceId, eventId);
        }
    }

    private Map<String, AttributeValue> done(String workspaceId, String eventId, Instant now) {
        var item = new HashMap<>(EventLogTable.deliveredKey(workspaceId, eventId));
        item.put("at", AttributeValue.fromN(Long.toString(now.toEpochMilli())));
        item.put(ConnectionTable.TTL_ATTRIBUTE, AttributeValue.fromN(Long.toString(now.plus(retention).getEpochSecond())));
        return item;
    }

    /**
     * One fan-out batch's marks. Each record runs inside it on its own thread ({@link #enter}); {@link #close}, once
     * every record has ended, writes what they noted, one item per mark and workspace, in BatchWriteItem calls.
     */
    public final class Batch implements AutoCloseable {
        private final DeliveryMarks owner = DeliveryMarks.this;
        private final String id = UUID.randomUUID().toString().replace("-", "").substring(0, 20);
        private final AtomicInteger records = new AtomicInteger();
        /** mark → workspace → event ids, in the order they completed. */
        private final Map<String, Map<String, Set<String>>> noted = new LinkedHashMap<>();
        private boolean closed;

        private Batch() {
        }

        /** Runs one record's work on this thread inside the batch. */
        public <T> T enter(Callable<T> work) throws Exception {
            String mark = id + "." + records.getAndIncrement() / EVENTS_PER_MARK;
            var previous = ENTERED.get();
            ENTERED.set(new Entered(this, mark));
            try {
                return work.call();
            } finally {
                ENTERED.set(previous);
            }
        }

        private synchronized void note(String mark, String workspaceId, String eventId) {
            if (closed) { // a record still running after the batch closed: not lost, marked on its own
                markDelivered(workspaceId, eventId);
                return;
            }
            noted.computeIfAbsent(mark, m -> new LinkedHashMap<>())
                    .computeIfAbsent(workspaceId, w -> new LinkedHashSet<>()).add(eventId);
        }

        /** The events noted so far (for tests). */
        synchronized int noted() {
            return noted.values().stream().flatMap(m -> m.values().stream()).mapToInt(Set::size).sum();
        }

        /** Writes the batch's marks; nothing when no record completed a delivery here. */
        @Override
        public void close() {
            Map<String, Map<String, Set<String>>> marks;
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
                marks = noted;
            }
            var now = clock.instant();
            long ttl = now.plus(retention).getEpochSecond();
            var requests = new ArrayList<WriteRequest>();
            marks.forEach((mark, byWorkspace) -> byWorkspace.forEach((workspace, events) -> {
                var item = new HashMap<>(EventLogTable.batchMarkKey(workspace, mark));
                item.put(EventLogTable.MARKED_EVENTS, AttributeValue.fromSs(List.copyOf(events)));
                item.put("at", AttributeValue.fromN(Long.toString(now.toEpochMilli())));
                item.put(ConnectionTable.TTL_ATTRIBUTE, AttributeValue.fromN(Long.toString(ttl)));
                requests.add(WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build());
            }));
            if (!requests.isEmpty()) {
                writer.batchWrite(requests);
            }
        }
    }
}
