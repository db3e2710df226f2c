package dev.pulse.local.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pulse.protocol.Json;
import java.util.Map;

/**
 * The route table and API Gateway's route selection expression {@code $request.body.action}: a text frame
 * that is a JSON object whose string {@code action} names a custom route goes there, anything else
 * (other JSON, non-JSON, unknown action) to {@code $default}. Selection never runs for
 * {@code $connect}/{@code $disconnect}: those are chosen by the event, not the body.
 */
final class Routes {
    static final String CONNECT = "$connect";
    static final String DISCONNECT = "$disconnect";
    static final String DEFAULT = "$default";

    private final Map<String, WebSocketIntegration> integrations;

    Routes(Map<String, WebSocketIntegration> integrations) {
        this.integrations = Map.copyOf(integrations);
    }

    /** Route keys API Gateway accepts: the three predefined ones, or a custom key that does not start with '$'. */
    static void validateKey(String routeKey) {
        if (routeKey == null || routeKey.isEmpty()) {
            throw new IllegalArgumentException("route key must not be empty");
        }
        if (routeKey.startsWith("$") && !routeKey.equals(CONNECT) && !routeKey.equals(DISCONNECT)
                && !routeKey.equals(DEFAULT)) {
            throw new IllegalArgumentException("unknown predefined route key " + routeKey
                    + " (only $connect, $disconnect and $default start with '$')");
        }
    }

    WebSocketIntegration connect() {
        return integrations.get(CONNECT);
    }

    WebSocketIntegration disconnect() {
        return integrations.get(DISCONNECT);
    }

    WebSocketIntegration integration(String routeKey) {
        return integrations.get(routeKey);
    }

    /** The route key a message frame selects; may name a route without an integration ($default absent). */
    String select(String body) {
        String action = action(body);
        if (action != null && !action.startsWith("$") && integrations.containsKey(action)) {
            return action;
        }
        return DEFAULT;
    }

    private static String action(String body) {
        // Cheap pre-check: only something that can be a JSON object is worth parsing.
        if (body.indexOf('{') < 0) {
            return null;
        }
        try {
            JsonNode node = Json.MAPPER.readTree(body);
            if (node != null && node.isObject()) {
                JsonNode action = node.get("action");
                return action != null && action.isTextual() ? action.asText() : null;
            }
        } catch (java.io.IOException notJson) {
            // Not JSON: API Gateway falls back to $default.
        }
        return null;
    }
}
