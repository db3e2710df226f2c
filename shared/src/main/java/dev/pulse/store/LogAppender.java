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
 *   <li>one run item {@code e#{ord}#{n+1}} holding the k events, where n is the last sequence of the room's newest run
 *       as this process knows it ({@link LogTips}; read only for a room it does not know), on the condition that no
 *       live run holds that key: two writers continuing the stream from the same run collide on it, and the loser
 *       learns the winner's run from the failure;</li>
 *   <li>a claim per event id, in its own partition, on the condition that no live claim exists, returning the
 *       existing claim if there is one (a redelivery: it gets its first position back and is not logged again);</li>
 *   <li>only when the stream starts (a new room, or its history expired) or is continued within
 *       {@link #EXPIRY_MARGIN_LIMIT} of its end: the head, on the condition that it is still the version read just
 *       before (see {@link #plan}).</li>
 * </ol>
 * All of it commits or none: the sequence has no holes by construction, a redelivery is idempotent, and a writer that
 * is behind loses only that round. The cost per event falls with the run length k (docs/EVENT-LOG.md has the
 * arithmetic).
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
    /**
     * How close to the end of a stream (its newest run's expiry) a writer may continue it without the head. A new
     * stream starts only once the newest run has expired, and a run sent at {@code now} against a tip live beyond the
     * margin lands before that tip expires, so the writer starting the next stream reads the new run and continues it
     * instead: the margin must cover how long a write can take to land and the clocks' skew. DynamoDB applies a request
     * within seconds of receiving it and Lambda's clocks agree within milliseconds; a minute leaves room. Retentions
     * under four minutes (tests) use a quarter of theirs.
     */
    static final Duration EXPIRY_MARGIN_LIMIT = Duration.ofMinutes(1);

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

    /**
     * Where one round writes a room's run: in the stream with this ordinal and epoch, from {@code first}; through the
     * head when {@code head} (the head as read just before) is not null.
     */
    private record Plan(int ordinal, long first, String epoch, LogHead head) {
    }

    private final DynamoDbClient dynamo;
    private final String tableName;
    private final Duration retention;
    private final Clock clock;
    private final LogTips tips;
    private final Duration margin;
    private final int maxCommits;
    private final ExecutorService commits = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("pulse-log-commit-", 0).factory());

    private final Object lock = new Object();
    private final LinkedHashMap<String, ArrayDeque<Waiting>> waiting = new LinkedHashMap<>();
    private final Set<String> committing = new HashSet<>();
    /** Open gates: while any is, no commit starts (their batches' events are still arriving). */
    private final Set<AppendGate> gates = new HashSet<>();
    private int inFlight;

    LogAppender(DynamoDbClient dynamo, String tableName, Duration retention, Clock clock, LogTips tips,
                int maxCommits) {
        this.dynamo = dynamo;
        this.tableName = tableName;
        this.retention = retention;
        this.clock = clock;
        this.tips = tips;
        this.margin = retention.dividedBy(4).compareTo(EXPIRY_MARGIN_LIMIT) < 0 ? retention.dividedBy(4)
                : EXPIRY_MARGIN_LIMIT;
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
            // Unknown outcome (the write may have landed): read the tips again next time; a retry of these appends
            // finds their claims if it did.
            for (var run : open) {
                tips.forget(run.roomKey());
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
        Instant now = clock.instant();
        long ttl = now.plus(retention).getEpochSecond();
        var plans = new ArrayList<Plan>(open.size());
        var items = new ArrayList<TransactWriteItem>();
        for (var run : open) {
            var plan = plan(run, now);
            plans.add(plan);
            if (plan.head() != null) {
                items.add(TransactWriteItem.builder().update(headWrite(run.room(), plan, ttl)).build());
            }
            items.add(TransactWriteItem.builder().put(absentOrExpired(LogItems.run(run.room(), plan.ordinal(),
                    plan.first(), plan.epoch(), ttl, run.events().stream().map(Waiting::event).toList()), now)).build());
            for (int i = 0; i < run.events().size(); i++) {
                var w = run.events().get(i);
                items.add(TransactWriteItem.builder().put(absentOrExpired(LogItems.claim(run.room(), w.event().eventId(),
                        new Position(plan.first() + i, plan.epoch()), ttl, now, w.owner(), w.mark()), now)).build());
            }
        }
        try {
            dynamo.transactWriteItems(b -> b.transactItems(items));
        } catch (TransactionCanceledException e) {
            return settleCancelled(open, plans, e, now);
        }
        for (int r = 0; r < open.size(); r++) {
            var run = open.get(r);
            var plan = plans.get(r);
            tips.put(run.roomKey(), new LogTip(plan.ordinal(), plan.first() + run.events().size() - 1, plan.epoch(), ttl));
            for (int i = 0; i < run.events().size(); i++) {
                var w = run.events().get(i);
                w.complete(new EventLog.Appended(new Position(plan.first() + i, plan.epoch()), true, w.owner(), now,
                        w.mark()));
            }
        }
        open.clear();
        return false;
    }

    /**
     * Where the room's next run goes. The usual case reads nothing: the tip this process knows is live for longer than
     * the margin, so the run continues it and no other stream can start before it lands. Near or past the stream's end
     * (or for a room without one) the round goes through the head, which a writer continuing the stream there and one
     * starting the next both write, on the condition of the version each read: one of them loses. The head is read
     * before the newest run, so a run that lands between the two reads is seen, and one that lands later came from a
     * writer that also wrote the head after this read (or from one that was past the margin, which cannot be).
     */
    private Plan plan(Run run, Instant now) {
        var tip = tips.known(run.roomKey());
        if (tip == null) {
            tip = tips.read(run.room());
        }
        if (tip != null && tip.liveBeyond(now, margin)) {
            return new Plan(tip.ordinal(), tip.last() + 1, tip.epoch(), null);
        }
        var head = LogHead.of(dynamo.getItem(g -> g.tableName(tableName).consistentRead(true)
                .key(EventLogTable.key(run.room(), EventLogTable.HEAD_SORT_KEY))).item());
        tip = tips.read(run.room());
        if (tip != null && tip.liveAt(now)) {
            return new Plan(tip.ordinal(), tip.last() + 1, tip.epoch(), head);
        }
        // The stream ended (its newest run expired) or never began: the next one, keyed above every run that exists,
        // so its runs never land among the expired ones a reverse read would take for the newest.
        int ordinal = Math.max(head.ordinal(), tip == null ? 0 : tip.ordinal()) + 1;
        return new Plan(ordinal, 1, newEpoch(), head);
    }

    /** Reads why each action failed: better tips into the cache, redeliveries answered; anything else is rethrown. */
    private boolean settleCancelled(List<Run> open, List<Plan> plans, TransactionCanceledException e, Instant now) {
        var reasons = e.cancellationReasons();
        if (reasons == null || reasons.isEmpty()) {
            throw e;
        }
        boolean contended = false;
        int index = 0;
        var settled = new ArrayList<Run>();
        for (int r = 0; r < open.size(); r++) {
            var run = open.get(r);
            if (plans.get(r).head() != null) {
                var head = reasons.get(index++);
                if (failed(head)) {
                    tips.forget(run.roomKey()); // another writer started or continued the stream: read it again
                    contended = true;
                }
                contended |= conflicted(head);
            }
            var runItem = reasons.get(index++);
            if (failed(runItem)) {
                // Another writer's run holds the key; the failure carries it, and the stream goes on after it.
                if (runItem.hasItem() && !runItem.item().isEmpty()) {
                    tips.put(run.roomKey(), LogTip.of(runItem.item()));
                } else {
                    tips.forget(run.roomKey());
                }
                contended = true;
            }
            contended |= conflicted(runItem);
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

    /**
     * The head's write in a round that starts or continues a stream near its end: the stream's epoch and ordinal, a new
     * version, on the condition that the head is still the one read (absent, from before versions, or that version).
     */
    private Update headWrite(Room room, Plan plan, long ttl) {
        var seen = plan.head();
        var names = new HashMap<>(Map.of("#ver", EventLogTable.VERSION, "#ord", EventLogTable.ORDINAL,
                "#epoch", EventLogTable.EPOCH, "#ttl", TTL_ATTRIBUTE, "#last", EventLogTable.LAST));
        var values = new HashMap<>(Map.of(":ver", LogItems.n(seen.nextVersion()), ":ord", LogItems.n(plan.ordinal()),
                ":epoch", LogItems.s(plan.epoch()), ":ttl", LogItems.n(ttl)));
        String condition;
        if (!seen.exists()) {
            condition = "attribute_not_exists(#pk)";
            names.put("#pk", PARTITION_KEY);
        } else if (seen.version() == null) {
            condition = "attribute_exists(#pk) AND attribute_not_exists(#ver)";
            names.put("#pk", PARTITION_KEY);
        } else {
            condition = "#ver = :seen";
            values.put(":seen", LogItems.n(seen.version()));
        }
        return Update.builder().tableName(tableName)
                .key(EventLogTable.key(room, EventLogTable.HEAD_SORT_KEY))
                // A head from before ordinals also held the last sequence; the runs say that now.
                .updateExpression("SET #ver = :ver, #ord = :ord, #epoch = :epoch, #ttl = :ttl REMOVE #last")
                .conditionExpression(condition)
                .expressionAttributeNames(names)
                .expressionAttributeValues(values)
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
