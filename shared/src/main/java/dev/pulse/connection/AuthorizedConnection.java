package dev.pulse.connection;

import dev.pulse.auth.AuthorizerContext;
import dev.pulse.model.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * A connection as a route's {@code requestContext.authorizer} describes it, so {@code $default} need not read its record:
 * who it is and its grants from the REQUEST authorizer, when it connected from API Gateway's {@code connectedAt}. Its
 * presence leases count from the authorizer's check (the moment {@code $connect} recorded them, give or take the
 * invocation); its presence status is not known here, so actions that need it read the record.
 */
public final class AuthorizedConnection {
    private AuthorizedConnection() {
    }

    /**
     * @param connectedAtMillis API Gateway's {@code requestContext.connectedAt}, or null
     * @param authorizer        {@code requestContext.authorizer}, or null
     * @param ttl               how long a connection record counts (the record's {@code expiresAt})
     * @return empty when the context is missing or not complete (then the record is read as without an authorizer)
     */
    public static Optional<Connection> of(String connectionId, Long connectedAtMillis, Map<String, Object> authorizer,
                                          Duration ttl) {
        var identity = AuthorizerContext.identity(authorizer);
        var authorizedAt = AuthorizerContext.authorizedAt(authorizer);
        if (identity.isEmpty() || authorizedAt.isEmpty()) {
            return Optional.empty();
        }
        Instant connectedAt = connectedAtMillis == null ? authorizedAt.get() : Instant.ofEpochMilli(connectedAtMillis);
        return Optional.of(Connection.builder()
                .connectionId(connectionId)
                .userId(identity.get().userId())
                .workspaceId(identity.get().workspaceId())
                .connectedAt(connectedAt)
                .expiresAt(connectedAt.plus(ttl))
                .tokenExpiresAt(identity.get().expiresAt())
                .presenceRenewedAt(authorizedAt.get())
                .grants(identity.get().grants())
                .build());
    }
}
