package dev.pulse.model;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Who is on the other end of a connection, as proven by a verified token.
 *
 * @param userId      the user, from the configured user claim (default {@code sub})
 * @param workspaceId the tenant, from the configured workspace claim (default {@code workspaceId})
 * @param expiresAt   when the token lapses ({@code exp}); null when the token has none
 * @param grants      the rooms the token lets it join in namespaces whose access mode is {@code grant}; empty for none
 */
public record Identity(String userId, String workspaceId, Instant expiresAt, List<RoomGrant> grants) {
    public Identity {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(workspaceId, "workspaceId");
        grants = grants == null ? List.of() : List.copyOf(grants);
    }

    /** An identity without room grants. */
    public Identity(String userId, String workspaceId, Instant expiresAt) {
        this(userId, workspaceId, expiresAt, List.of());
    }
}
