package dev.pulse.delivery;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pulse.model.ClosedConnection;
import dev.pulse.store.ConnectionStore;
import dev.pulse.protocol.Json;
import dev.pulse.protocol.ServerFrames;
import dev.pulse.model.EventEnvelope;
import dev.pulse.model.Member;
import dev.pulse.store.MembershipStore;
import dev.pulse.model.Room;
import dev.pulse.store.EventLog;
import dev.pulse.model.Position;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers one event to every connection in its target rooms: reads each room's memberships page by page
 * (one Query per page, nothing per connection), posts one frame per connection with at most
 * {@code concurrency} posts in flight, and prunes connections that answer 410 Gone.
 *
 * <p>With an {@link EventLog}, the event is first appended to the log of every target room (all rooms at
 * once, before any post), and each room's frame carries the event's {@code seq} and {@code epoch} there.
 * If an append fails, nothing is posted and the exception propagates, so EventBridge retries the whole
 * delivery; appends are idempotent by event id, so a retried or redelivered event keeps its positions
 * and a fan-out interrupted midway is completed by the redelivery (clients drop the repeats by eventId).
 */
public final class FanOut {
    private static final Logger LOG = LoggerFactory.getLogger(FanOut.class);

    private final MembershipStore memberships;
    private final ConnectionStore connections;
    private final ConnectionSender sender;
    private final int concurrency;
    private final EventLog log;
    private final Consumer<ClosedConnection> pruned;

    /** A fan-out without an event log: frames carry no positions. */
    public FanOut(MembershipStore memberships, ConnectionStore connections, ConnectionSender sender, int concurrency) {
        this(memberships, connections, sender, concurrency, null);
    }

    /** @param log where every event is logged per room before it is posted; null for none */
    public FanOut(MembershipStore memberships, ConnectionStore connections, ConnectionSender sender, int concurrency,
                  EventLog log) {
        this(memberships, connections, sender, concurrency, log, closed -> { });
    }

