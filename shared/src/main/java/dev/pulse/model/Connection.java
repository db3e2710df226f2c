package dev.pulse.model;

import java.time.Instant;

/**
 * One open WebSocket connection as recorded in DynamoDB.
 *
 * @param connectionId API Gateway's opaque connection id
 * @param userId       the authenticated user
 * @param workspaceId  the authenticated tenant
 * @param connectedAt  when {@code $connect} accepted it
 * @param expiresAt    when the record stops counting (TTL): past API Gateway's 2 h maximum, because a
 *                     {@code $disconnect} can be missed
 * @param tokenExpiresAt when the token that opened (or last refreshed) the connection lapses; null if unknown.
 *                       After it, the connection may only send {@code auth.refresh}.
 * @param presenceStatus the status set with {@code presence.update} ({@code online} until then)
 * @param presenceRenewedAt when the connection's presence leases were last renewed; null if never
 */
public record Connection(String connectionId, String userId, String workspaceId, Instant connectedAt, Instant expiresAt,
                         Instant tokenExpiresAt, String presenceStatus, Instant presenceRenewedAt) {
    public static final String INITIAL_PRESENCE_STATUS = "online";

    public Connection {
        if (presenceStatus == null) {
            presenceStatus = INITIAL_PRESENCE_STATUS;
        }
    }

    public Connection(String connectionId, String userId, String workspaceId, Instant connectedAt, Instant expiresAt,
                      Instant tokenExpiresAt) {
        this(connectionId, userId, workspaceId, connectedAt, expiresAt, tokenExpiresAt, null, null);
    }

    public Connection(String connectionId, String userId, String workspaceId, Instant connectedAt, Instant expiresAt) {
        this(connectionId, userId, workspaceId, connectedAt, expiresAt, null);
    }

    public boolean tokenExpired(Instant now) {
        return tokenExpiresAt != null && !now.isBefore(tokenExpiresAt);
    }
}
