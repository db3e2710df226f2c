package dev.pulse.catalog;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.pulse.model.Room;
import dev.pulse.protocol.Json;
import dev.pulse.room.AccessMode;
import dev.pulse.room.AccessPolicy;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Reads a catalog document and runs every load-time check; see {@link EventCatalog}. */
final class CatalogLoader {
    static final String SCHEMA_BASE = "https://pulse.dev/schemas/v1/";
    static final String CATALOG_SCHEMA = SCHEMA_BASE + "catalog.json";
    static final String DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema";

    // Two event types with one name would silently become one: refuse duplicate keys.
    private static final ObjectReader STRICT = Json.MAPPER.reader()
            .with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /**
     * The event names Pulse's own signals use (PROTOCOL §4.6, §4.9): a catalog event with one of them would reach
     * clients in the same {@code event} frames as Pulse's, under the same name with another shape, and no client could
     * tell them apart. (Frame types such as {@code sync} travel in {@code type}, never as an event name, and action
     * names are client-to-server only: neither can collide.)
     */
    static final Set<String> RESERVED_EVENTS = Set.copyOf(dev.pulse.protocol.Signals.ALL);

    /** A room namespace as room names have it (and as PULSE_ROOM_ACCESS accepts it). */
    private static final Pattern NAMESPACE = Pattern.compile("[a-z][a-z0-9_-]{0,31}");
    private static final String MODES = java.util.Arrays.stream(AccessMode.values()).map(AccessMode::wire)
            .collect(Collectors.joining(", "));

