package dev.pulse.publish;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.pulse.envelope.EnvelopeCodec;
import dev.pulse.model.EventEnvelope;
import dev.pulse.model.Room;
import dev.pulse.model.Targets;
import dev.pulse.protocol.Json;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;

/**
 * One event being published: made by {@link Publisher#event(String)}, filled in fluently, then sent.
 * Not thread-safe; build it on one thread. The event id and {@code publishedAt} are fixed when the request is
 * made, so sending the same request twice publishes the same event twice, which the fan-out drops as a
 * duplicate. That makes a blind retry after a timeout safe.
 */
public final class PublishRequest {
    private final Publisher publisher;
    private final String event;
    private final Instant publishedAt;
    private String eventId;
    private String workspaceId;
    private boolean workspace;
    private final Set<String> users = new LinkedHashSet<>();
    private final Set<String> rooms = new LinkedHashSet<>();
    private String exceptConnectionId;
    private String correlationId;
    private JsonNode data = NullNode.instance;

    PublishRequest(Publisher publisher, String event, String eventId, Instant publishedAt) {
        this.publisher = publisher;
        this.event = event;
        this.eventId = eventId;
        this.publishedAt = publishedAt;
    }

    /** Deliver to every connection of the workspace. */
    public PublishRequest toWorkspace(String workspaceId) {
        bind(workspaceId);
        workspace = true;
        return this;
    }

    /** Deliver to every device of these users (inside the workspace). */
    public PublishRequest toUsers(String workspaceId, String... userIds) {
        return toUsers(workspaceId, Arrays.asList(Objects.requireNonNull(userIds, "userIds")));
    }

    /** Deliver to every device of these users (inside the workspace). An empty collection adds no target. */
    public PublishRequest toUsers(String workspaceId, Collection<String> userIds) {
        Objects.requireNonNull(userIds, "userIds");
        for (String user : userIds) {
            if (user == null || user.isBlank() || !Room.isValidName("user:" + user)) {
                throw new IllegalArgumentException("invalid user id: " + user);
            }
        }
        bind(workspaceId);
        users.addAll(userIds);
        return this;
    }

    /** Deliver to the members of a room of the workspace, e.g. {@code chat:42}. */
    public PublishRequest toRoom(String workspaceId, String room) {
        if (!Room.isValidName(room)) {
            throw new IllegalArgumentException("invalid room name: " + room);
        }
        bind(workspaceId);
        rooms.add(room);
        return this;
    }

    /** Skip this connection, usually the one whose action caused the event. */
    public PublishRequest except(String connectionId) {
        if (connectionId != null && connectionId.isBlank()) {
            throw new IllegalArgumentException("connectionId must not be blank");
        }
        this.exceptConnectionId = connectionId;
        return this;
    }

    /** Ties the event to the request that caused it; defaults to the event id. */
    public PublishRequest correlationId(String correlationId) {
        this.correlationId = correlationId;
        return this;
    }

    /** Replaces the generated event id, e.g. with an id derived from the domain change (idempotency key). */
    public PublishRequest eventId(String eventId) {
        if (eventId == null || eventId.isBlank() || eventId.length() > EnvelopeCodec.MAX_EVENT_ID_LENGTH) {
            throw new IllegalArgumentException("eventId must be 1.." + EnvelopeCodec.MAX_EVENT_ID_LENGTH + " characters");
        }
        this.eventId = eventId;
        return this;
    }

    /**
     * The payload: a POJO, a Map, a JsonNode or null, converted at once with {@link Json#MAPPER} (later changes
     * to the object do not leak into the event). A String becomes a JSON string, not parsed JSON.
     */
    public PublishRequest data(Object data) {
        this.data = data == null ? NullNode.instance : Json.MAPPER.valueToTree(data);
        return this;
    }

    public String eventId() {
        return eventId;
    }

    public String event() {
        return event;
    }

    /** The envelope as it will be sent. */
    public EventEnvelope envelope() {
        return new EventEnvelope(eventId, event, workspaceId,
                new Targets(workspace, List.copyOf(users), List.copyOf(rooms)),
                exceptConnectionId, correlationId == null ? eventId : correlationId, publishedAt, data);
    }

    /**
     * The PutEvents entry: {@code Source} = the publisher's service name, {@code DetailType} = the event name,
     * {@code EventBusName} = the publisher's bus, {@code Detail} = the envelope.
     *
     * @throws IllegalArgumentException if there is no target, the envelope is invalid, or the entry exceeds
     *                                  {@link EntrySize#MAX_BYTES}
     * @throws dev.pulse.catalog.InvalidEventException (an IllegalArgumentException) if the publisher has a catalog
     *                                  and it refuses the payload; the message names the event and the JSON path
     */
    public PutEventsRequestEntry toEntry() {
        if (workspaceId == null) {
            throw new IllegalArgumentException("event " + event + " has no target: call toWorkspace, toUsers or toRoom");
        }
        publisher.checkPayload(event, data);
        PutEventsRequestEntry entry = PutEventsRequestEntry.builder()
                .source(publisher.source())
                .detailType(event)
                .eventBusName(publisher.eventBusName())
                .detail(EnvelopeCodec.toDetail(envelope()))
                .build();
        int size = EntrySize.of(entry);
        if (size > EntrySize.MAX_BYTES) {
            throw new IllegalArgumentException("event " + event + " (" + eventId + ") is " + size
                    + " bytes; EventBridge accepts at most " + EntrySize.MAX_BYTES
                    + ". Publish a reference (e.g. an id to fetch) instead of the full payload.");
        }
        return entry;
    }

    /**
     * Publishes with one PutEvents call.
     *
     * @return the event id
     * @throws PublishException         if EventBridge rejects the entry
     * @throws IllegalArgumentException as {@link #toEntry()}
     */
    public String send() {
        return publisher.send(this);
    }

    private void bind(String workspaceId) {
        if (workspaceId == null || workspaceId.isBlank()) {
            throw new IllegalArgumentException("workspaceId must not be blank");
        }
        if (this.workspaceId != null && !this.workspaceId.equals(workspaceId)) {
            throw new IllegalArgumentException("all targets of one event must be in the same workspace: "
                    + this.workspaceId + " vs " + workspaceId + "; publish one event per workspace");
        }
        this.workspaceId = workspaceId;
    }
}
