package dev.pulse.publish;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pulse.catalog.EventCatalog;
import dev.pulse.catalog.InvalidEventException;
import dev.pulse.envelope.ControlCodec;
import dev.pulse.envelope.EnvelopeCodec;
import dev.pulse.envelope.EventIdGenerator;
import dev.pulse.envelope.InvalidEnvelopeException;
import dev.pulse.model.ControlCommand;
import dev.pulse.protocol.Json;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequest;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

/**
 * How a domain service publishes Pulse events: PutEvents on its EventBridge bus with the stock client.
 * <pre>{@code
 * String id = publisher.event("approval.created")
 *         .toRoom("w1", "approvals:team-7").except(connectionId)
 *         .data(approval)
 *         .send();
 * }</pre>
 * Thread-safe; build one per service and share it. Errors the SDK raises (network, throttling after the
 * SDK's own retries, auth) propagate unchanged as SDK exceptions.
 *
 * <p>With an {@link EventCatalog} ({@link #withCatalog}), every payload is validated against its event's schema
 * before anything is sent: an invalid one throws {@link InvalidEventException} naming the event and the failing
 * JSON path, and so does an event the catalog does not declare when it is strict.
 */
public final class Publisher {
    /** EventBridge accepts at most 10 entries per PutEvents call. */
    public static final int MAX_ENTRIES_PER_CALL = 10;

    private final EventBridgeClient client;
    private final String eventBusName;
    private final String source;
    private final Clock clock;
    private final EventIdGenerator ids;
    private final EventCatalog catalog;

    /**
     * @param client       the stock EventBridge client (its endpoint, region and credentials decide where events go)
     * @param eventBusName the bus the fan-out rule is on
     * @param source       the publishing service's name, e.g. {@code com.acme.approvals}; becomes {@code source}
     */
    public Publisher(EventBridgeClient client, String eventBusName, String source) {
        this(client, eventBusName, source, Clock.systemUTC());
    }

    public Publisher(EventBridgeClient client, String eventBusName, String source, Clock clock) {
        this(client, eventBusName, source, clock, null);
    }

    /** @param catalog validates every payload before it is sent; null for none */
    public Publisher(EventBridgeClient client, String eventBusName, String source, Clock clock, EventCatalog catalog) {
        this.catalog = catalog;
        this.client = Objects.requireNonNull(client, "client");
        this.eventBusName = requireText(eventBusName, "eventBusName");
        this.source = requireText(source, "source");
        // EventBridge reserves aws.* sources for AWS services and rejects them from PutEvents.
        if (source.startsWith("aws.")) {
            throw new IllegalArgumentException("source must not start with 'aws.' (reserved by AWS): " + source);
        }
        this.clock = Objects.requireNonNull(clock, "clock");
        this.ids = new EventIdGenerator(clock);
    }

    /** This publisher, validating every payload against the catalog before sending (null: no validation). */
    public Publisher withCatalog(EventCatalog catalog) {
        return new Publisher(client, eventBusName, source, clock, catalog);
    }

    /** The catalog payloads are validated against, if any. */
    public Optional<EventCatalog> catalog() {
        return Optional.ofNullable(catalog);
    }

    /** Starts an event; its id (time-ordered) and publish time are fixed now. */
    public PublishRequest event(String name) {
        if (name == null || name.isBlank() || name.length() > EnvelopeCodec.MAX_EVENT_NAME_LENGTH) {
            throw new IllegalArgumentException("event name must be 1.." + EnvelopeCodec.MAX_EVENT_NAME_LENGTH
                    + " characters: " + name);
        }
        return new PublishRequest(this, name, ids.next(), clock.instant());
    }

    /**
     * Publishes many events with as few PutEvents calls as EventBridge allows: up to 10 entries per call and
     * at most {@link EntrySize#MAX_BYTES} per call in total. Every request is validated before anything is sent.
     *
     * @return the event ids, in request order
     * @throws PublishException if EventBridge rejected some entries; all batches are still attempted and the
     *                          exception lists what was and was not published
     */
    public List<String> sendAll(List<PublishRequest> requests) {
        List<PutEventsRequestEntry> entries = new ArrayList<>(requests.size());
        for (PublishRequest request : requests) {
            entries.add(request.toEntry());
        }
        List<PublishException.Failure> failures = new ArrayList<>();
        List<String> published = new ArrayList<>();
        int start = 0;
        while (start < entries.size()) {
            int end = start;
            int bytes = 0;
            while (end < entries.size() && end - start < MAX_ENTRIES_PER_CALL
                    && (end == start || bytes + EntrySize.of(entries.get(end)) <= EntrySize.MAX_BYTES)) {
                bytes += EntrySize.of(entries.get(end));
                end++;
            }
            put(entries.subList(start, end), requests.subList(start, end), failures, published);
            start = end;
        }
        if (!failures.isEmpty()) {
            throw new PublishException(failures, published);
        }
        return requests.stream().map(PublishRequest::eventId).toList();
    }

