package dev.pulse.model;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A room inside one workspace. Rooms are always scoped by workspace: {@code chat:42} of workspace A and
 * {@code chat:42} of workspace B are different rooms, so no room name can reach across tenants.
 *
 * <p>Names are {@code <namespace>:<id>}, e.g. {@code workspace:w1}, {@code user:u7}, {@code chat:42}.
 *
 * @param workspaceId the tenant the room belongs to
 * @param name        the room name clients see, e.g. {@code chat:42}
 */
public record Room(String workspaceId, String name) {

    /**
     * The characters of an id (a room's id part, a user id, a workspace id): what ids usually hold, uuids, slugs,
     * emails, and {@code |} for identity providers' user ids such as Auth0's {@code auth0|64f…}. Never {@code #}
     * or {@code /}, which the table's keys and the API's paths use as separators, and no whitespace.
     */
    public static final String ID_CHARACTERS = "A-Za-z0-9_.@:=+|-";
    /** The longest id. */
    public static final int MAX_ID_LENGTH = 128;
    private static final Pattern ID = Pattern.compile("[" + ID_CHARACTERS + "]{1," + MAX_ID_LENGTH + "}");
    /** Namespace, a colon, then an id. */
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]{0,31}:[" + ID_CHARACTERS + "]{1," + MAX_ID_LENGTH + "}");

    public Room {
        Objects.requireNonNull(workspaceId, "workspaceId");
        Objects.requireNonNull(name, "name");
        if (!isValidName(name)) {
            throw new IllegalArgumentException("invalid room name: " + name);
        }
    }

    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /** Whether the text is exactly a valid id, as user and workspace ids must be (they name rooms). */
    public static boolean isValidId(String id) {
        return id != null && ID.matcher(id).matches();
    }

    /** The namespace of each workspace's own room, {@code workspace:<workspaceId>}. */
    public static final String WORKSPACE_NAMESPACE = "workspace";
    /** The namespace of each user's own room, {@code user:<userId>}. */
    public static final String USER_NAMESPACE = "user";

    public static Room workspace(String workspaceId) {
        return new Room(workspaceId, WORKSPACE_NAMESPACE + ":" + workspaceId);
    }

    public static Room user(String workspaceId, String userId) {
        return new Room(workspaceId, USER_NAMESPACE + ":" + userId);
    }

    /** The part before the first colon, e.g. {@code chat}. */
    public String namespace() {
        return name.substring(0, name.indexOf(':'));
    }

    /** The part after the first colon, e.g. {@code 42}. */
    public String id() {
        return name.substring(name.indexOf(':') + 1);
    }
}
