package dev.pulse.sync;

import dev.pulse.support.metrics.Metric;
import dev.pulse.support.metrics.Metrics;
import com.fasterxml.jackson.databind.JsonNode;
import dev.pulse.action.ActionException;
import dev.pulse.action.ActionHandler;
import dev.pulse.delivery.ConnectionSender;
import dev.pulse.model.Connection;
import dev.pulse.model.Room;
import dev.pulse.protocol.Actions;
import dev.pulse.protocol.ClientFrame;
import dev.pulse.protocol.ErrorCode;
import dev.pulse.protocol.Json;
import dev.pulse.protocol.ProtocolException;
import dev.pulse.protocol.ServerFrames;
import dev.pulse.room.RoomAccess;
import dev.pulse.room.RoomOperation;
import dev.pulse.store.EventLog;
import dev.pulse.store.MembershipStore;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * {@code sync.request}: replays the events a reconnecting client missed, from the {@link EventLog}.
 *
 * <p>The client names its last position per room ({@code {"positions":{"chat:42":{"seq":17,"epoch":"…"}}}})
 * or a time ({@code {"since":"2026-11-22T10:00:00Z"}}, every room the connection is in). Only rooms this
 * connection is in, in its own workspace, are read. Missed events go out in {@code sync} frames (each a
 * batch of event frames under {@link #MAX_FRAME_BYTES}), room by room in sequence order; then one
 * {@code sync.state} frame tells per room whether continuity is {@code restored}, {@code lost} (history
 * expired, epoch changed, or the position is unknown: refetch state and continue from the given
 * position), {@code partial} (this request's budget ran out: send again with the positions given) or
 * {@code not_joined}. Work per request is bounded: at most {@link #MAX_EVENTS} events and
 * {@link #MAX_ROOMS} rooms; reads go {@link SyncReplay#PAGE_SIZE} items per Query.
 */
public final class SyncActions {
    public static final int MAX_EVENTS = 1000;
    public static final int MAX_ROOMS = SyncQuery.MAX_ROOMS;
    /** Below API Gateway's 128 KB per message, with room for the frame around the events. */
    public static final int MAX_FRAME_BYTES = 120 * 1024;

    private final MembershipStore memberships;
    private final SyncReplay replay;
    private final Metrics metrics;
    private final ConnectionSender sender;

    private final LastEventIdQuery lastEventIds;
    private final RoomAccess access;

    public SyncActions(MembershipStore memberships, RoomAccess access, EventLog log, ConnectionSender sender, Clock clock) {
        this(memberships, access, log, sender, clock, Metrics.NONE);
    }

    /** @param metrics where the replayed events and the rooms answered {@code lost} are counted */
    public SyncActions(MembershipStore memberships, RoomAccess access, EventLog log, ConnectionSender sender, Clock clock,
                       Metrics metrics) {
        this.metrics = metrics;
        this.memberships = memberships;
        this.access = access;
        this.replay = new SyncReplay(log, clock);
        this.lastEventIds = new LastEventIdQuery(log);
        this.sender = sender;
    }

    public void registerInto(Map<String, ActionHandler> actions) {
        actions.put(Actions.SYNC_REQUEST, this::sync);
    }

    JsonNode sync(Connection connection, ClientFrame frame) throws ActionException, ProtocolException {
        var joined = new LinkedHashSet<String>();
        memberships.rooms(connection.connectionId()).forEach(room -> joined.add(room.name()));
        SyncQuery query;
        try {
            var lastEventId = frame.data().get("lastEventId");
            if (lastEventId != null) {
                if (frame.data().has("positions") || frame.data().has("since")) {
                    throw new ProtocolException(ErrorCode.INVALID_FRAME,
                            "data.lastEventId cannot be combined with positions or since", frame.id());
                }
                if (!lastEventId.isTextual() || lastEventId.textValue().isEmpty() || lastEventId.textValue().length() > 128) {
                    throw new ProtocolException(ErrorCode.INVALID_FRAME, "data.lastEventId must be a string of 1-128 characters", frame.id());
                }
                query = lastEventIds.resolve(connection.workspaceId(), lastEventId.textValue(), joined);
            } else {
                query = SyncQuery.parse(frame.data(), joined);
            }
        } catch (SyncQuery.InvalidSyncQuery e) {
            if (e.invalidRoom()) {
                throw new ActionException(ErrorCode.INVALID_ROOM, e.getMessage());
            }
            throw new ProtocolException(ErrorCode.INVALID_FRAME, e.getMessage(), frame.id());
        }
        var out = new Batcher(connection.connectionId());
        var who = connection.identity();
        // Only rooms the connection is in, and may still read now (an access hook may have changed its mind).
        SyncReplay.Readable readable = name -> !joined.contains(name) ? SyncReplay.Access.NOT_JOINED
                : access.asMember(who, new Room(connection.workspaceId(), name), RoomOperation.READ).allowed()
                        ? SyncReplay.Access.READABLE : SyncReplay.Access.FORBIDDEN;
        var result = replay.run(connection.workspaceId(), query, readable, MAX_EVENTS, Long.MAX_VALUE, out::add);
        out.flush();
        sender.send(connection.connectionId(), ServerFrames.syncState(result.rooms(), result.more()));
        metrics.record(Metric.SYNC_REPLAYED, result.events(), Map.of());
        result.rooms().forEach(state -> {
            if ("lost".equals(state.path("status").asText())) {
                metrics.count(Metric.SYNC_LOST);
            }
        });
        return Json.object().put("events", result.events()).put("more", result.more());
    }

    /** Packs event frames into {@code sync} frames under {@link #MAX_FRAME_BYTES} and sends each when full. */
    private final class Batcher {
        private final String connectionId;
        private final List<String> pending = new ArrayList<>();
        private int bytes = ServerFrames.SYNC_OVERHEAD;

        Batcher(String connectionId) {
            this.connectionId = connectionId;
        }

        void add(String eventFrame) {
            int size = eventFrame.getBytes(StandardCharsets.UTF_8).length + 1;
            if (!pending.isEmpty() && bytes + size > MAX_FRAME_BYTES) {
                flush();
            }
            pending.add(eventFrame);
            bytes += size;
        }

        void flush() {
            if (pending.isEmpty()) {
                return;
            }
            sender.send(connectionId, ServerFrames.sync(pending));
            pending.clear();
            bytes = ServerFrames.SYNC_OVERHEAD;
        }
    }
}
