package dev.pulse.model;

import java.time.Instant;
import java.util.List;

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
 * @param grants         the room grants of the token that opened it (checked on join in {@code grant} namespaces)
 */
public record Connection(String connectionId, String userId, String workspaceId, Instant connectedAt, Instant expiresAt,
                         Instant tokenExpiresAt, String presenceStatus, Instant presenceRenewedAt, List<RoomGrant> grants) {
    public static final String INITIAL_PRESENCE_STATUS = "online";

    public Connection {
        if (presenceStatus == null) {
            presenceStatus = INITIAL_PRESENCE_STATUS;
        }
        grants = grants == null ? List.of() : List.copyOf(grants);
    }

    /** The connection with a new presence status and lease renewal time. */
    public Connection withPresence(String status, Instant renewedAt) {
        return new Connection(connectionId, userId, workspaceId, connectedAt, expiresAt, tokenExpiresAt, status, renewedAt,
                grants);
    }

    /** The connection after {@code auth.refresh} moved its token's expiry. */
    public Connection withTokenExpiresAt(Instant at) {
        return new Connection(connectionId, userId, workspaceId, connectedAt, expiresAt, at, presenceStatus, presenceRenewedAt,
                grants);
    }

    /** Who the connection is, as its token said (room grants included). */
    public Identity identity() {
        return new Identity(userId, workspaceId, tokenExpiresAt, grants);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Names each field, since four of them are Strings and four Instants side by side. */
    public static final class Builder {
        private String connectionId;
        private String userId;
        private String workspaceId;
        private Instant connectedAt;
        private Instant expiresAt;
        private Instant tokenExpiresAt;
        private String presenceStatus;
        private Instant presenceRenewedAt;
        private List<RoomGrant> grants = List.of();

        private Builder() {
        }

        public Builder connectionId(String connectionId) {
            this.connectionId = connectionId;
            return this;
        }

        public Builder userId(String userId) {
            this.userId = userId;
            return this;
        }

        public Builder workspaceId(String workspaceId) {
            this.workspaceId = workspaceId;
            return this;
        }

        public Builder connectedAt(Instant connectedAt) {
            this.connectedAt = connectedAt;
            return this;
        }

        public Builder expiresAt(Instant expiresAt) {
            this.expiresAt = expiresAt;
            return this;
        }

        public Builder tokenExpiresAt(Instant tokenExpiresAt) {
            this.tokenExpiresAt = tokenExpiresAt;
            return this;
        }

        public Builder presenceStatus(String presenceStatus) {
            this.presenceStatus = presenceStatus;
            return this;
        }

        public Builder presenceRenewedAt(Instant presenceRenewedAt) {
            this.presenceRenewedAt = presenceRenewedAt;
            return this;
        }

        public Builder grants(List<RoomGrant> grants) {
            this.grants = grants;
            return this;
        }

        public Connection build() {
            return new Connection(connectionId, userId, workspaceId, connectedAt, expiresAt, tokenExpiresAt,
                    presenceStatus, presenceRenewedAt, grants);
        }
    }

    public boolean tokenExpired(Instant now) {
        return tokenExpiresAt != null && !now.isBefore(tokenExpiresAt);
    }
}
