package dev.pulse.room;

import dev.pulse.delivery.Broadcast;
import dev.pulse.delivery.DeliveryReport;
import dev.pulse.model.EventEnvelope;

/**
 * A published event's way to its clients (the fan-out function's use case, after the intake admitted it): logged
 * and delivered to its target rooms once ({@link Broadcast#onceOnly}: EventBridge delivers at least once), then
 * the connections found gone on the way leave their rooms for the {@link MembershipListener} (presence), once the
 * delivery is over.
 */
public final class EventDelivery {
    private final Broadcast broadcast;
    private final MembershipListener listener;

    public EventDelivery(Broadcast broadcast, MembershipListener listener) {
        this.broadcast = broadcast;
        this.listener = listener;
    }

    /**
     * @param deliveryId the same on every retry of one delivery (the EventBridge event id), or null: with it a
     *                   repeat can tell its own earlier attempt from a second delivery of the event
     */
    public DeliveryReport deliver(EventEnvelope event, String deliveryId) {
        var report = broadcast.onceOnly(event.workspaceId(), event.rooms(), event.content(), event.exceptConnectionId(),
                deliveryId);
        report.pruned().forEach(listener::closed);
        return report;
    }
}
