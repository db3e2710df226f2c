package dev.pulse.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Load-time reading of payload schemas: is a field a route names declared (and required) in an event's payload
 * schema, and of a type a route can use? Follows {@code $ref}s into the catalog's {@code $defs} and looks into
 * {@code allOf}; a field declared only in a {@code oneOf}/{@code anyOf} branch is not guaranteed, so it does not count.
 */
final class SchemaFields {
    /** How a route uses a field. */
    enum Use {
        /** The workspace id: a required string. */
        WORKSPACE,
        /** A room template placeholder: a required string or integer, or an array of them. */
        ROOM,
        /** The correlation id: a declared string, may be absent. */
        CORRELATION
    }

    private final JsonNode defs;

    SchemaFields(JsonNode defs) {
        this.defs = defs;
    }

    /** Null when the payload schema declares the field as the use needs, else the problem. */
    String check(JsonNode payloadSchema, FieldPath path, Use use) {
        List<JsonNode> schemas = List.of(payloadSchema);
        List<String> names = path.names();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            boolean mustBeRequired = use != Use.CORRELATION;
            var found = new ArrayList<JsonNode>();
            boolean required = false;
            for (JsonNode schema : flatten(schemas)) {
                JsonNode property = schema.path("properties").get(name);
                if (property != null) {
                    found.add(property);
                }
                for (JsonNode r : schema.path("required")) {
                    required |= name.equals(r.asText());
                }
            }
            String prefix = String.join(".", names.subList(0, i + 1));
            if (found.isEmpty()) {
                return "field " + prefix + " is not declared in the payload schema";
            }
            if (mustBeRequired && !required) {
                return "field " + prefix + " is declared but not required in the payload schema";
            }
            schemas = found;
        }
        Set<String> types = types(schemas);
        return switch (use) {
            case WORKSPACE, CORRELATION -> types.contains("string") ? null
                    : "field " + path + " must be a string, the schema says " + describe(types);
            case ROOM -> {
                if (types.contains("string") || types.contains("integer")) {
                    yield null;
                }
                if (types.contains("array")) {
                    var items = new ArrayList<JsonNode>();
                    for (JsonNode schema : flatten(schemas)) {
                        if (schema.has("items")) {
                            items.add(schema.get("items"));
                        }
                    }
                    Set<String> itemTypes = types(items);
                    if (itemTypes.contains("string") || itemTypes.contains("integer")) {
                        yield null;
                    }
                    yield "field " + path + " is an array whose items must be strings, the schema says " + describe(itemTypes);
                }
                yield "field " + path + " must be a string, an integer or an array of strings, the schema says "
                        + describe(types);
            }
        };
    }

    /** The schemas themselves, their $ref targets and their allOf members, recursively. */
    private List<JsonNode> flatten(List<JsonNode> schemas) {
        var all = new ArrayList<JsonNode>();
        var todo = new ArrayList<>(schemas);
        int guard = 0;
        while (!todo.isEmpty() && guard++ < 1000) {
            JsonNode schema = todo.removeLast();
            if (schema == null || !schema.isObject()) {
                continue;
            }
            all.add(schema);
            JsonNode ref = schema.get("$ref");
            if (ref != null && ref.isTextual() && ref.asText().startsWith("#/$defs/")) {
                todo.add(defs.get(ref.asText().substring("#/$defs/".length())));
            }
            schema.path("allOf").forEach(todo::add);
        }
        return all;
    }

    private Set<String> types(List<JsonNode> schemas) {
        var types = new LinkedHashSet<String>();
        for (JsonNode schema : flatten(schemas)) {
            JsonNode type = schema.get("type");
            if (type != null && type.isTextual()) {
                types.add(type.asText());
            } else if (type != null && type.isArray()) {
                type.forEach(t -> types.add(t.asText()));
            }
            for (JsonNode value : schema.path("enum")) {
                types.add(typeOf(value));
            }
            if (schema.has("const")) {
                types.add(typeOf(schema.get("const")));
            }
        }
        return types;
    }

    private static String typeOf(JsonNode value) {
        return switch (value.getNodeType()) {
            case STRING -> "string";
            case NUMBER -> value.isIntegralNumber() ? "integer" : "number";
            case BOOLEAN -> "boolean";
            case ARRAY -> "array";
            case OBJECT -> "object";
            default -> "null";
        };
    }

    private static String describe(Set<String> types) {
        return types.isEmpty() ? "no type" : String.join(" or ", types);
    }
}
