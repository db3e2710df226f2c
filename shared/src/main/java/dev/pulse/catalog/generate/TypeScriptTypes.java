package dev.pulse.catalog.generate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pulse.catalog.EventCatalog;
import dev.pulse.catalog.EventType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * TypeScript declarations for a catalog: a payload type per event ({@code ApprovalCreatedPayload}), a type per shared
 * definition, a map from event name to payload ({@code HyvveEvents}) and the union of names. The JSON Schema subset
 * used by payloads maps as: object properties (required or optional), string/number/integer/boolean/null, arrays,
 * enum/const literals, oneOf/anyOf unions, allOf intersections, $ref to $defs; anything else is {@code unknown}.
 */
public final class TypeScriptTypes {
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*");

    private TypeScriptTypes() {
    }

    public static String render(EventCatalog catalog, String sourcePath) {
        var out = new StringBuilder();
        out.append("// Generated from ").append(sourcePath).append(" by ./pulse generate. Do not edit.\n");
        out.append("// ").append(catalog.title()).append(" events: the data of each event frame, by event name.\n\n");
        JsonNode defs = catalog.definitions();
        var names = new HashSet<String>();
        for (Map.Entry<String, JsonNode> def : defs.properties()) {
            String name = typeName(def.getKey());
            names.add(name);
            declare(out, name, def.getValue());
        }
        String map = typeName(catalog.app()) + "Events";
        for (EventType event : catalog.events().values()) {
            String name = payloadName(event.name());
            if (!names.add(name) || name.equals(map)) {
                throw new IllegalArgumentException("catalog " + catalog.app() + ": TypeScript name " + name + " of event "
                        + event.name() + " clashes with another type; rename the definition");
            }
            var schema = event.payload();
            String described = event.description();
            declare(out, name, schema.isObject() && !schema.has("description") && described != null
                    ? ((com.fasterxml.jackson.databind.node.ObjectNode) schema.deepCopy()).put("description", described) : schema);
        }
        out.append("/** Every ").append(catalog.title()).append(" event name, mapped to its payload type. */\n");
        out.append("export interface ").append(map).append(" {\n");
        for (EventType event : catalog.events().values()) {
            out.append("  ").append(quote(event.name())).append(": ").append(payloadName(event.name())).append(";\n");
        }
        out.append("}\n\n");
        out.append("export type ").append(typeName(catalog.app())).append("EventName = keyof ").append(map).append(";\n");
        return out.toString();
    }

    /** {@code approval_task.created} → {@code ApprovalTaskCreatedPayload}. */
    public static String payloadName(String event) {
        return typeName(event) + "Payload";
    }

    /** PascalCase of the alphanumeric runs: {@code data.update} → {@code DataUpdate}, {@code ApprovalItem} stays. */
    public static String typeName(String name) {
        var out = new StringBuilder();
        for (String part : name.split("[^A-Za-z0-9]+")) {
            if (!part.isEmpty()) {
                out.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
            }
        }
        if (out.isEmpty() || Character.isDigit(out.charAt(0))) {
            out.insert(0, 'T');
        }
        return out.toString();
    }

    private static void declare(StringBuilder out, String name, JsonNode schema) {
        doc(out, "", schema.path("description").asText(""));
        if (isPlainObject(schema)) {
            out.append("export interface ").append(name).append(" ").append(objectBody(schema, "")).append("\n\n");
        } else {
            out.append("export type ").append(name).append(" = ").append(type(schema, "")).append(";\n\n");
        }
    }

    /** An object schema with properties and nothing that would make it a union or intersection. */
    private static boolean isPlainObject(JsonNode schema) {
        return schema.isObject() && schema.has("properties") && !schema.has("$ref") && !schema.has("oneOf")
                && !schema.has("anyOf") && !schema.has("allOf") && !schema.has("enum") && !schema.has("const")
                && (!schema.has("type") || "object".equals(schema.get("type").asText()));
    }

    static String type(JsonNode schema, String indent) {
        if (schema == null || schema.isBoolean()) {
            return schema != null && !schema.asBoolean() ? "never" : "unknown";
        }
        if (schema.has("$ref")) {
            String ref = schema.get("$ref").asText();
            return ref.startsWith("#/$defs/") ? typeName(ref.substring("#/$defs/".length())) : "unknown";
        }
        if (schema.has("const")) {
            return schema.get("const").toString();
        }
        if (schema.has("enum")) {
            var literals = new LinkedHashSet<String>();
            schema.get("enum").forEach(v -> literals.add(v.toString()));
            return String.join(" | ", literals);
        }
        for (String union : List.of("oneOf", "anyOf")) {
            if (schema.has(union)) {
                return join(schema.get(union), " | ", indent);
            }
        }
        if (schema.has("allOf")) {
            return join(schema.get("allOf"), " & ", indent);
        }
        JsonNode typeNode = schema.get("type");
        if (typeNode != null && typeNode.isArray()) {
            var parts = new LinkedHashSet<String>();
            for (JsonNode t : typeNode) {
                parts.add(single(t.asText(), schema, indent));
            }
            return String.join(" | ", parts);
        }
        if (typeNode != null) {
            return single(typeNode.asText(), schema, indent);
        }
        if (schema.has("properties")) {
            return single("object", schema, indent);
        }
        return "unknown";
    }

    private static String single(String type, JsonNode schema, String indent) {
        return switch (type) {
            case "string" -> "string";
            case "number", "integer" -> "number";
            case "boolean" -> "boolean";
            case "null" -> "null";
            case "array" -> {
                String item = type(schema.get("items"), indent);
                yield item.matches("[A-Za-z0-9_$]+") ? item + "[]" : "Array<" + item + ">";
            }
            case "object" -> schema.has("properties") || schema.has("additionalProperties")
                    ? objectBody(schema, indent) : "Record<string, unknown>";
            default -> "unknown";
        };
    }

    private static String objectBody(JsonNode schema, String indent) {
        String inner = indent + "  ";
        Set<String> required = new HashSet<>();
        schema.path("required").forEach(r -> required.add(r.asText()));
        var out = new StringBuilder("{\n");
        for (Map.Entry<String, JsonNode> property : schema.path("properties").properties()) {
            doc(out, inner, property.getValue().path("description").asText(""));
            out.append(inner).append(key(property.getKey())).append(required.contains(property.getKey()) ? "" : "?")
                    .append(": ").append(type(property.getValue(), inner)).append(";\n");
        }
        JsonNode additional = schema.get("additionalProperties");
        if (additional != null && additional.isObject()) {
            out.append(inner).append("[key: string]: ").append(type(additional, inner)).append(";\n");
        }
        return out.append(indent).append("}").toString();
    }

    private static String join(JsonNode schemas, String operator, String indent) {
        var parts = new ArrayList<String>();
        for (JsonNode s : schemas) {
            String t = type(s, indent);
            parts.add(t.contains(" ") && !t.startsWith("{") ? "(" + t + ")" : t);
        }
        return String.join(operator, parts);
    }

    private static void doc(StringBuilder out, String indent, String text) {
        if (!text.isBlank()) {
            out.append(indent).append("/** ").append(text.replace("*/", "*\\/").replace("\n", " ")).append(" */\n");
        }
    }

    private static String key(String name) {
        return IDENTIFIER.matcher(name).matches() ? name : quote(name);
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
