package dev.pulse.delivery;

import dev.pulse.model.EventContent;
import dev.pulse.model.Position;
import dev.pulse.model.Room;
import dev.pulse.store.ConnectionStore;
import dev.pulse.store.DeliveryMarks;
import dev.pulse.store.EventLog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import dev.pulse.support.log.LogField;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one event to resolved rooms, in three steps that never call back into their caller: log it in every room
 * first (the log's append returns the positions), hand it to the {@link FanOut}, then prune the connections that
 * answered 410. The pruned connections come back in the report; telling presence about them is the caller's job,
 * after this returns.
 *
 * <p>If an append fails, nothing is posted and the exception propagates, so EventBridge retries the whole delivery;
 * appends are idempotent by event id, so a retried or redelivered event keeps its positions and a delivery
 * interrupted midway is completed by the redelivery (clients drop the repeats by eventId).
 */
public final class Broadcast {
    private static final Logger LOG = LoggerFactory.getLogger(Broadcast.class);

    /**
     * How long a published event's first delivery may still be running when a second delivery of it arrives: the
     * fan-out function's timeout (60 s). Within it the second one leaves the posts to the first (whose own retries,
     * which carry the same delivery id, complete it); after it, the first is taken as dead and the second delivers.
     */
    public static final Duration IN_FLIGHT_LEASE = Duration.ofSeconds(60);

    private final EventLog log;
    private final DeliveryMarks marks;
    private final FanOut fanOut;
    private final GonePruner pruner;
    private final Clock clock;

    /**
     * @param log   where logged events get their positions; null delivers everything without positions
     * @param marks which published events were delivered to the end; null turns once-only delivery off
     */
    public Broadcast(EventLog log, DeliveryMarks marks, FanOut fanOut, ConnectionStore connections, Clock clock) {
        this.log = log;
        this.marks = marks;
        this.fanOut = fanOut;
        this.pruner = new GonePruner(connections);
        this.clock = clock;
    }

    /**
     * A published event, which EventBridge delivers at least once (and a publisher may send twice): logged, then
     * posted at most once to completion. A repeat whose first delivery completed posts nothing; a repeat that finds
     * the first one interrupted (by its own retry, or after {@link #IN_FLIGHT_LEASE}) completes it; a second
     * delivery while the first is still running leaves it to the first.
     *
     * @param deliveryId the same on every retry of one delivery (the EventBridge event id), or null
     */
    public DeliveryReport onceOnly(String workspaceId, List<Room> rooms, EventContent content, String exceptConnectionId,
                                   String deliveryId) {
        if (log == null || marks == null) {
            return logged(rooms, content, exceptConnectionId);
        }
        long started = System.nanoTime();
        // In a fan-out batch the claims name the batch's mark, which records the delivery when the batch ends.
        String mark = marks.currentMark();
        var appended = log.appendAll(rooms, content, deliveryId, mark);
        var positions = appended.stream().map(EventLog.Appended::position).toList();
        var repeats = appended.stream().filter(a -> !a.fresh()).toList();
        if (!repeats.isEmpty()) {
            var markedIn = repeats.stream().map(EventLog.Appended::mark).filter(java.util.Objects::nonNull).distinct()
                    .toList();
            if (marks.delivered(workspaceId, content.eventId(), markedIn)) {
                return skipped(rooms, content, positions, started, "delivered before");
            }
            boolean retryOfFirst = deliveryId != null && repeats.stream().allMatch(a -> deliveryId.equals(a.owner()));
            Instant firstClaim = repeats.stream().map(EventLog.Appended::claimedAt).min(Instant::compareTo).orElseThrow();
            if (!retryOfFirst && firstClaim.isAfter(clock.instant().minus(IN_FLIGHT_LEASE))) {
                return skipped(rooms, content, positions, started, "first delivery in flight");
            }
        }
        var report = deliver(new Delivery(rooms, positions, content, exceptConnectionId), started);
        try {
            // The batch's mark only when every claim names it (this delivery logged the event everywhere); a repeat
            // completing an earlier delivery is marked on its own, where the earlier claims' readers also look.
            marks.markDelivered(workspaceId, content.eventId(), repeats.isEmpty() ? mark : null);
        } catch (RuntimeException e) {
            // The posts went out; without the mark a redelivery would post again (at least once, never less).
            LOG.warn("delivery mark failed eventId={} correlationId={}: {}", content.eventId(), content.correlationId(), e.toString());
        }
        return report;
    }

    private DeliveryReport skipped(List<Room> rooms, EventContent content, List<Position> positions, long started,
                                   String why) {
        LOG.info("fanout skipped event={} eventId={} correlationId={} reason={}", content.event(), content.eventId(),
                content.correlationId(), why);
        return new DeliveryReport(content.eventId(), rooms.size(), 0, 0, 0, 0, 0, 0,
                (System.nanoTime() - started) / 1_000_000, positions, List.of(), why);
    }

    /** Logged, then delivered: frames carry seq/epoch and {@code sync.request} can replay the event. */
    public DeliveryReport logged(List<Room> rooms, EventContent content, String exceptConnectionId) {
        long started = System.nanoTime();
        List<Position> positions = log == null ? List.of() : log.appendAll(rooms, content);
        return deliver(new Delivery(rooms, positions, content, exceptConnectionId), started);
    }

    /**
     * Delivered without logging: for ephemeral signals such as typing indicators, which must not be replayed by
     * {@code sync.request} and need no position. Their frames carry no {@code seq}/{@code epoch}.
     */
    public DeliveryReport ephemeral(List<Room> rooms, EventContent content, String exceptConnectionId) {
        return deliver(new Delivery(rooms, List.of(), content, exceptConnectionId), System.nanoTime());
    }

    private DeliveryReport deliver(Delivery delivery, long started) {
        var posted = fanOut.deliver(delivery);
        var content = delivery.content();
        var pruned = pruner.prune(posted.gone(), content.correlationId());
        var report = new DeliveryReport(content.eventId(), delivery.rooms().size(), posted.pages(), posted.recipients(),
                posted.delivered(), posted.gone().size(), posted.failed(), posted.readNanos() / 1_000_000,
                (System.nanoTime() - started) / 1_000_000, delivery.positions(), pruned, null);
        LOG.atInfo().addKeyValue(LogField.CORRELATION_ID, content.correlationId()).addKeyValue(LogField.OUTCOME, "delivered")
                .addKeyValue("event", content.event()).addKeyValue("eventId", content.eventId())
                .addKeyValue("rooms", report.rooms()).addKeyValue("pages", report.pages())
                .addKeyValue("recipients", report.recipients()).addKeyValue("delivered", report.delivered())
                .addKeyValue("gone", report.gone()).addKeyValue("failed", report.failed())
                .addKeyValue("readMs", report.readMillis()).addKeyValue("totalMs", report.totalMillis()).log("fanout");
        return report;
    }
}