    /**
     * @param pruned told of every connection pruned after a 410 (a missed {@code $disconnect}), so presence can
     *               announce the departure
     */
    public FanOut(MembershipStore memberships, ConnectionStore connections, ConnectionSender sender, int concurrency,
                  EventLog log, Consumer<ClosedConnection> pruned) {
        this.log = log;
        this.pruned = pruned;
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1");
        }
        this.memberships = memberships;
        this.connections = connections;
        this.sender = sender;
        this.concurrency = concurrency;
    }

    /** The rooms an event targets, in the order workspace, users, rooms, without repeats. */
    public static List<Room> targetRooms(EventEnvelope event) {
        var rooms = new LinkedHashSet<Room>();
        var ws = event.workspaceId();
        if (event.targets().workspace()) {
            rooms.add(Room.workspace(ws));
        }
        event.targets().users().forEach(user -> rooms.add(Room.user(ws, user)));
        event.targets().rooms().forEach(name -> rooms.add(new Room(ws, name)));
        return List.copyOf(rooms);
    }

    public DeliveryReport deliver(EventEnvelope event) {
        return deliver(event, true);
    }

    /**
     * Delivers without logging: for ephemeral signals such as typing indicators, which must not be replayed
     * by {@code sync.request} and need no position. Their frames carry no {@code seq}/{@code epoch}.
     */
    public DeliveryReport deliverEphemeral(EventEnvelope event) {
        return deliver(event, false);
    }

    private DeliveryReport deliver(EventEnvelope event, boolean logged) {
        long started = System.nanoTime();
        long reading = 0;
        var rooms = targetRooms(event);
        Set<String> addressed = new HashSet<>();
        if (event.exceptConnectionId() != null) {
            addressed.add(event.exceptConnectionId());
        }
        var delivered = new AtomicInteger();
        var failed = new AtomicInteger();
        Queue<String> gone = new ConcurrentLinkedQueue<>();
        var inFlight = new Semaphore(concurrency);
        int pages = 0;
        int recipients = 0;

        List<Position> positions;
        try (ExecutorService posts = Executors.newVirtualThreadPerTaskExecutor()) {
            positions = logged ? append(event, rooms, posts) : null;
            for (int r = 0; r < rooms.size(); r++) {
                Room room = rooms.get(r);
                // One frame text per room, rendered once: the only per-connection work is the POST itself.
                var frames = new Frames(event, rooms, positions, r);
                var pagesOfRoom = memberships.members(room).iterator();
                while (true) {
                    long before = System.nanoTime();
                    boolean more = pagesOfRoom.hasNext();
                    List<Member> page = more ? pagesOfRoom.next() : null;
                    reading += System.nanoTime() - before;
                    if (!more) {
                        break;
                    }
                    pages++;
                    for (Member member : page) {
                        if (!addressed.add(member.connectionId())) {
                            continue; // already reached through an earlier room, or the excepted sender
                        }
                        recipients++;
                        String frame = frames.forUser(member.userId());
                        inFlight.acquireUninterruptibly();
                        posts.execute(() -> {
                            try {
                                switch (sender.send(member.connectionId(), frame)) {
                                    case DELIVERED -> delivered.incrementAndGet();
                                    case GONE -> gone.add(member.connectionId());
                                    case FAILED -> failed.incrementAndGet();
                                }
                            } catch (RuntimeException e) {
                                failed.incrementAndGet();
                                LOG.warn("post to {} threw: {}", member.connectionId(), e.toString());
                            } finally {
                                inFlight.release();
                            }
                        });
                    }
                }
            }
        } // close() waits for every post

        prune(new ArrayList<>(gone), event.correlationId());
        var report = new DeliveryReport(event.eventId(), rooms.size(), pages, recipients, delivered.get(), gone.size(), failed.get(),
                reading / 1_000_000, (System.nanoTime() - started) / 1_000_000, positions == null ? List.of() : positions);
        LOG.info("fanout event={} eventId={} correlationId={} rooms={} pages={} recipients={} delivered={} gone={} failed={} readMs={} totalMs={}",
                event.event(), event.eventId(), event.correlationId(), report.rooms(), report.pages(), report.recipients(),
                report.delivered(), report.gone(), report.failed(), report.readMillis(), report.totalMillis());
        return report;
    }

    /**
     * The frame texts of one event for the connections reached through one room. With positions, a frame also
     * carries the event's positions in the other target rooms the recipient may be in: every non-{@code user:}
     * room, and the recipient's own {@code user:} room (no one else's). So a connection in several target rooms,
     * which gets one frame, can advance every room's position and sees no false gap. Rendered once per room,
     * and once per targeted user when the event targets users.
     */
    private static final class Frames {
        private final EventEnvelope event;
        private final Room room;
        private final Position position;
        private final Map<String, Position> shared = new LinkedHashMap<>();
        private final Map<String, Position> users = new HashMap<>();
        private final Map<String, String> byUser = new HashMap<>();
        private String common;

        Frames(EventEnvelope event, List<Room> rooms, List<Position> positions, int index) {
            this.event = event;
            this.room = rooms.get(index);
            this.position = positions == null ? null : positions.get(index);
            if (positions != null) {
                for (int i = 0; i < rooms.size(); i++) {
                    if (i == index) {
                        continue;
                    }
                    Room other = rooms.get(i);
                    if ("user".equals(other.namespace())) {
                        users.put(other.id(), positions.get(i));
                    } else {
                        shared.put(other.name(), positions.get(i));
                    }
                }
            }
        }

        String forUser(String userId) {
            if (position == null) {
                if (common == null) {
                    common = ServerFrames.event(event.event(), room.name(), event.eventId(), event.publishedAt(),
                            event.correlationId(), event.data());
                }
                return common;
            }
            Position own = userId == null ? null : users.get(userId);
            if (own == null) {
                if (common == null) {
                    common = render(null, null);
                }
                return common;
            }
            return byUser.computeIfAbsent(userId, u -> render("user:" + u, own));
        }

        private String render(String userRoom, Position userPosition) {
            ObjectNode others = Json.object();
            shared.forEach((name, p) -> others.putObject(name).put("seq", p.seq()).put("epoch", p.epoch()));
            if (userRoom != null) {
                others.putObject(userRoom).put("seq", userPosition.seq()).put("epoch", userPosition.epoch());
            }
            return ServerFrames.event(event.event(), room.name(), position.seq(), position.epoch(), others, event.eventId(),
                    event.publishedAt(), event.correlationId(), event.data());
        }
    }

    /** The event's position in each room (same order), appending to all rooms concurrently; null without a log. */
    private List<Position> append(EventEnvelope event, List<Room> rooms, ExecutorService executor) {
        if (log == null) {
            return null;
        }
        var futures = new ArrayList<Future<Position>>(rooms.size());
        for (Room room : rooms) {
            futures.add(executor.submit(() -> log.append(room, event)));
        }
        var positions = new ArrayList<Position>(rooms.size());
        for (var future : futures) {
            try {
                positions.add(future.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while logging event " + event.eventId(), e);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException re ? re
                        : new IllegalStateException("logging event " + event.eventId() + " failed", e.getCause());
            }
        }
        return positions;
    }

    private void prune(List<String> goneConnections, String correlationId) {
        for (String connectionId : goneConnections) {
            try {
                var closed = connections.closeGone(connectionId);
                if (closed.isEmpty()) {
                    LOG.info("gone connection {} kept: it is still connecting (correlationId={})", connectionId, correlationId);
                } else {
                    pruned.accept(closed.get());
                }
            } catch (RuntimeException e) {
                // Not fatal: the records expire by TTL and the next fan-out tries again.
                LOG.warn("prune of gone connection {} failed (correlationId={}): {}", connectionId, correlationId, e.toString());
            }
        }
    }
}