    // ---- control commands (PROTOCOL §10.6) -----------------------------------------------------------------

    /** Adds every connection of the user to the room (Socket.IO's {@code socketsJoin}). @return the command's id */
    public String joinRoom(String workspaceId, String room, String userId) {
        return control(ControlCommand.Kind.JOIN_ROOM, workspaceId, userId, null, room, null);
    }

    /** Removes every connection of the user from the room at once: access withdrawn. @return the command's id */
    public String removeFromRoom(String workspaceId, String room, String userId, String reason) {
        return control(ControlCommand.Kind.REMOVE_FROM_ROOM, workspaceId, userId, null, room, reason);
    }

    /** Closes every connection of the user. @return the command's id */
    public String closeConnections(String workspaceId, String userId) {
        return control(ControlCommand.Kind.CLOSE_CONNECTIONS, workspaceId, userId, null, null, null);
    }

    /** Sends any control command (e.g. one naming a single connection). @return the command's id */
    public String control(ControlCommand.Kind kind, String workspaceId, String userId, String connectionId, String room,
                          String reason) {
        var command = new ControlCommand(kind, ids.next(), workspaceId, userId, connectionId, room, reason, null);
        String detail = ControlCodec.toDetail(command);
        try {
            ControlCodec.fromDetail(Json.MAPPER.readTree(detail)); // the fan-out's own checks, before anything is sent
        } catch (InvalidEnvelopeException | java.io.IOException e) {
            throw new IllegalArgumentException("invalid control command: " + e.getMessage(), e);
        }
        var entry = PutEventsRequestEntry.builder().eventBusName(eventBusName).source(source)
                .detailType(ControlCodec.DETAIL_TYPE).detail(detail).build();
        var response = client.putEvents(PutEventsRequest.builder().entries(entry).build());
        var result = response.hasEntries() && !response.entries().isEmpty() ? response.entries().get(0) : null;
        if (result == null || result.errorCode() != null) {
            throw new PublishException(List.of(new PublishException.Failure(command.eventId(),
                    result == null ? "MissingResult" : result.errorCode(),
                    result == null ? "PutEvents returned no result" : result.errorMessage())), List.of());
        }
        return command.eventId();
    }

    public String eventBusName() {
        return eventBusName;
    }

    public String source() {
        return source;
    }

    /** @throws InvalidEventException if a catalog is set and refuses the payload */
    void checkPayload(String event, JsonNode data) {
        if (catalog != null) {
            catalog.validate(event, data);
        }
    }

    String send(PublishRequest request) {
        PutEventsRequestEntry entry = request.toEntry();
        List<PublishException.Failure> failures = new ArrayList<>(1);
        List<String> published = new ArrayList<>(1);
        put(List.of(entry), List.of(request), failures, published);
        if (!failures.isEmpty()) {
            throw new PublishException(failures, published);
        }
        return request.eventId();
    }

    private void put(List<PutEventsRequestEntry> entries, List<PublishRequest> requests,
                     List<PublishException.Failure> failures, List<String> published) {
        PutEventsResponse response = client.putEvents(PutEventsRequest.builder().entries(entries).build());
        List<PutEventsResultEntry> results = response.hasEntries() ? response.entries() : List.of();
        // Result entries line up with request entries by position.
        for (int i = 0; i < requests.size(); i++) {
            String eventId = requests.get(i).eventId();
            PutEventsResultEntry result = i < results.size() ? results.get(i) : null;
            if (result == null) {
                failures.add(new PublishException.Failure(eventId, "MissingResult",
                        "PutEvents returned no result for this entry"));
            } else if (result.errorCode() != null) {
                failures.add(new PublishException.Failure(eventId, result.errorCode(), result.errorMessage()));
            } else {
                published.add(eventId);
            }
        }
    }

    private static String requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
        return value;
    }
}
