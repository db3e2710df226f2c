package dev.pulse.connection;

import dev.pulse.support.log.LogField;
import dev.pulse.delivery.ConnectionCloser;
import dev.pulse.delivery.ConnectionSender;
import dev.pulse.protocol.ErrorCode;
import dev.pulse.protocol.ServerFrames;
import dev.pulse.store.ConnectionStore;
import dev.pulse.store.ConnectionTable;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes connections whose token lapsed while they were idle (a busy connection is caught by the action
 * router on its next frame). Runs on a schedule (every minute on AWS); each run reads the token-expiry index
 * for the last few minutes, so a missed run is caught up, and is safe to run twice.
 */
public final class TokenExpirySweeper {
    private static final Logger LOG = LoggerFactory.getLogger(TokenExpirySweeper.class);

    private final ConnectionStore connections;
    private final ConnectionSender sender;
    private final ConnectionCloser closer;
    private final Clock clock;
    private final Duration lookback;

    public TokenExpirySweeper(ConnectionStore connections, ConnectionSender sender, ConnectionCloser closer, Clock clock,
                              Duration lookback) {
        this.connections = connections;
        this.sender = sender;
        this.closer = closer;
        this.clock = clock;
        this.lookback = lookback;
    }

    /** @return how many connections it closed */
    public int sweep() {
        Instant now = clock.instant();
        long last = ConnectionTable.expiryMinute(now);
        long first = ConnectionTable.expiryMinute(now.minus(lookback));
        int closed = 0;
        for (long minute = first; minute <= last; minute++) {
            for (String connectionId : connections.tokenExpiringIn(minute)) {
                var connection = connections.find(connectionId);
                if (connection.isPresent() && !connection.get().tokenExpired(now)) {
                    if (ConnectionTable.expiryMinute(connection.get().tokenExpiresAt()) == minute) {
                        continue; // lapses later this minute: the next run handles it
                    }
                    connections.forgetTokenExpiry(minute, connectionId); // refreshed: its new entry stands
                    continue;
                }
                if (connection.isPresent()) {
                    sender.send(connectionId, ServerFrames.error(ErrorCode.TOKEN_EXPIRED,
                            "the connection's token expired at " + ServerFrames.timestamp(connection.get().tokenExpiresAt())
                                    + " without auth.refresh; reconnect with a new token"));
                    closer.close(connectionId);
                    closed++;
                }
                connections.forgetTokenExpiry(minute, connectionId);
            }
        }
        if (closed > 0) {
            LOG.atInfo().addKeyValue(LogField.OUTCOME, "closed").log("token expiry sweep closed {} connections", closed);
        }
        return closed;
    }
}