    private final String origin;
    private final JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
            builder -> builder.schemaMappers(mappers -> mappers.mapPrefix(SCHEMA_BASE, "classpath:schemas/v1/")));
    // Format assertions are off by default in 2020-12; a payload's "date-time" is meant literally. Paths as JSON paths ($.a.b[0]).
    private final SchemaValidatorsConfig config = SchemaValidatorsConfig.builder()
            .formatAssertionsEnabled(true).pathType(PathType.JSON_PATH).build();
    private final List<String> problems = new ArrayList<>();

    CatalogLoader(String origin) {
        this.origin = origin;
    }

    EventCatalog load(String json) {
        JsonNode document;
        try {
            document = STRICT.readTree(json);
        } catch (JsonProcessingException e) {
            throw new CatalogException(origin, "not JSON: " + e.getOriginalMessage(), e);
        }
        if (document == null || !document.isObject()) {
            throw new CatalogException(origin, List.of("must be a JSON object"));
        }
        // The access block is checked here, entry by entry in words that name the entry; the meta-schema's copy of these
        // rules serves editors. It sees the rest only: its "property name is not valid" says less, and its validator
        // cannot even report an empty key.
        AccessPolicy access = access(document.get("access"));
        ObjectNode rest = ((ObjectNode) document).deepCopy();
        rest.remove("access");
        for (Violation v : metaSchemaViolations(rest)) {
            problems.add(v.path() + ": " + v.message());
        }
        failIfProblems(); // the rest relies on the shape the meta-schema guarantees

        ObjectNode defs = document.has("$defs") ? (ObjectNode) document.get("$defs") : Json.object();
        var events = new LinkedHashMap<String, EventType>();
        var schemas = new LinkedHashMap<String, JsonSchema>();
        for (Map.Entry<String, JsonNode> entry : document.get("events").properties()) {
            String name = entry.getKey();
            JsonNode node = entry.getValue();
            if (RESERVED_EVENTS.contains(name)) {
                problems.add("event " + name + ": the name is one of Pulse's own signals (" + String.join(", ",
                        new java.util.TreeSet<>(RESERVED_EVENTS)) + "), which clients receive in the same event frames;"
                        + " give the application's event a name of its own (e.g. " + document.path("app").asText("app")
                        + "." + name + ")");
            }
            var examples = new ArrayList<JsonNode>();
            node.get("examples").forEach(examples::add);
            var type = new EventType(name, node.get("description").asText(), node.get("payload"), examples);
            events.put(name, type);
            JsonSchema schema = compile(document.path("app").asText(), name, type.payload(), defs);
            if (schema == null) {
                continue;
            }
            schemas.put(name, schema);
            for (int i = 0; i < examples.size(); i++) {
                for (Violation v : violations(schema, examples.get(i))) {
                    problems.add("event " + name + ", example " + (i + 1) + ": " + v);
                }
            }
        }
        var routes = new ArrayList<Route>();
        JsonNode routeNodes = document.path("routes");
        for (int i = 0; i < routeNodes.size(); i++) {
            routes.add(route(i + 1, routeNodes.get(i)));
        }
        var fields = new SchemaFields(defs);
        for (Route route : routes) {
            checkRoute(route, events, fields);
        }
        failIfProblems();
        var catalog = new EventCatalog(origin, document, UnknownEvents.parse(document.path("unknownEvents").asText("strict")),
                java.util.Collections.unmodifiableMap(events), Map.copyOf(schemas), routes, access);
        checkExamplesRoute(catalog);
        failIfProblems();
        return catalog;
    }

    /** What the catalog meta-schema ({@value #CATALOG_SCHEMA}) says about a document. */
    List<Violation> metaSchemaViolations(JsonNode document) {
        return violations(factory.getSchema(SchemaLocation.of(CATALOG_SCHEMA), config), document);
    }

    /**
     * The catalog's {@code access} block as a policy (its {@code *}, or open when it names none), or null when there
     * is none. Each bad entry is a problem naming it: a name that is not a namespace, {@code user}/{@code workspace}
     * (their rooms keep fixed rules), or a word that is not an access mode.
     */
    private AccessPolicy access(JsonNode node) {
        if (node == null) {
            return null;
        }
        if (!node.isObject()) {
            problems.add("access: must be an object of namespace → mode, e.g. {\"chat\": \"room-token\", \"*\": \"open\"}");
            return null;
        }
        var modes = new LinkedHashMap<String, AccessMode>();
        AccessMode fallback = AccessPolicy.DEFAULT_FALLBACK;
        int before = problems.size();
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            String namespace = entry.getKey();
            String where = "access." + namespace;
            if (Room.USER_NAMESPACE.equals(namespace) || Room.WORKSPACE_NAMESPACE.equals(namespace)) {
                problems.add(where + ": " + namespace + ": rooms keep their fixed rules (a connection's own only); they "
                        + "take no access mode");
                continue;
            }
            if (!AccessPolicy.FALLBACK.equals(namespace) && !NAMESPACE.matcher(namespace).matches()) {
                problems.add(where + ": '" + namespace + "' is not a room namespace (a lowercase letter, then up to 31 of "
                        + "a-z, 0-9, _ and -; no colon), nor * for every namespace not named");
                continue;
            }
            AccessMode mode = entry.getValue().isTextual() ? mode(entry.getValue().textValue()) : null;
            if (mode == null) {
                problems.add(where + ": " + entry.getValue() + " is not an access mode; one of " + MODES);
            } else if (AccessPolicy.FALLBACK.equals(namespace)) {
                fallback = mode;
            } else {
                modes.put(namespace, mode);
            }
        }
        return problems.size() > before ? null : new AccessPolicy(modes, fallback);
    }

    /** Exactly one of the wire words (PULSE_ROOM_ACCESS is lenient about case; a file in the repository need not be). */
    private static AccessMode mode(String word) {
        return java.util.Arrays.stream(AccessMode.values()).filter(m -> m.wire().equals(word)).findFirst().orElse(null);
    }

    /** The payload schema as its own document: the catalog's $defs travel with it, so #/$defs/… refs resolve. */
    private JsonSchema compile(String app, String event, JsonNode payload, ObjectNode defs) {
        if (!payload.isObject()) {
            return compiled(app, event, payload); // a boolean schema (true/false) has nothing to merge
        }
        ObjectNode standalone = payload.deepCopy();
        if (!defs.isEmpty()) {
            ObjectNode merged = defs.deepCopy();
            if (standalone.get("$defs") instanceof ObjectNode own) {
                merged.setAll(own);
            }
            standalone.set("$defs", merged);
        }
        if (!standalone.has("$schema")) {
            standalone.put("$schema", DRAFT_2020_12);
        }
        return compiled(app, event, standalone);
    }

    private JsonSchema compiled(String app, String event, JsonNode schemaNode) {
        String id = "https://pulse.dev/catalogs/" + encode(app) + "/events/" + encode(event) + ".json";
        try {
            JsonSchema schema = factory.getSchema(SchemaLocation.of(id), schemaNode, config);
            schema.initializeValidators(); // resolves every $ref now, so a broken reference fails at load time
            return schema;
        } catch (RuntimeException e) {
            problems.add("event " + event + ": payload schema does not compile: " + e.getMessage());
            return null;
        }
    }

    private Route route(int number, JsonNode node) {
        JsonNode detailTypeNode = node.get("detailType");
        DetailTypeMatch detailType = detailTypeNode.isTextual()
                ? DetailTypeMatch.exactly(detailTypeNode.asText())
                : DetailTypeMatch.prefix(detailTypeNode.get("prefix").asText());
        var rooms = new ArrayList<RoomTemplate>();
        for (JsonNode room : node.get("rooms")) {
            rooms.add(RoomTemplate.parse(room.asText()));
        }
        return new Route(number, node.path("description").asText(""), node.hasNonNull("source") ? node.get("source").asText() : null,
                detailType, FieldPath.parse(node.get("workspace").asText()), rooms,
                node.hasNonNull("correlationId") ? FieldPath.parse(node.get("correlationId").asText()) : null);
    }

    private void checkRoute(Route route, Map<String, EventType> events, SchemaFields fields) {
        // A prefix route would hand raw bus events named like Pulse's signals to clients as if Pulse had sent them.
        RESERVED_EVENTS.stream().filter(route.detailType()::matches).sorted().findFirst().ifPresent(name ->
                problems.add(route + " would route events named " + name + ", one of Pulse's own signals"));
        List<EventType> matching = events.values().stream().filter(e -> route.detailType().matches(e.name())).toList();
        if (matching.isEmpty()) {
            problems.add(route + " matches no declared event");
            return;
        }
        for (RoomTemplate template : route.rooms()) {
            if (template.namespace().equals("workspace")
                    && !template.template().equals("workspace:{" + route.workspace().path() + "}")) {
                problems.add(route + ": a workspace room must be the event's own workspace, workspace:{"
                        + route.workspace() + "}, not " + template);
            }
        }
        for (EventType event : matching) {
            report(route, event, route.workspace(), fields.check(event.payload(), route.workspace(), SchemaFields.Use.WORKSPACE));
            for (RoomTemplate template : route.rooms()) {
                for (FieldPath field : template.fields()) {
                    report(route, event, field, fields.check(event.payload(), field, SchemaFields.Use.ROOM));
                }
            }
            if (route.correlationId() != null) {
                report(route, event, route.correlationId(),
                        fields.check(event.payload(), route.correlationId(), SchemaFields.Use.CORRELATION));
            }
        }
    }

    private void report(Route route, EventType event, FieldPath field, String problem) {
        if (problem != null) {
            problems.add(route + ", event " + event.name() + ": " + problem);
        }
    }

    /** Every example of a routed event must route: catches templates that build invalid room names. */
    private void checkExamplesRoute(EventCatalog catalog) {
        for (EventType event : catalog.events().values()) {
            for (int i = 0; i < event.examples().size(); i++) {
                for (Route route : catalog.routes()) {
                    if (!route.detailType().matches(event.name())) {
                        continue;
                    }
                    try {
                        catalog.route(route.source(), event.name(), event.examples().get(i));
                    } catch (RoutingException e) {
                        problems.add("event " + event.name() + ", example " + (i + 1) + " cannot be routed: " + e.getMessage());
                    }
                }
            }
        }
    }

    private void failIfProblems() {
        if (!problems.isEmpty()) {
            throw new CatalogException(origin, problems);
        }
    }

    /** The validator's messages as path + message, ordered by path for stable output. */
    static List<Violation> violations(JsonSchema schema, JsonNode instance) {
        Set<ValidationMessage> messages = schema.validate(instance);
        if (messages.isEmpty()) {
            return List.of();
        }
        var violations = new ArrayList<Violation>(messages.size());
        for (ValidationMessage m : messages) {
            String path = m.getInstanceLocation().toString();
            String text = m.getMessage();
            // The message repeats the path as "path: …"; keep the part after it.
            if (text.startsWith(path + ": ")) {
                text = text.substring(path.length() + 2);
            }
            violations.add(new Violation(path, text));
        }
        violations.sort(Comparator.comparing(Violation::path).thenComparing(Violation::message));
        return violations;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
