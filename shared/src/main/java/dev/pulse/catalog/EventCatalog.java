package dev.pulse.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.networknt.schema.JsonSchema;
import dev.pulse.model.Room;
import dev.pulse.model.Targets;
import dev.pulse.room.AccessPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An application's event catalog, loaded and checked: its event types with compiled payload schemas, and its routes.
 * Immutable and thread-safe; load it once and share it (the publisher and the fan-out both use it).
 * <pre>{@code
 * EventCatalog catalog = EventCatalog.load("hyvve");        // classpath:catalogs/hyvve.catalog.json
 * catalog.validate("approval.created", payload);           // InvalidEventException naming event and JSON path
 * Optional<Routing> to = catalog.route("com.hyvve.api", "approval.created", payload);
 * }</pre>
 * Loading fails with a {@link CatalogException} listing every problem: the file breaks the catalog meta-schema
 * ({@code https://pulse.dev/schemas/v1/catalog.json}), a payload schema does not compile, an example does not
 * validate, a route matches no declared event, a route names a field that a matching event's payload schema does
 * not declare as required (or of a usable type), an example cannot be routed, or an {@code access} entry names no
 * namespace, a {@code user}/{@code workspace} namespace, or no access mode.
 */
public final class EventCatalog {
    /** Where bare catalog names are looked up: {@code catalogs/<name>.catalog.json} on the classpath. */
    public static final String CLASSPATH_FOLDER = "catalogs/";
    public static final String FILE_SUFFIX = ".catalog.json";

    private final String origin;
    private final JsonNode document;
    private final String app;
    private final String title;
    private final String description;
    private final UnknownEvents unknownEvents;
    private final Map<String, EventType> events;
    private final Map<String, JsonSchema> schemas;
    private final List<Route> routes;
    private final AccessPolicy access;

    EventCatalog(String origin, JsonNode document, UnknownEvents unknownEvents, Map<String, EventType> events,
                 Map<String, JsonSchema> schemas, List<Route> routes, AccessPolicy access) {
        this.origin = origin;
        this.document = document;
        this.app = document.path("app").asText();
        this.title = document.path("title").asText();
        this.description = document.path("description").asText("");
        this.unknownEvents = unknownEvents;
        this.events = events;
        this.schemas = schemas;
        this.routes = List.copyOf(routes);
        this.access = access;
    }

    /**
     * Loads a catalog by name or location: a bare name ({@code hyvve}) from {@code classpath:catalogs/hyvve.catalog.json};
     * {@code classpath:<resource>}; {@code file:<uri>}; or a file path.
     *
     * @throws CatalogException         if it cannot be read or is invalid
     * @throws IllegalArgumentException for a blank location
     */
    public static EventCatalog load(String location) {
        if (location == null || location.isBlank()) {
            throw new IllegalArgumentException("catalog location must not be blank");
        }
        String l = location.trim();
        if (l.startsWith("classpath:")) {
            return fromClasspath(l.substring("classpath:".length()));
        }
        if (l.startsWith("file:")) {
            return fromFile(Path.of(URI.create(l)));
        }
        if (l.contains("/") || l.contains("\\") || l.endsWith(".json")) {
            return fromFile(Path.of(l));
        }
        return fromClasspath(CLASSPATH_FOLDER + l + FILE_SUFFIX);
    }

    /** @param resource e.g. {@code catalogs/hyvve.catalog.json} */
    public static EventCatalog fromClasspath(String resource) {
        String name = resource.startsWith("/") ? resource.substring(1) : resource;
        String origin = "classpath:" + name;
        ClassLoader loader = EventCatalog.class.getClassLoader();
        try (InputStream in = loader.getResourceAsStream(name)) {
            if (in == null) {
                throw new CatalogException(origin, List.of("not found on the classpath"));
            }
            return parse(origin, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new CatalogException(origin, "unreadable: " + e.getMessage(), e);
        }
    }

    public static EventCatalog fromFile(Path file) {
        String origin = file.toString();
        try {
            return parse(origin, Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new CatalogException(origin, "unreadable: " + e, e);
        }
    }

    /** @param origin names the source in error messages */
    public static EventCatalog parse(String origin, String json) {
        return new CatalogLoader(origin).load(json);
    }

    /** The same catalog with another policy for undeclared events (a deployment may override the file's). */
    public EventCatalog withUnknownEvents(UnknownEvents mode) {
        return mode == null || mode == unknownEvents ? this
                : new EventCatalog(origin, document, mode, events, schemas, routes, access);
    }

    public String origin() {
        return origin;
    }

    /** The catalog as written, for generators. */
    public JsonNode document() {
        return document.deepCopy();
    }

    /** The catalog's shared payload definitions ({@code $defs}), possibly empty. */
    public JsonNode definitions() {
        return document.path("$defs").deepCopy();
    }

    public String app() {
        return app;
    }

    public String title() {
        return title;
    }

    public String description() {
        return description;
    }

    public UnknownEvents unknownEvents() {
        return unknownEvents;
    }

    /** Event types by name, in catalog order. */
    public Map<String, EventType> events() {
        return events;
    }

    public Optional<EventType> event(String name) {
        return Optional.ofNullable(events.get(name));
    }

    public boolean declares(String name) {
        return events.containsKey(name);
    }

    public List<Route> routes() {
        return routes;
    }

    /**
     * The access modes the catalog declares for its room namespaces ({@code "access"}), empty when it declares none.
     * The policy's fallback is the catalog's {@code *}, or {@code open} when it names none. A deployment's own
     * declaration ({@code PULSE_ROOM_ACCESS}) overrides it per namespace, and for {@code *} when it names one
     * ({@code PulseConfig.Access#effective}).
     */
    public Optional<AccessPolicy> access() {
        return Optional.ofNullable(access);
    }

    /** Whether the catalog's {@code access} names {@code *} itself (without it, undeclared namespaces are open). */
    public boolean accessNamesFallback() {
        return document.path("access").has(AccessPolicy.FALLBACK);
    }

    /**
     * What is wrong with a payload for an event: empty when it is valid, or when the event is undeclared and the
     * catalog is permissive; one violation at {@code $} when it is undeclared and the catalog is strict.
     */
    public List<Violation> check(String event, JsonNode payload) {
        JsonSchema schema = schemas.get(event);
        if (schema == null) {
            return unknownEvents == UnknownEvents.PERMISSIVE ? List.of()
                    : List.of(new Violation("$", "unknown event type (catalog " + app + " declares "
                    + events.size() + " events and is strict)"));
        }
        return CatalogLoader.violations(schema, payload == null ? NullNode.instance : payload);
    }

    /** @throws InvalidEventException naming the event and every failing JSON path */
    public void validate(String event, JsonNode payload) {
        List<Violation> violations = check(event, payload);
        if (!violations.isEmpty()) {
            throw new InvalidEventException(event, violations);
        }
    }

    /** The routes that take an event with this source and name, in catalog order. */
    public List<Route> routesFor(String source, String detailType) {
        return routes.stream().filter(r -> r.matches(source, detailType)).toList();
    }

    /**
     * Where a domain event goes by the routes: empty when no route matches it; otherwise the union of the rooms of
     * every matching route, in the workspace they name. Does not validate the payload ({@link #check} does).
     *
     * @throws RoutingException if a matching route cannot be applied to this payload
     */
    public Optional<Routing> route(String source, String detailType, JsonNode payload) throws RoutingException {
        List<Route> matched = routesFor(source, detailType);
        if (matched.isEmpty()) {
            return Optional.empty();
        }
        String workspaceId = null;
        String correlationId = null;
        boolean workspace = false;
        var users = new LinkedHashSet<String>();
        var rooms = new LinkedHashSet<String>();
        for (Route route : matched) {
            JsonNode value = route.workspace().read(payload);
            if (value == null || !value.isTextual() || value.asText().isBlank()) {
                throw new RoutingException(route + ": workspace field " + route.workspace() + " is missing or not a string");
            }
            String id = value.asText();
            if (!Room.isValidName("workspace:" + id)) {
                throw new RoutingException(route + ": workspace field " + route.workspace() + " holds '" + id
                        + "', not a valid workspace id");
            }
            if (workspaceId != null && !workspaceId.equals(id)) {
                throw new RoutingException("routes disagree on the workspace: " + workspaceId + " vs " + id + " (" + route + ")");
            }
            workspaceId = id;
            for (RoomTemplate template : route.rooms()) {
                for (String name : template.resolve(payload)) {
                    if (name.equals("workspace:" + id)) {
                        workspace = true;
                    } else if (name.startsWith("user:")) {
                        users.add(name.substring("user:".length()));
                    } else {
                        rooms.add(name);
                    }
                }
            }
            if (correlationId == null && route.correlationId() != null) {
                JsonNode c = route.correlationId().read(payload);
                if (c != null && c.isTextual() && !c.asText().isBlank()) {
                    correlationId = c.asText();
                }
            }
        }
        var targets = new Targets(workspace, new ArrayList<>(users), new ArrayList<>(rooms));
        if (targets.isEmpty()) {
            throw new RoutingException("no room: every template of " + matched + " expanded to nothing");
        }
        return Optional.of(new Routing(workspaceId, targets, correlationId, matched));
    }

    /** The EventBridge pattern of the routing rule ({@link RulePattern}); empty without routes. */
    public Optional<String> rulePattern() {
        return RulePattern.of(routes);
    }

    @Override
    public String toString() {
        return "EventCatalog[" + app + ", " + events.size() + " events, " + routes.size() + " routes, " + origin + "]";
    }
}
