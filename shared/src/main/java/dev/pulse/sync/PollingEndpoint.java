package dev.pulse.sync;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pulse.auth.AuthenticationException;
import dev.pulse.auth.TokenVerifier;
import dev.pulse.model.Identity;
import dev.pulse.model.Room;
import dev.pulse.protocol.Json;
import dev.pulse.room.RoomPolicy;
import dev.pulse.store.EventLog;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Locale;
import java.util.Objects;

/**
 * The HTTP polling fallback: the sync query of {@code sync.request}, answered over plain HTTP for clients
 * that cannot hold a WebSocket. {@code POST /sync} with {@code Authorization: Bearer <jwt>} (the token a
 * client would connect with, checked by the same rules) and the body of a {@code sync.request}'s data:
 * {@code {"positions":{…}}} or {@code {"since":"…","rooms":["chat:42",…]}} (there is no connection, so a
 * {@code since} query lists its rooms). Every room is read in the token's workspace, and each must pass
 * the {@link RoomPolicy} a {@code room.join} would. The answer is
 * {@code {"events":[<event frame>,…],"rooms":{<as in sync.state>},"more":bool}}, at most
 * {@link #MAX_EVENTS} events and about {@link #MAX_BYTES} per response (then {@code more}: ask again).
 * Framework-free: the Lambda handler and the local runtime adapt their HTTP types to {@link #handle}.
 */
public final class PollingEndpoint {
    public static final int MAX_EVENTS = SyncActions.MAX_EVENTS;
    /** Well under Lambda's 6 MB response limit. */
    public static final long MAX_BYTES = 4L * 1024 * 1024;

    /** An HTTP answer: status and JSON body. */
    public record Answer(int status, String body) {
    }

    private final TokenVerifier verifier;
    private final RoomPolicy policy;
    private final SyncReplay replay;

    public PollingEndpoint(TokenVerifier verifier, RoomPolicy policy, EventLog log, Clock clock) {
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.replay = new SyncReplay(log, clock);
    }

    /**
     * @param authorization the {@code Authorization} header, or null
     * @param body          the request body, or null
     */
    public Answer handle(String authorization, String body) {
        Identity identity;
        try {
            identity = verifier.verify(bearer(authorization));
        } catch (AuthenticationException e) {
            return error(e.status(), e.status() == 401 ? "unauthorized" : "forbidden", e.getMessage());
        }
        JsonNode data;
        try {
            data = body == null || body.isBlank() ? null : Json.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            return error(400, "malformed_frame", "body is not valid JSON");
        }
        if (data == null || !data.isObject()) {
            return error(400, "malformed_frame", "body must be a JSON object");
        }
        SyncQuery query;
        try {
            query = SyncQuery.parse(data, null);
        } catch (SyncQuery.InvalidSyncQuery e) {
            return error(400, e.invalidRoom() ? "invalid_room" : "invalid_frame", e.getMessage());
        }
        for (String name : query.rooms().keySet()) {
            var denial = policy.denial(identity, new Room(identity.workspaceId(), name));
            if (denial.isPresent()) {
                return error(403, "forbidden", denial.get());
            }
        }
        var events = new ArrayList<String>();
        var result = replay.run(identity.workspaceId(), query, name -> true, MAX_EVENTS, MAX_BYTES, events::add);
        var out = new StringBuilder(64 + events.stream().mapToInt(String::length).sum());
        out.append("{\"events\":[");
        for (int i = 0; i < events.size(); i++) {
            out.append(i == 0 ? "" : ",").append(events.get(i));
        }
        out.append("],\"rooms\":").append(result.rooms().toString())
                .append(",\"more\":").append(result.more()).append('}');
        return new Answer(200, out.toString());
    }

    private static String bearer(String authorization) {
        if (authorization == null) {
            return null;
        }
        String value = authorization.strip();
        return value.toLowerCase(Locale.ROOT).startsWith("bearer ") ? value.substring(7).strip() : null;
    }

    private static Answer error(int status, String code, String message) {
        ObjectNode error = Json.object();
        error.putObject("error").put("code", code).put("message", message);
        return new Answer(status, error.toString());
    }
}
