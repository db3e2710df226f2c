package dev.pulse.delivery;

import dev.pulse.model.Member;
import dev.pulse.support.metrics.Metric;
import dev.pulse.support.metrics.Metrics;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The big-room branch of the {@link FanOut} (docs/SCALING.md): reads a room's first pages until it knows whether the
 * room has more than {@code threshold} members. A small room's pages go back to the fan-out, which posts them as it
 * always did; a big room's members are cut, page by page as they are read, into {@link Shard}s of at most
 * {@code shardSize} connections, each handed to a worker as soon as it is full, so the workers post while the rest of
 * the room is still being read. The fan-out returns once every shard was accepted; if one was not, it throws and the
 * whole event is retried (its shards get the same keys when the membership did not change, so workers that already
 * finished theirs skip them).
 *
 * <p>Only logged events are split: a worker's retry needs the event's id and positions to resume, and ephemeral signals
 * (typing, presence) go to rooms small enough for presence anyway.
 */
public final class RoomSplitter {
    private static final Logger LOG = LoggerFactory.getLogger(RoomSplitter.class);
    /**
     * A shard travels as one SQS message (256 KB): its connection ids, user ids and the event itself stay below this
     * many bytes of JSON, whatever the shard size says.
     */
    static final int MAX_SHARD_BYTES = 200_000;

    /**
     * What the split did with one room.
     *
     * @param unsplit    the pages read to tell (the room's whole membership, as the fan-out would have read it) when the
     *                   room is small; null when it was handed out
     * @param pages      membership pages read when handed out
     * @param recipients connections handed out in shards
     * @param shards     shards handed out
     * @param readNanos  time spent waiting for membership pages
     */
    public record Split(Iterator<List<Member>> unsplit, int pages, int recipients, int shards, long readNanos) {
        public boolean handedOut() {
            return unsplit == null;
        }
    }

    private final int threshold;
    private final int shardSize;
    private final ShardHandOff handOff;
    private final Metrics metrics;

    /**
     * @param threshold members of one room above which it is split
     * @param shardSize connections per shard at most
     */
    public RoomSplitter(int threshold, int shardSize, ShardHandOff handOff, Metrics metrics) {
        if (threshold < 1 || shardSize < 1) {
            throw new IllegalArgumentException("threshold and shardSize must be positive");
        }
        this.threshold = threshold;
        this.shardSize = shardSize;
        this.handOff = handOff;
        this.metrics = metrics;
    }

    /**
     * @param pages     the room's membership pages, not yet read
     * @param addressed connections already reached through an earlier room (and the excepted one); the members handed
     *                  out are added to it
     */
    Split split(Delivery delivery, int roomIndex, Iterator<List<Member>> pages, Set<String> addressed) {
        if (!delivery.logged()) {
            return new Split(pages, 0, 0, 0, 0);
        }
        var readAhead = new ArrayList<List<Member>>();
        var timed = new TimedPages(pages);
        int seen = 0;
        while (seen <= threshold) {
            List<Member> page = timed.next();
            if (page == null) {
                return new Split(readAhead.iterator(), 0, 0, 0, timed.nanos);
            }
            readAhead.add(page);
            seen += page.size();
        }
        var cutter = new Cutter(delivery, roomIndex, addressed);
        readAhead.forEach(cutter::add);
        int read = readAhead.size();
        for (List<Member> page; (page = timed.next()) != null; read++) {
            cutter.add(page);
        }
        cutter.finish();
        var content = delivery.content();
        LOG.info("big room {} of event={} eventId={} correlationId={}: {} connections in {} shards", delivery.rooms()
                .get(roomIndex).name(), content.event(), content.eventId(), content.correlationId(), cutter.recipients,
                cutter.handedOut.size());
        return new Split(null, read, cutter.recipients, cutter.handedOut.size(), timed.nanos);
    }

    /** The room's pages one at a time (null after the last), counting the time spent waiting for them. */
    private static final class TimedPages {
        private final Iterator<List<Member>> pages;
        private long nanos;

        TimedPages(Iterator<List<Member>> pages) {
            this.pages = pages;
        }

        List<Member> next() {
            long before = System.nanoTime();
            try {
                return pages.hasNext() ? pages.next() : null;
            } finally {
                nanos += System.nanoTime() - before;
            }
        }
    }

    /** Fills shards member by member and hands each out when it is full. */
    private final class Cutter {
        private final Delivery delivery;
        private final int roomIndex;
        private final Set<String> addressed;
        private final int baseBytes;
        private final List<CompletableFuture<Void>> handedOut = new ArrayList<>();
        private List<Member> current = new ArrayList<>();
        private int bytes;
        private int recipients;

        Cutter(Delivery delivery, int roomIndex, Set<String> addressed) {
            this.delivery = delivery;
            this.roomIndex = roomIndex;
            this.addressed = addressed;
            // The event, its rooms and positions travel in every shard.
            this.baseBytes = 1024 + delivery.content().dataJson().getBytes(StandardCharsets.UTF_8).length
                    + delivery.rooms().stream().mapToInt(r -> r.name().length() + r.workspaceId().length() + 96).sum();
            this.bytes = baseBytes;
        }

        void add(List<Member> page) {
            for (Member member : page) {
                if (!addressed.add(member.connectionId())) {
                    continue; // reached through an earlier room, or the excepted sender
                }
                int cost = member.connectionId().length() + (member.userId() == null ? 4 : member.userId().length()) + 8;
                if (!current.isEmpty() && (current.size() >= shardSize || bytes + cost > MAX_SHARD_BYTES)) {
                    send();
                }
                current.add(member);
                bytes += cost;
                recipients++;
            }
        }

        private void send() {
            var shard = new Shard(delivery, roomIndex, handedOut.size(), current);
            handedOut.add(handOff.handOut(shard));
            metrics.count(Metric.SHARDS_HANDED_OUT);
            current = new ArrayList<>();
            bytes = baseBytes;
        }

        /** Hands out the last shard and waits until every one was accepted. */
        void finish() {
            if (!current.isEmpty()) {
                send();
            }
            try {
                CompletableFuture.allOf(handedOut.toArray(CompletableFuture[]::new)).join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
        }
    }
}
