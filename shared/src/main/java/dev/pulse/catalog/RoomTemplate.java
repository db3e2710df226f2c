package dev.pulse.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pulse.model.Room;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A room name with placeholders over payload fields, e.g. {@code chat:{chatId}} or {@code order:{shopId}-{orderId}}.
 * A placeholder naming an array of strings yields one room per element ({@code user:{memberIds}}); several array
 * placeholders yield every combination.
 *
 * @param template as written in the catalog
 * @param parts    literal text and fields, in order
 */
public record RoomTemplate(String template, List<Part> parts) {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^{}]*)}");

    /** A piece of the template: literal text or a field whose value is substituted. */
    public sealed interface Part permits Literal, Field {
    }

    public record Literal(String text) implements Part {
    }

    public record Field(FieldPath path) implements Part {
    }

    public RoomTemplate {
        parts = List.copyOf(parts);
    }

    /** @throws IllegalArgumentException for an unbalanced brace or a placeholder that is not a field path */
    public static RoomTemplate parse(String template) {
        if (template == null || template.isEmpty()) {
            throw new IllegalArgumentException("empty room template");
        }
        var parts = new ArrayList<Part>();
        Matcher m = PLACEHOLDER.matcher(template);
        int at = 0;
        while (m.find()) {
            if (m.start() > at) {
                parts.add(new Literal(template.substring(at, m.start())));
            }
            parts.add(new Field(FieldPath.parse(m.group(1))));
            at = m.end();
        }
        if (at < template.length()) {
            parts.add(new Literal(template.substring(at)));
        }
        for (Part part : parts) {
            if (part instanceof Literal literal && (literal.text().contains("{") || literal.text().contains("}"))) {
                throw new IllegalArgumentException("unbalanced brace in room template " + template);
            }
        }
        return new RoomTemplate(template, parts);
    }

    /** The fields the template reads. */
    public List<FieldPath> fields() {
        return parts.stream().filter(Field.class::isInstance).map(p -> ((Field) p).path()).toList();
    }

    /** The namespace (text before the first colon), which templates keep literal. */
    public String namespace() {
        int colon = template.indexOf(':');
        return colon < 0 ? template : template.substring(0, colon);
    }

    /**
     * The room names for one payload.
     *
     * @throws RoutingException if a field is missing, null or not a string/number (or array of them), or a name
     *                          built is not a valid room name
     */
    public List<String> resolve(JsonNode payload) throws RoutingException {
        List<String> names = List.of("");
        for (Part part : parts) {
            List<String> values = switch (part) {
                case Literal literal -> List.of(literal.text());
                case Field field -> values(field.path(), payload);
            };
            var next = new ArrayList<String>(names.size() * Math.max(1, values.size()));
            for (String prefix : names) {
                for (String value : values) {
                    next.add(prefix + value);
                }
            }
            names = next;
        }
        for (String name : names) {
            if (!Room.isValidName(name)) {
                throw new RoutingException("room template " + template + " built '" + name + "', not a valid room name");
            }
        }
        return names;
    }

    private List<String> values(FieldPath path, JsonNode payload) throws RoutingException {
        JsonNode value = path.read(payload);
        if (value == null || value.isNull() || value.isMissingNode()) {
            throw new RoutingException("room template " + template + ": field " + path + " is missing");
        }
        if (value.isTextual() || value.isIntegralNumber()) {
            return List.of(value.asText());
        }
        if (value.isArray()) {
            var values = new ArrayList<String>(value.size());
            for (JsonNode element : value) {
                if (!element.isTextual() && !element.isIntegralNumber()) {
                    throw new RoutingException("room template " + template + ": field " + path
                            + " must hold strings, found " + element.getNodeType());
                }
                values.add(element.asText());
            }
            return values;
        }
        throw new RoutingException("room template " + template + ": field " + path + " must be a string, an integer"
                + " or an array of them, found " + value.getNodeType());
    }

    @Override
    public String toString() {
        return template;
    }
}
