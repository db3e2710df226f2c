package dev.pulse.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A path into a payload: property names separated by dots, e.g. {@code workspaceId} or {@code task.assigneeId}.
 *
 * @param path  as written in the catalog
 * @param names the property names, outermost first
 */
public record FieldPath(String path, List<String> names) {
    private static final Pattern SYNTAX = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)*");

    public FieldPath {
        names = List.copyOf(names);
    }

    /** @throws IllegalArgumentException unless the path is dot-separated property names */
    public static FieldPath parse(String path) {
        if (path == null || !SYNTAX.matcher(path).matches()) {
            throw new IllegalArgumentException("not a field path (property names separated by dots): " + path);
        }
        return new FieldPath(path, List.of(path.split("\\.")));
    }

    /** The value at this path, or null when any step is missing or not an object. */
    public JsonNode read(JsonNode payload) {
        JsonNode node = payload;
        for (String name : names) {
            if (node == null || !node.isObject()) {
                return null;
            }
            node = node.get(name);
        }
        return node;
    }

    @Override
    public String toString() {
        return path;
    }
}
