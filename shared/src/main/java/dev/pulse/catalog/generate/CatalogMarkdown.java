package dev.pulse.catalog.generate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.pulse.catalog.EventCatalog;
import dev.pulse.catalog.EventType;
import dev.pulse.catalog.RoomTemplate;
import dev.pulse.catalog.Route;
import dev.pulse.catalog.UnknownEvents;
import dev.pulse.protocol.Json;
import dev.pulse.room.AccessMode;
import dev.pulse.room.AccessPolicy;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** The human-readable catalog: room access, routes, then every event with its fields, routing and examples, then shared types. */
public final class CatalogMarkdown {
    private static final ObjectWriter PRETTY = Json.MAPPER.writer(new DefaultPrettyPrinter()
            .withSeparators(Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER)));

    private CatalogMarkdown() {
    }

    public static String render(EventCatalog catalog, String sourcePath, String typesPath) {
        var out = new StringBuilder();
        out.append("# ").append(catalog.title()).append(" event catalog\n\n");
        out.append("<!-- Generated from ").append(sourcePath).append(" by ./pulse generate. Do not edit. -->\n\n");
        if (!catalog.description().isBlank()) {
            out.append(catalog.description()).append("\n\n");
        }
        out.append("- Catalog: `").append(sourcePath).append("` (app `").append(catalog.app()).append("`, ")
                .append(catalog.events().size()).append(" events, ").append(catalog.routes().size()).append(" routes)\n");
        out.append("- Undeclared events: **").append(catalog.unknownEvents().value()).append("** (")
                .append(catalog.unknownEvents() == UnknownEvents.STRICT
                        ? "the publisher throws, the fan-out dead-letters them"
                        : "delivered without validation")
                .append(")\n");
        out.append("- TypeScript types: `").append(typesPath).append("`\n");
        out.append("- Format and rules: [docs/CATALOG.md](../CATALOG.md)\n\n");

        access(out, catalog);

        out.append("## Routes\n\n");
        if (catalog.routes().isEmpty()) {
            out.append("None: every event is published with a Pulse envelope and explicit targets.\n\n");
        } else {
            out.append("Domain events without a Pulse envelope are delivered by these rules. An event matched by several is "
                    + "delivered once, to the union of their rooms.\n\n");
            out.append("| # | Source | Event | Workspace field | Rooms | Correlation id field | Why |\n");
            out.append("|---|---|---|---|---|---|---|\n");
            for (Route route : catalog.routes()) {
                out.append("| ").append(route.number()).append(" | ")
                        .append(route.source() == null ? "any" : code(route.source())).append(" | ")
                        .append(code(route.detailType().toString())).append(" | ")
                        .append(code(route.workspace().path())).append(" | ")
                        .append(route.rooms().stream().map(r -> code(r.template())).collect(Collectors.joining(", "))).append(" | ")
                        .append(route.correlationId() == null ? "(event id)" : code(route.correlationId().path())).append(" | ")
                        .append(cell(route.description())).append(" |\n");
            }
            out.append("\n");
        }

        out.append("## Events\n\n");
        out.append("| Event | Routes | Description |\n|---|---|---|\n");
        for (EventType event : catalog.events().values()) {
            out.append("| ").append(code(event.name())).append(" | ").append(routeNumbers(catalog, event)).append(" | ")
                    .append(cell(event.description())).append(" |\n");
        }
        out.append("\n");
        JsonNode defs = catalog.definitions();
        for (EventType event : catalog.events().values()) {
            out.append("### ").append(code(event.name())).append("\n\n").append(event.description()).append("\n\n");
            List<Route> routes = catalog.routes().stream().filter(r -> r.detailType().matches(event.name())).toList();
            if (routes.isEmpty()) {
                out.append("Not routed: publish it with a Pulse envelope and explicit targets.\n\n");
            } else {
                for (Route route : routes) {
                    out.append("- Route ").append(route.number()).append(route.source() == null ? "" : " (from " + code(route.source()) + ")")
                            .append(": ").append(route.rooms().stream().map(RoomTemplate::template).map(CatalogMarkdown::code)
                                    .collect(Collectors.joining(", ")))
                            .append(" in workspace ").append(code("{" + route.workspace().path() + "}")).append("\n");
                }
                out.append("\n");
            }
            JsonNode payload = event.payload();
            if (payload.has("$ref")) {
                out.append("Payload type: ").append(code(TypeScriptTypes.type(payload, ""))).append(" (TypeScript ")
                        .append(code(TypeScriptTypes.payloadName(event.name()))).append(").\n\n");
                payload = resolve(payload, defs);
            } else {
                out.append("TypeScript: ").append(code(TypeScriptTypes.payloadName(event.name()))).append(".\n\n");
            }
            fields(out, payload);
            out.append(event.examples().size() == 1 ? "Example:\n\n" : "Examples:\n\n");
            for (JsonNode example : event.examples()) {
                out.append("```json\n").append(pretty(example)).append("\n```\n\n");
            }
        }
        if (!defs.isEmpty()) {
            out.append("## Shared definitions\n\n");
            for (Map.Entry<String, JsonNode> def : defs.properties()) {
                out.append("### ").append(code(TypeScriptTypes.typeName(def.getKey()))).append("\n\n");
                String description = def.getValue().path("description").asText("");
                if (!description.isBlank()) {
                    out.append(description).append("\n\n");
                }
                if (def.getValue().has("properties")) {
                    fields(out, def.getValue());
                } else {
                    out.append("Type: ").append(code(flat(TypeScriptTypes.type(def.getValue(), "")))).append("\n\n");
                }
            }
        }
        return out.toString().stripTrailing() + "\n";
    }

    /** Who may join which rooms: the catalog's access modes, in its order, then the fixed rules. */
    private static void access(StringBuilder out, EventCatalog catalog) {
        out.append("## Room access\n\n");
        if (catalog.access().isEmpty()) {
            out.append("None declared: every namespace is `open` (any connection of the workspace may join its rooms) "
                    + "unless the deployment's `PULSE_ROOM_ACCESS` says otherwise. `user:` and `workspace:` rooms: "
                    + "only the connection's own. See [docs/ACCESS.md](../ACCESS.md).\n\n");
            return;
        }
        out.append("Who may join the rooms of each namespace ([PROTOCOL §5.1](../../events-schema/PROTOCOL.md#51-access-to-rooms), "
                + "[docs/ACCESS.md](../ACCESS.md)). A deployment's `PULSE_ROOM_ACCESS` overrides these per namespace, "
                + "and `*` when it names one ([docs/CATALOG.md](../CATALOG.md#room-access)).\n\n");
        out.append("| Namespace | Mode | Who may join |\n|---|---|---|\n");
        AccessPolicy policy = catalog.access().get();
        catalog.document().path("access").fieldNames().forEachRemaining(namespace -> {
            if (!namespace.equals(AccessPolicy.FALLBACK)) {
                AccessMode mode = policy.modes().get(namespace);
                out.append("| ").append(code(namespace + ":")).append(" | ").append(code(mode.wire())).append(" | ")
                        .append(who(mode)).append(" |\n");
            }
        });
        out.append("| any other").append(catalog.accessNamesFallback() ? " (`*`)" : " (no `*`: the default)").append(" | ")
                .append(code(policy.fallback().wire())).append(" | ").append(who(policy.fallback())).append(" |\n");
        out.append("| `user:`, `workspace:` | fixed | only the connection's own |\n\n");
    }

    private static String who(AccessMode mode) {
        return switch (mode) {
            case OPEN -> "any connection of the workspace";
            case GRANT -> "a connection whose token's rooms claim grants the room";
            case ROOM_TOKEN -> "a connection presenting a room token the app signed for the room";
            case HOOK -> "whoever the app's access hook allows (asked per action, cached)";
        };
    }

    private static String routeNumbers(EventCatalog catalog, EventType event) {
        String numbers = catalog.routes().stream().filter(r -> r.detailType().matches(event.name()))
                .map(r -> Integer.toString(r.number())).collect(Collectors.joining(", "));
        return numbers.isEmpty() ? "none" : numbers;
    }

    private static JsonNode resolve(JsonNode schema, JsonNode defs) {
        int guard = 0;
        while (schema.has("$ref") && schema.get("$ref").asText().startsWith("#/$defs/") && guard++ < 20) {
            schema = defs.path(schema.get("$ref").asText().substring("#/$defs/".length()));
        }
        return schema;
    }

    private static void fields(StringBuilder out, JsonNode schema) {
        if (!schema.has("properties")) {
            out.append("Type: ").append(code(flat(TypeScriptTypes.type(schema, "")))).append("\n\n");
            return;
        }
        out.append("| Field | Type | Required | Description |\n|---|---|---|---|\n");
        rows(out, schema, "");
        out.append("\n");
    }

    private static void rows(StringBuilder out, JsonNode schema, String prefix) {
        Set<String> required = new HashSet<>();
        schema.path("required").forEach(r -> required.add(r.asText()));
        for (Map.Entry<String, JsonNode> property : schema.path("properties").properties()) {
            JsonNode value = property.getValue();
            String path = prefix + property.getKey();
            boolean inlineObject = value.has("properties") && !value.has("$ref");
            boolean arrayOfObjects = "array".equals(value.path("type").asText()) && value.path("items").has("properties");
            String type = inlineObject ? "object" : arrayOfObjects ? "object[]" : flat(TypeScriptTypes.type(value, ""));
            out.append("| ").append(code(path)).append(" | ").append(code(type)).append(" | ")
                    .append(required.contains(property.getKey()) ? "yes" : "no").append(" | ")
                    .append(cell(value.path("description").asText(""))).append(" |\n");
            if (inlineObject) {
                rows(out, value, path + ".");
            } else if (arrayOfObjects) {
                rows(out, value.get("items"), path + "[].");
            }
        }
    }

    private static String flat(String type) {
        return type.replaceAll("\\s+", " ");
    }

    /** Inline code safe inside a table cell. */
    private static String code(String text) {
        return "`" + text.replace("|", "\\|") + "`";
    }

    private static String cell(String text) {
        return text == null ? "" : text.replace("|", "\\|").replace("\n", " ");
    }

    private static String pretty(JsonNode node) {
        try {
            return PRETTY.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
