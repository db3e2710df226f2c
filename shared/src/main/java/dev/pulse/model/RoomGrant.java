package dev.pulse.model;

import java.util.List;
import java.util.Objects;

/**
 * One entry of a token's room grants (the {@code rooms} claim by default): an exact room name ({@code project:p-9}),
 * a whole namespace ({@code channel:*}) or the rooms of a namespace whose id starts with a prefix
 * ({@code project:p-*}). Grants are read inside the token's workspace, like every room name, so no grant can reach
 * another workspace; they never name {@code user:} or {@code workspace:} rooms, whose rules are fixed.
 *
 * @param namespace the room namespace
 * @param id        the exact id, or the prefix when {@code prefix} is true (empty for the whole namespace)
 * @param prefix    whether {@code id} is a prefix
 */
public record RoomGrant(String namespace, String id, boolean prefix) {
    /** At most this many grants in one token: they are checked on every join, and travel with the connection. */
    public static final int MAX_GRANTS = 100;

    public RoomGrant {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(id, "id");
    }

    /**
     * Reads one grant.
     *
     * @throws IllegalArgumentException naming what is wrong with it
     */
    public static RoomGrant parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("a room grant must be a non-empty string");
        }
        boolean prefix = text.endsWith("*");
        String name = prefix ? text.substring(0, text.length() - 1) : text;
        int colon = name.indexOf(':');
        if (colon < 1) {
            throw new IllegalArgumentException("room grant '" + abbreviate(text) + "' must be <namespace>:<id>, <namespace>:* or <namespace>:<prefix>*");
        }
        String namespace = name.substring(0, colon);
        String id = name.substring(colon + 1);
        boolean validShape = prefix
                ? Room.isValidName(namespace + ":x") && (id.isEmpty() || Room.isValidId(id))
                : Room.isValidName(name);
        if (!validShape) {
            throw new IllegalArgumentException("room grant '" + abbreviate(text) + "' is not a valid room name or pattern");
        }
        if (Room.USER_NAMESPACE.equals(namespace) || Room.WORKSPACE_NAMESPACE.equals(namespace)) {
            throw new IllegalArgumentException("room grant '" + abbreviate(text) + "' names a " + namespace
                    + ": room; those follow fixed rules and cannot be granted");
        }
        return new RoomGrant(namespace, id, prefix);
    }

    /** Reads a list of grants, at most {@link #MAX_GRANTS}. */
    public static List<RoomGrant> parseAll(List<String> texts) {
        if (texts.size() > MAX_GRANTS) {
            throw new IllegalArgumentException("at most " + MAX_GRANTS + " room grants, got " + texts.size());
        }
        return texts.stream().map(RoomGrant::parse).toList();
    }

    public boolean permits(Room room) {
        return room.namespace().equals(namespace) && (prefix ? room.id().startsWith(id) : room.id().equals(id));
    }

    /** Whether any grant of the list permits the room. */
    public static boolean anyPermits(List<RoomGrant> grants, Room room) {
        for (RoomGrant grant : grants) {
            if (grant.permits(room)) {
                return true;
            }
        }
        return false;
    }

    /** The grant as written in a token. */
    @Override
    public String toString() {
        return namespace + ":" + id + (prefix ? "*" : "");
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "…";
    }
}
