package dev.pulse.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pulse.auth.TokenIssuer;
import dev.pulse.catalog.InvalidEventException;
import dev.pulse.protocol.Json;
import dev.pulse.publish.PublishException;
import dev.pulse.publish.Publisher;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * Development-only HTTP endpoints on the gateway's port: the demo page, development tokens, and a publish
 * shortcut for the demo page. None of them exists in a deployed stack.
 *
 * <ul>
 *   <li>{@code GET /} — the demo page</li>
 *   <li>{@code GET /client/pulse-client.js} (and the other files of {@code clients/web/src}) — the browser client
 *       the demo page imports, copied into the jar by the build</li>
 *   <li>{@code GET /dev/token?user=u1&workspace=w1[&ttl=3600]} — {@code {"token": "...", "webSocketUrl": "ws://…"}}</li>
 *   <li>{@code GET /dev/room-token?user=u1&workspace=w1&room=private:x[&ttl=300]} — {@code {"token": "..."}}, a room
 *       token for a {@code room-token} namespace</li>
 *   <li>{@code POST /dev/publish} with {@code {"event","workspaceId","targets":{...},"data"}} — publishes
 *       through the local EventBridge endpoint with the stock SDK, like a domain service: {@code {"eventId"}}; with a
 *       catalog on, a payload it refuses gets 400 {@code {"error","event","violations":[{"path","message"}]}} and
 *       is not published; any other bad request gets 400 {@code {"error"}}</li>
 * </ul>
 */
final class DevEndpoints extends Handler.Abstract {
    private final TokenIssuer tokens;
    private final String stage;
    private final Supplier<Publisher> publisher;

    DevEndpoints(TokenIssuer tokens, String stage, Supplier<Publisher> publisher) {
        this.tokens = tokens;
        this.stage = stage;
        this.publisher = new Lazily<>(publisher);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = Request.getPathInContext(request);
        switch (path) {
            case "/", "/index.html" -> resource("/demo/index.html", "text/html; charset=utf-8", response, callback);
            case "/dev/token" -> token(request, response, callback);
            case "/dev/room-token" -> roomToken(request, response, callback);
            case "/dev/publish" -> publish(request, response, callback);
            default -> {
                var client = CLIENT_FILE.matcher(path);
                if (!client.matches()) {
                    return false;
                }
                String type = client.group(1).endsWith(".ts") ? "application/typescript; charset=utf-8"
                        : "text/javascript; charset=utf-8";
                resource("/client/" + client.group(1), type, response, callback);
            }
        }
        return true;
    }

    /** A file name without any path: nothing but the client's own files can be read through this. */
    private static final Pattern CLIENT_FILE = Pattern.compile("/client/([A-Za-z0-9_-]+(?:\\.d)?\\.(?:m?js|ts))");

    private void resource(String name, String contentType, Response response, Callback callback) throws IOException {
        try (InputStream in = DevEndpoints.class.getResourceAsStream(name)) {
            if (in == null) {
                Response.writeError(null, response, callback, HttpStatus.NOT_FOUND_404, name + " is missing from the build");
                return;
            }
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
            // Development files: always the current build, never a cached copy.
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
            response.write(true, ByteBuffer.wrap(in.readAllBytes()), callback);
        }
    }

    private void token(Request request, Response response, Callback callback) {
        Fields query = Request.extractQueryParameters(request);
        String user = query.getValue("user");
        String workspace = query.getValue("workspace");
        if (user == null || user.isBlank() || workspace == null || workspace.isBlank()) {
            json(response, callback, 400, Json.object().put("error", "user and workspace query parameters are required"));
            return;
        }
        long ttl = query.getValue("ttl") == null ? 3600 : Long.parseLong(query.getValue("ttl"));
        String host = request.getHeaders().get(HttpHeader.HOST);
        json(response, callback, 200, Json.object()
                .put("token", tokens.issue(user, workspace, Duration.ofSeconds(ttl)))
                .put("webSocketUrl", "ws://" + host + "/" + stage));
    }

    /**
     * A room token, as an app's backend would sign one after checking that the user may enter the room (here: anyone,
     * it is the development stand-in for that backend).
     */
    private void roomToken(Request request, Response response, Callback callback) {
        Fields query = Request.extractQueryParameters(request);
        String user = query.getValue("user");
        String workspace = query.getValue("workspace");
        String room = query.getValue("room");
        if (user == null || user.isBlank() || workspace == null || workspace.isBlank() || room == null
                || !dev.pulse.model.Room.isValidName(room)) {
            json(response, callback, 400, Json.object().put("error", "user, workspace and a valid room are required"));
            return;
        }
        long ttl = query.getValue("ttl") == null ? 300 : Long.parseLong(query.getValue("ttl"));
        json(response, callback, 200, Json.object()
                .put("token", tokens.issueRoomToken(user, workspace, room, Duration.ofSeconds(ttl))));
    }

    private void publish(Request request, Response response, Callback callback) throws Exception {
        if (!"POST".equals(request.getMethod())) {
            json(response, callback, 405, Json.object().put("error", "POST a JSON body"));
            return;
        }
        JsonNode body = DevEndpoints.jsonBody(request, response, callback);
        if (body == null) {
            return;
        }
        String workspace = body.path("workspaceId").asText("");
        String event = body.path("event").asText("");
        var targets = body.path("targets");
        try {
            var req = publisher().event(event).data(body.path("data"));
            if (targets.path("workspace").asBoolean(false)) {
                req.toWorkspace(workspace);
            }
            for (JsonNode user : targets.path("users")) {
                req.toUsers(workspace, user.asText());
            }
            for (JsonNode room : targets.path("rooms")) {
                req.toRoom(workspace, room.asText());
            }
            json(response, callback, 200, Json.object().put("eventId", req.send()));
        } catch (InvalidEventException e) {
            // The catalog refused the payload before anything reached the bus: say where, as the SDK does.
            var error = Json.object().put("error", e.getMessage()).put("event", e.event());
            var violations = error.putArray("violations");
            e.violations().forEach(v -> violations.addObject().put("path", v.path()).put("message", v.message()));
            json(response, callback, 400, error);
        } catch (IllegalArgumentException e) {
            json(response, callback, 400, Json.object().put("error", e.getMessage()));
        } catch (PublishException e) {
            // The bus refused the entry: the local bus stands in for EventBridge, an upstream of this endpoint.
            json(response, callback, 502, Json.object().put("error", e.getMessage()));
        }
    }

    private Publisher publisher() {
        return publisher.get();
    }

    /** The request's body as JSON; null once it has answered 400 because the body is not JSON. */
    static JsonNode jsonBody(Request request, Response response, Callback callback) throws IOException {
        try {
            return Json.MAPPER.readTree(Content.Source.asString(request, StandardCharsets.UTF_8));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            json(response, callback, 400, Json.object().put("error", "body is not JSON"));
            return null;
        }
    }

    /** A JSON answer (the admin endpoints' too). */
    static void json(Response response, Callback callback, int status, JsonNode body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(body.toString().getBytes(StandardCharsets.UTF_8)), callback);
    }
}
