package dev.pulse.delivery;

import dev.pulse.support.log.LogField;

import dev.pulse.model.ClosedConnection;
import dev.pulse.store.ConnectionStore;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes the records of connections that answered 410 Gone, for the fan-out and for the big rooms' workers alike. A
 * connection still inside {@code $connect} is kept (its 410 came too early); a failure to prune is not fatal: the
 * records expire by TTL and the next delivery tries again.
 */
final class GonePruner {
    private static final Logger LOG = LoggerFactory.getLogger(GonePruner.class);

    private final ConnectionStore connections;

    GonePruner(ConnectionStore connections) {
        this.connections = connections;
    }

    /** The connections closed, with the rooms they were in (for presence). */
    List<ClosedConnection> prune(List<String> gone, String correlationId) {
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
                LOG.atWarn().addKeyValue(LogField.OUTCOME, "failed").log("prune of gone connection {} failed (correlationId={}): {}",
                        connectionId, correlationId, e.toString());
            }
        }
        return pruned;
    }
}
