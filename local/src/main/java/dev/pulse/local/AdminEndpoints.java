package dev.pulse.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pulse.model.ControlCommand;
import dev.pulse.model.Room;
import dev.pulse.protocol.Json;
import dev.pulse.publish.PublishException;
import dev.pulse.publish.Publisher;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The local admin page (like the Socket.IO Admin UI or Centrifugo's): part of the local runtime only, never of a
 * deployment (nothing in functions/ or infra-cdk/ serves it, and the tables are read by full Scans).
 *
 * <ul>
 *   <li>{@code GET /admin} — the page (plain HTML and JS, refreshing itself)</li>
 *   <li>{@code GET /admin/api/state} — everything it shows, one JSON document ({@link AdminReport})</li>
 *   <li>{@code POST /admin/api/disconnect} with {@code {"workspaceId","connectionId"}} — closes the connection through
 *       the control path an app uses (a {@code connections.close} command put on the local bus): {@code {"commandId"}}.
 *       A JSON body only, so a page of another origin cannot send it without a CORS preflight, which nothing here
 *       answers.</li>
 * </ul>
 */
final class AdminEndpoints extends Handler.Abstract {
    private final Supplier<AdminReport> report;
    private final Supplier<Publisher> publisher;

    AdminEndpoints(Supplier<AdminReport> report, Supplier<Publisher> publisher) {
        this.report = report;
        this.publisher = new Lazily<>(publisher);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        switch (Request.getPathInContext(request)) {
            case "/admin", "/admin/" -> page(response, callback);
            case "/admin/api/state" -> json(response, callback, 200, report.get().state());
            case "/admin/api/disconnect" -> disconnect(request, response, callback);
            default -> {
                return false;
            }
        }
        return true;
    }

    private static void page(Response response, Callback callback) throws IOException {
        try (InputStream in = AdminEndpoints.class.getResourceAsStream("/admin/index.html")) {
            if (in == null) {
                Response.writeError(null, response, callback, HttpStatus.NOT_FOUND_404, "the admin page is missing from the build");
                return;
            }
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/html; charset=utf-8");
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
            response.write(true, ByteBuffer.wrap(in.readAllBytes()), callback);
        }
    }

    private void disconnect(Request request, Response response, Callback callback) throws Exception {
        String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        if (!"POST".equals(request.getMethod()) || type == null || !type.startsWith("application/json")) {
            // Read the refused body first: answered unread, Jetty closes the connection without saying so, and a
            // client reusing it gets no answer to its next request.
            Content.Source.asString(request, StandardCharsets.UTF_8);
            json(response, callback, 405, Json.object().put("error", "POST a JSON body {\"workspaceId\",\"connectionId\"}"));
            return;
        }
        JsonNode body = DevEndpoints.jsonBody(request, response, callback);
        if (body == null) {
            return;
        }
        String workspace = body.path("workspaceId").asText("");
        String connection = body.path("connectionId").asText("");
        if (!Room.isValidId(workspace) || connection.isBlank()) {
            json(response, callback, 400, Json.object().put("error", "workspaceId and connectionId are required"));
            return;
        }
        try {
            String id = publisher().control(ControlCommand.Kind.CLOSE_CONNECTIONS, workspace, null, connection, null, null);
            json(response, callback, 200, Json.object().put("commandId", id));
        } catch (IllegalArgumentException e) {
            json(response, callback, 400, Json.object().put("error", e.getMessage()));
        } catch (PublishException e) {
            json(response, callback, 502, Json.object().put("error", e.getMessage()));
        }
    }

    private Publisher publisher() {
        return publisher.get();
    }

    private static void json(Response response, Callback callback, int status, JsonNode body) {
        // Always the current state, never a cached copy.
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        DevEndpoints.json(response, callback, status, body);
    }
}
