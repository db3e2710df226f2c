package dev.pulse.connection;

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
 */
public record Connection(String connectionId, String userId, String workspaceId, Instant connectedAt, Instant expiresAt) {
}
