package dev.pulse.delivery;

import dev.pulse.model.ClosedConnection;
import dev.pulse.model.EventContent;
import dev.pulse.model.Position;
import dev.pulse.model.Room;
import dev.pulse.store.ConnectionStore;
import dev.pulse.store.EventLog;
import java.util.ArrayList;
import java.util.List;
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

    private final EventLog log;
    private final FanOut fanOut;
    private final ConnectionStore connections;

    /** @param log where logged events get their positions; null delivers everything without positions */
    public Broadcast(EventLog log, FanOut fanOut, ConnectionStore connections) {
        this.log = log;
        this.fanOut = fanOut;
        this.connections = connections;
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
        var pruned = prune(posted.gone(), content.correlationId());
        var report = new DeliveryReport(content.eventId(), delivery.rooms().size(), posted.pages(), posted.recipients(),
                posted.delivered(), posted.gone().size(), posted.failed(), posted.readNanos() / 1_000_000,
                (System.nanoTime() - started) / 1_000_000, delivery.positions(), pruned);
        LOG.info("fanout event={} eventId={} correlationId={} rooms={} pages={} recipients={} delivered={} gone={} failed={} readMs={} totalMs={}",
                content.event(), content.eventId(), content.correlationId(), report.rooms(), report.pages(),
                report.recipients(), report.delivered(), report.gone(), report.failed(), report.readMillis(),
                report.totalMillis());
        return report;
    }

    private List<ClosedConnection> prune(List<String> gone, String correlationId) {
        var pruned = new ArrayList<ClosedConnection>();
        for (String connectionId : gone) {
            try {
                var closed = connections.closeGone(connectionId);
                if (closed.isEmpty()) {
                    LOG.info("gone connection {} kept: it is still connecting (correlationId={})", connectionId, correlationId);
                } else {
                    pruned.add(closed.get());
                }
            } catch (RuntimeException e) {
                // Not fatal: the records expire by TTL and the next delivery tries again.
                LOG.warn("prune of gone connection {} failed (correlationId={}): {}", connectionId, correlationId, e.toString());
            }
        }
        return pruned;
    }
}
