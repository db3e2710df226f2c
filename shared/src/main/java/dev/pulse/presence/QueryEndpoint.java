package dev.pulse.presence;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pulse.model.Room;
import dev.pulse.protocol.Json;
import java.util.Map;

/**
 * The query API's HTTP side, the same behind API Gateway (an IAM-authorised route: only callers whose IAM policy allows
 * {@code execute-api:Invoke} on it get here) and the local runtime (which checks the SigV4 signature itself):
 * <ul>
 *   <li>{@code GET /rooms/members?workspaceId=…&room=…}: {@code {"workspaceId","room","connections","users"}}</li>
 *   <li>{@code GET /rooms/presence?workspaceId=…&room=…}: {@code {"workspaceId","room","onlineCount","users":[…],
 *       "truncated"}}, the shape of a {@code presence.list} reply</li>
 * </ul>
 * A missing or invalid workspace or room is {@code 400 invalid_request}, presence of a room without presence
 * {@code 400 not_presence_room}, another path {@code 404 not_found}, another method {@code 405}.
 */
public final class QueryEndpoint {
    public static final String MEMBERS_PATH = "/rooms/members";
    public static final String PRESENCE_PATH = "/rooms/presence";

    /** An HTTP answer: status and JSON body. */
    public record Answer(int status, String body) {
    }

    private final RoomQueries queries;

    public QueryEndpoint(RoomQueries queries) {
        this.queries = queries;
    }

    /**
     * @param method the HTTP method
     * @param path   the request path, without the stage
     * @param query  the query string's parameters (single values), or null
     */
    public Answer handle(String method, String path, Map<String, String> query) {
        if (!MEMBERS_PATH.equals(path) && !PRESENCE_PATH.equals(path)) {
            return error(404, "not_found", "no query at " + path + "; ask " + MEMBERS_PATH + " or " + PRESENCE_PATH);
        }
        if (!"GET".equals(method)) {
            return error(405, "method_not_allowed", path + " answers GET only");
        }
        String workspaceId = query == null ? null : query.get("workspaceId");
        String name = query == null ? null : query.get("room");
        if (workspaceId == null || !Room.isValidId(workspaceId)) {
            return error(400, "invalid_request", "workspaceId must be a valid id (1 to " + Room.MAX_ID_LENGTH + " of "
                    + Room.ID_CHARACTERS + ")");
        }
        if (name == null || !Room.isValidName(name)) {
            return error(400, "invalid_request", "room must be a room name, <namespace>:<id>");
        }
        var room = new Room(workspaceId, name);
        var answer = Json.object().put("workspaceId", workspaceId).put("room", name);
        if (MEMBERS_PATH.equals(path)) {
            var members = queries.members(room);
            return ok(answer.put("connections", members.connections()).put("users", members.users()));
        }
        if (!queries.keepsPresence(room)) {
            return error(400, "not_presence_room", name + " keeps no presence (its namespace is not a presence namespace)");
        }
        var snapshot = queries.present(room);
        var users = answer.put("onlineCount", snapshot.users().size()).putArray("users");
        snapshot.users().forEach(user -> users.addObject()
                .put("userId", user.userId())
                .put("status", user.status().wireName())
                .put("devices", user.devices()));
        return ok(answer.put("truncated", snapshot.truncated()));
    }

    private static Answer ok(ObjectNode body) {
        return new Answer(200, body.toString());
    }

    private static Answer error(int status, String code, String message) {
        var body = Json.object();
        body.putObject("error").put("code", code).put("message", message);
        return new Answer(status, body.toString());
    }
}
