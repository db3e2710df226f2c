package dev.pulse.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * One event type of a catalog.
 *
 * @param name        the event name (EventBridge detail-type; the frame's {@code event})
 * @param description what it means, for the generated docs
 * @param payload     its payload's JSON Schema as written (references into the catalog's {@code $defs} unresolved)
 * @param examples    example payloads, each valid
 */
public record EventType(String name, String description, JsonNode payload, List<JsonNode> examples) {
    public EventType {
        examples = List.copyOf(examples);
    }
}
