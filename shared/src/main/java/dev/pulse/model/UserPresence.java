package dev.pulse.model;

/**
 * One user's presence in a room, aggregated over its connections.
 *
 * @param devices how many of the user's connections are present in the room
 */
public record UserPresence(String userId, PresenceStatus status, int devices) {
}
