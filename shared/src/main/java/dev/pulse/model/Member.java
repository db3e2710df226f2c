package dev.pulse.model;

/**
 * One connection in a room, as the fan-out needs it: everything to address and filter the connection is
 * on the membership item itself, so delivery never reads per connection.
 */
public record Member(String connectionId, String userId) {
}
