package dev.pulse.sync;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pulse.auth.AuthenticationException;
import dev.pulse.auth.Authenticator;
import dev.pulse.model.Identity;
import dev.pulse.model.Room;
import dev.pulse.protocol.ErrorCode;
import dev.pulse.protocol.Json;
import dev.pulse.room.RoomAccess;
import dev.pulse.store.EventLog;
import java.time.Clock;
import dev.pulse.support.metrics.Metric;
import dev.pulse.support.metrics.Metrics;
import java.util.ArrayList;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The HTTP polling fallback: the sync query of {@code sync.request}, answered over plain HTTP for clients
 * that cannot hold a WebSocket. {@code POST /sync} with {@code Authorization: Bearer <jwt>} (the token a
 * client would connect with, checked by the same rules) and the body of a {@code sync.request}'s data:
 * {@code {"positions":{…}}} or {@code {"since":"…","rooms":["chat:42",…]}} (there is no connection, so a
 * {@code since} query lists its rooms). Every room is read in the token's workspace, and each must pass
 * the room's access policy ({@link RoomAccess#read}); a {@code room-token} room needs its room token in
 * {@code "roomTokens": {"chat:42": "<token>"}}. The answer is
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

    private final Authenticator authenticator;
    private final RoomAccess access;
    private final SyncReplay replay;
    private final Metrics metrics;

    public PollingEndpoint(Authenticator authenticator, RoomAccess access, EventLog log, Clock clock) {
        this(authenticator, access, log, clock, Metrics.NONE);
    }

    /** @param metrics counts the replays and {@code lost} answers, as {@code sync.request}'s are (the caller flushes) */
    public PollingEndpoint(Authenticator authenticator, RoomAccess access, EventLog log, Clock clock, Metrics metrics) {
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
        this.access = Objects.requireNonNull(access, "access");
        this.replay = new SyncReplay(log, clock);
    }

    /**
     * @param authorization the {@code Authorization} header, or null
     * @param body          the request body, or null
     */
    public Answer handle(String authorization, String body) {
        Identity identity;
        try {
            identity = authenticator.authenticate(bearer(authorization));
        } catch (AuthenticationException e) {
            // With its reason (token_expired, signature_invalid, claims_invalid…): a client whose WebSocket upgrade
            // failed asks here why, since browsers hide the upgrade's status (PROTOCOL §1.3).
            return error(e.status(), switch (e.status()) {
                case 401 -> "unauthorized";
                case 503 -> "auth_unavailable";
                default -> "forbidden";
            }, e.getMessage(), e.reason());
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
        JsonNode roomTokens = data.get("roomTokens");
        if (roomTokens != null && !roomTokens.isObject()) {
            return error(400, "invalid_frame", "roomTokens must be an object of room -> room token");
        }
        for (String name : query.rooms().keySet()) {
            JsonNode token = roomTokens == null ? null : roomTokens.get(name);
            var decision = access.read(identity, new Room(identity.workspaceId(), name),
                    token != null && token.isTextual() ? token.textValue() : null);
            if (!decision.allowed()) {
                // Unavailable is not the client's fault: 503, so it retries later; a refusal is 403.
                int status = decision.code() == ErrorCode.ACCESS_UNAVAILABLE ? 503 : 403;
                return error(status, decision.code().wire(), decision.message(), decision.reason());
            }
        }
        var events = new ArrayList<String>();
        var result = replay.run(identity.workspaceId(), query, name -> SyncReplay.Access.READABLE, MAX_EVENTS, MAX_BYTES,
                events::add);
        var out = new StringBuilder(64 + events.stream().mapToInt(String::length).sum());
        out.append("{\"events\":[");
        for (int i = 0; i < events.size(); i++) {
            out.append(i == 0 ? "" : ",").append(events.get(i));
        }
        out.append("],\"rooms\":").append(result.rooms().toString())
                .append(",\"more\":").append(result.more()).append('}');
        // The same series as sync.request's: one replay is one replay, over either transport.
        metrics.record(Metric.SYNC_REPLAYED, result.events(), Map.of());
        result.rooms().forEach(state -> {
            if ("lost".equals(state.path("status").asText())) {
                metrics.count(Metric.SYNC_LOST);
            }
        });
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
        return error(status, code, message, null);
    }

    private static Answer error(int status, String code, String message, String reason) {
        ObjectNode error = Json.object();
        var body = error.putObject("error").put("code", code).put("message", message);
        if (reason != null) {
            body.put("reason", reason);
        }
        return new Answer(status, error.toString());
    }
}
