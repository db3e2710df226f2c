package dev.pulse.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * One client-to-server frame, as parsed by {@link FrameParser}: {@code {"action": ..., "id": ..., "data": {...}}}.
 *
 * @param action the operation, e.g. {@code room.join}; never null or empty (unknown names are the handler's call)
 * @param id     the request id to echo in the reply, or null when the client sent none
 * @param data   the arguments; never null: an empty object when the frame had no {@code data}
 */
public record ClientFrame(String action, String id, JsonNode data) {
    public ClientFrame {
        Objects.requireNonNull(action, "action");
        data = data == null ? Json.object() : data;
    }
}
