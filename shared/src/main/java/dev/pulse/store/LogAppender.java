package dev.pulse.store;

import static dev.pulse.store.EventLogTable.PARTITION_KEY;
import static dev.pulse.store.EventLogTable.TTL_ATTRIBUTE;

import dev.pulse.model.EventContent;
import dev.pulse.model.Position;
import dev.pulse.model.Room;
import dev.pulse.support.Backoff;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * The log's writer: a group commit. Appends waiting in this process are written together, one TransactWriteItems for
 * as many rooms and events as fit, each room's waiting events as one run of consecutive sequences; while a room's
 * commit is in flight its next events gather for the one after. Per room in a transaction:
 * <ol>
 *   <li>the head, updated to {@code last = n+k} on the condition that it is still exactly the cached head
 *       ({@link LogHeads}; read only for a room this process does not know), returning the real one if not;</li>
 *   <li>one run item {@code e#{n+1}} holding the k events, on the condition that it is absent or expired;</li>
 *   <li>a claim per event id, in its own partition, on the condition that no live claim exists, returning the
 *       existing claim if there is one (a redelivery: it gets its first position back and is not logged again).</li>
 * </ol>
 * All of it commits or none: the sequence has no holes by construction, a redelivery is idempotent, and a writer with
 * a stale head loses only that round, learning the real head from the failure. The cost per event falls with the run
 * length k (docs/EVENT-LOG.md has the arithmetic).
 */
final class LogAppender {
    /** TransactWriteItems' limits: 100 actions, 4 MB; a run item stays well under the 400 KB item limit. */
    static final int MAX_ACTIONS = 100;
    static final int MAX_RUN_BYTES = 64 * 1024;
    static final int MAX_TRANSACTION_BYTES = 2 * 1024 * 1024;
    /** Rounds per append before giving up on a very hot room (the invocation then fails and is retried). */
    static final int MAX_ATTEMPTS = 200;
    /** Short pauses: a lost round costs one write, and the winner is already done. */
    private static final Backoff BACKOFF = new Backoff(Duration.ofMillis(4), Duration.ofMillis(200));
    private static final String CONDITION_FAILED = "ConditionalCheckFailed";
    private static final String CONFLICT = "TransactionConflict";
    private static final String NONE = "None";

    /** One waiting append; {@code repeats} are the same event id in the same room, answered by this one's outcome. */
    private record Waiting(Room room, EventContent event, String owner, String mark,
                           CompletableFuture<EventLog.Appended> result,
                           List<CompletableFuture<EventLog.Appended>> repeats) {
        void complete(EventLog.Appended appended) {
            result.complete(appended);
            var repeat = new EventLog.Appended(appended.position(), false, appended.owner(), appended.claimedAt(),
                    appended.mark());
            repeats.forEach(r -> r.complete(repeat));
        }

        void fail(Throwable failure) {
            result.completeExceptionally(failure);
            repeats.forEach(r -> r.completeExceptionally(failure));
        }
    }

    /** A room's part of one commit: its events in the order they will be numbered. */
    private record Run(Room room, String roomKey, List<Waiting> events) {
    }

    private final DynamoDbClient dynamo;
    private final String tableName;
    private final Duration retention;
    private final Clock clock;
    private final LogHeads heads;
    private final int maxCommits;
    private final ExecutorService commits = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("pulse-log-commit-", 0).factory());

    private final Object lock = new Object();
    private final LinkedHashMap<String, ArrayDeque<Waiting>> waiting = new LinkedHashMap<>();
    private final Set<String> committing = new HashSet<>();
    /** Open gates: while any is, no commit starts (their batches' events are still arriving). */
    private final Set<AppendGate> gates = new HashSet<>();
    private int inFlight;

    LogAppender(DynamoDbClient dynamo, String tableName, Duration retention, Clock clock, LogHeads heads,
                int maxCommits) {
        this.dynamo = dynamo;
        this.tableName = tableName;
        this.retention = retention;
        this.clock = clock;
        this.heads = heads;
        this.maxCommits = maxCommits;
    }

    CompletableFuture<EventLog.Appended> append(Room room, EventContent event, String owner, String mark) {
        var entry = new Waiting(room, event, owner, mark, new CompletableFuture<>(), new ArrayList<>());
        synchronized (lock) {
            waiting.computeIfAbsent(EventLogTable.roomKey(room), k -> new ArrayDeque<>()).add(entry);
        }
        startCommits();
        return entry.result();
    }

    int waiting() {
        synchronized (lock) {
            return waiting.values().stream().mapToInt(ArrayDeque::size).sum();
        }
    }

    /** A gate held until {@code parties} arrive: see {@link AppendGate}. */
    AppendGate gate(int parties) {
        var gate = new AppendGate(this, parties);
        if (gate.holding()) {
            synchronized (lock) {
                gates.add(gate);
            }
        }
        return gate;
    }

    /** The gate let go: the appends it held start committing. */
    void released(AppendGate gate) {
        synchronized (lock) {
            gates.remove(gate);
        }
        startCommits();
    }

    /** Starts commits while there is work for rooms not already committing and a commit slot is free. */
    private void startCommits() {
        while (true) {
            List<Run> runs;
            synchronized (lock) {
                if (inFlight >= maxCommits || !gates.isEmpty()) {
                    return;
                }
                runs = takeRuns();
                if (runs.isEmpty()) {
                    return;
                }
                inFlight++;
            }
            commits.execute(() -> {
                try {
                    commit(runs);
                } finally {
                    synchronized (lock) {
                        inFlight--;
                        runs.forEach(run -> committing.remove(run.roomKey()));
                    }
                    startCommits();
                }
            });
        }
    }

    /** Under the lock: the next transaction's runs, rooms in the order they started waiting, within the limits. */
    private List<Run> takeRuns() {
        var runs = new ArrayList<Run>();
        int actions = 0;
        int bytes = 0;
        var rotate = new ArrayList<Map.Entry<String, ArrayDeque<Waiting>>>();
        var rooms = waiting.entrySet().iterator();
        while (rooms.hasNext() && actions + 3 <= MAX_ACTIONS) {
            var entry = rooms.next();
            if (committing.contains(entry.getKey())) {
                continue;
            }
            var queue = entry.getValue();
            var events = new ArrayList<Waiting>();
            var byId = new HashMap<String, Waiting>();
            int runBytes = LogItems.ITEM_OVERHEAD_BYTES;
            while (!queue.isEmpty() && events.size() < EventLogTable.MAX_EVENTS_PER_ITEM && actions + 2 + events.size() < MAX_ACTIONS) {
                var next = queue.peek();
                var first = byId.get(next.event().eventId());
                if (first != null) { // the same event twice in one run: one claim, one position
                    first.repeats().add(queue.poll().result());
                    continue;
                }
                int size = LogItems.size(next.event());
                if (!events.isEmpty() && (runBytes + size > MAX_RUN_BYTES || bytes + runBytes + size > MAX_TRANSACTION_BYTES)) {
                    break;
                }
                events.add(queue.poll());
                byId.put(next.event().eventId(), next);
                runBytes += size;
            }
            if (events.isEmpty()) {
                if (queue.isEmpty()) {
                    rooms.remove();
                }
                continue;
            }
            runs.add(new Run(events.get(0).room(), entry.getKey(), events));
            committing.add(entry.getKey());
            actions += 2 + events.size();
            bytes += runBytes;
            rooms.remove();
            if (!queue.isEmpty()) {
                rotate.add(entry); // what is left waits behind the other rooms
            }
            if (bytes >= MAX_TRANSACTION_BYTES) {
                break;
            }
        }
        rotate.forEach(entry -> waiting.put(entry.getKey(), entry.getValue()));
        return runs;
    }

    private void commit(List<Run> runs) {
        var open = new ArrayList<>(runs);
        try {
            for (int attempt = 1; !open.isEmpty(); attempt++) {
                boolean contended = round(open);
                if (open.isEmpty()) {
                    return;
                }
                if (attempt >= MAX_ATTEMPTS) {
                    var failure = new IllegalStateException("could not append to " + open.get(0).room().name()
                            + " after " + attempt + " attempts (contention)");
                    open.forEach(run -> run.events().forEach(w -> w.fail(failure)));
                    return;
                }
                if (contended) {
                    BACKOFF.pause(attempt);
                }
            }
        } catch (RuntimeException | Error failure) {
            // Unknown outcome (the write may have landed): read the heads again next time; a retry of these appends
            // finds their claims if it did.
            for (var run : open) {
                heads.forget(run.roomKey());
                run.events().forEach(w -> w.fail(failure));
            }
        }
    }

    /**
     * One transaction for the open runs. Completes what it settles and removes those from {@code open}: everything
     * when it commits; when it is cancelled, the events found already claimed (redeliveries). Runs left open are
     * retried against what the failure taught. Returns whether another writer was in the way (worth a pause).
     */
    private boolean round(List<Run> open) {
        readUnknownHeads(open);
        Instant now = clock.instant();
        long ttl = now.plus(retention).getEpochSecond();
        var items = new ArrayList<TransactWriteItem>();
        var firstSeqs = new ArrayList<Long>();
        var epochs = new ArrayList<String>();
        for (var run : open) {
            // Unknown here only if just evicted: then the write assumes no head, and a head that exists fails it.
            var known = heads.get(run.roomKey());
            var cached = known == null ? null : known.orElse(null);
            // A missing or expired head starts a new epoch: the room's earlier history (if any) is gone.
            boolean continues = cached != null && cached.liveAt(now);
            long first = continues ? cached.last() + 1 : 1;
            String epoch = continues ? cached.epoch() : newEpoch();
            firstSeqs.add(first);
            epochs.add(epoch);
            items.add(TransactWriteItem.builder().update(headUpdate(run.room(), cached, first + run.events().size() - 1,
                    epoch, ttl)).build());
            items.add(TransactWriteItem.builder().put(absentOrExpired(LogItems.run(run.room(), first, epoch, ttl,
                    run.events().stream().map(Waiting::event).toList()), now)).build());
            for (int i = 0; i < run.events().size(); i++) {
                var w = run.events().get(i);
                items.add(TransactWriteItem.builder().put(absentOrExpired(LogItems.claim(run.room(), w.event().eventId(),
                        new Position(first + i, epoch), ttl, now, w.owner(), w.mark()), now)).build());
            }
        }
        try {
            dynamo.transactWriteItems(b -> b.transactItems(items));
        } catch (TransactionCanceledException e) {
            return settleCancelled(open, e, now);
        }
        for (int r = 0; r < open.size(); r++) {
            var run = open.get(r);
            long first = firstSeqs.get(r);
            heads.put(run.roomKey(), new LogHead(first + run.events().size() - 1, epochs.get(r), ttl));
            for (int i = 0; i < run.events().size(); i++) {
                var w = run.events().get(i);
                w.complete(new EventLog.Appended(new Position(first + i, epochs.get(r)), true, w.owner(), now,
                        w.mark()));
            }
        }
        open.clear();
        return false;
    }

    /** Reads why each action failed: new heads into the cache, redeliveries answered; anything else is rethrown. */
    private boolean settleCancelled(List<Run> open, TransactionCanceledException e, Instant now) {
        var reasons = e.cancellationReasons();
        if (reasons == null || reasons.isEmpty()) {
            throw e;
        }
        boolean contended = false;
        int index = 0;
        var settled = new ArrayList<Run>();
        for (var run : open) {
            var head = reasons.get(index++);
            var runItem = reasons.get(index++);
            if (failed(head)) {
                // Another writer moved the head (or it expired and was deleted): the failure carries the real one.
                // (The run item's condition then usually fails too: that writer's events hold the key.)
                heads.put(run.roomKey(), head.hasItem() && !head.item().isEmpty() ? LogHead.of(head.item()) : null);
                contended = true;
            } else if (failed(runItem)) {
                heads.forget(run.roomKey()); // the head and the items disagree: read the head again
                contended = true;
            }
            contended |= conflicted(head) || conflicted(runItem);
            var left = new ArrayList<Waiting>();
            for (var w : run.events()) {
                var claim = reasons.get(index++);
                if (failed(claim) && claim.hasItem() && !claim.item().isEmpty()
                        && ConnectionTable.isLive(claim.item(), now)) {
                    w.complete(LogItems.claimed(claim.item())); // already logged: its first position stands
                } else {
                    contended |= conflicted(claim);
                    left.add(w);
                }
            }
            settled.add(new Run(run.room(), run.roomKey(), left));
        }
        for (var reason : reasons) {
            var code = reason.code();
            if (code != null && !NONE.equals(code) && !CONDITION_FAILED.equals(code) && !CONFLICT.equals(code)) {
                throw e; // throttling, validation: not a race, so not ours to retry here
            }
        }
        open.clear();
        settled.stream().filter(run -> !run.events().isEmpty()).forEach(open::add);
        return contended;
    }

    /** One BatchGetItem (consistent) for the heads of rooms this process does not know yet. */
    private void readUnknownHeads(List<Run> open) {
        var unknown = new LinkedHashMap<String, Room>();
        for (var run : open) {
            if (heads.get(run.roomKey()) == null) {
                unknown.put(run.roomKey(), run.room());
            }
        }
        if (unknown.isEmpty()) {
            return;
        }
        var keys = new ArrayList<Map<String, AttributeValue>>();
        unknown.values().forEach(room -> keys.add(EventLogTable.key(room, EventLogTable.HEAD_SORT_KEY)));
        var found = new HashMap<String, LogHead>();
        for (var item : BatchGets.consistent(dynamo, tableName, keys, BACKOFF)) {
            found.put(item.get(PARTITION_KEY).s(), LogHead.of(item));
        }
        unknown.keySet().forEach(roomKey -> heads.put(roomKey, found.get(roomKey)));
    }

    private Update headUpdate(Room room, LogHead cached, long last, String epoch, long ttl) {
        var names = new HashMap<>(Map.of("#last", EventLogTable.LAST, "#epoch", EventLogTable.EPOCH, "#ttl", TTL_ATTRIBUTE));
        var values = new HashMap<>(Map.of(":last", LogItems.n(last), ":epoch", LogItems.s(epoch), ":ttl", LogItems.n(ttl)));
        String condition;
        if (cached == null) {
            condition = "attribute_not_exists(#pk)";
            names.put("#pk", PARTITION_KEY);
        } else {
            // Exactly the head we know (live or expired): anyone else's append in between cancels ours.
            condition = "#last = :oldLast AND #epoch = :oldEpoch";
            values.put(":oldLast", LogItems.n(cached.last()));
            values.put(":oldEpoch", LogItems.s(cached.epoch()));
        }
        return Update.builder().tableName(tableName)
                .key(EventLogTable.key(room, EventLogTable.HEAD_SORT_KEY))
                .updateExpression("SET #last = :last, #epoch = :epoch, #ttl = :ttl")
                .conditionExpression(condition)
                .expressionAttributeNames(names)
                .expressionAttributeValues(values)
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                .build();
    }

    private Put absentOrExpired(Map<String, AttributeValue> item, Instant now) {
        return Put.builder().tableName(tableName).item(item)
                .conditionExpression(Conditions.ABSENT_OR_EXPIRED)
                .expressionAttributeNames(Map.of("#pk", PARTITION_KEY, "#ttl", TTL_ATTRIBUTE))
                .expressionAttributeValues(Conditions.nowValues(now))
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                .build();
    }

    private static boolean failed(CancellationReason reason) {
        return CONDITION_FAILED.equals(reason.code());
    }

    private static boolean conflicted(CancellationReason reason) {
        return CONFLICT.equals(reason.code());
    }

    private static String newEpoch() {
        // Short and unique enough: epochs only need to differ from the room's previous ones.
        return UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }
}
