package dev.pulse.room;

import dev.pulse.model.Identity;
import dev.pulse.model.Room;
import java.util.Objects;
import java.util.Optional;

/**
 * The built-in rules: a room must belong to the identity's own workspace (tenants never meet);
 * {@code workspace:<id>} is only the own workspace's room and {@code user:<id>} only the own user's
 * room (they carry private, per-user and per-tenant events); every other namespace is open to anyone in
 * the workspace.
 */
public final class DefaultRoomPolicy implements RoomPolicy {
    public static final String WORKSPACE_NAMESPACE = Room.WORKSPACE_NAMESPACE;
    public static final String USER_NAMESPACE = Room.USER_NAMESPACE;

    @Override
    public Optional<String> denial(Identity who, Room room) {
        Objects.requireNonNull(who, "who");
        Objects.requireNonNull(room, "room");
        if (!room.workspaceId().equals(who.workspaceId())) {
            return Optional.of("room " + room.name() + " belongs to another workspace");
        }
        return switch (room.namespace()) {
            case WORKSPACE_NAMESPACE -> room.id().equals(who.workspaceId())
                    ? Optional.empty()
                    : Optional.of("only the room of your own workspace can be joined, not " + room.name());
            case USER_NAMESPACE -> room.id().equals(who.userId())
                    ? Optional.empty()
                    : Optional.of("only your own user room can be joined, not " + room.name());
            default -> Optional.empty();
        };
    }
}
