package dev.pulse.delivery;

import dev.pulse.model.Member;
import dev.pulse.model.Room;
import dev.pulse.store.MembershipStore;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub: hands one {@link Delivery} to every connection in its rooms and nothing else. It reads each room's
 * memberships page by page (one Query per page, nothing per connection), posts one frame per connection through the
 * {@link Poster} (at most its concurrency in flight), retries the posts that may succeed later in rounds
 * ({@link PostRetries}), records what still failed of a logged event as one {@link Undelivered} entry, and reports
 * which connections answered 410 Gone. Logging, pruning and presence are the caller's ({@link Broadcast}).
 *
 * <p>With a {@link RoomSplitter}, a room with more members than its threshold is not posted to here: its members are
 * handed to workers in {@link Shard}s, which post them with {@link #post} (docs/SCALING.md).
 *
 * <p>Unlogged signals (typing, presence) are retried too but not recorded: replaying a stale typing indicator later
 * would be wrong, and a client that missed one loses nothing it cannot see again.
 */
public final class FanOut {
    private static final Logger LOG = LoggerFactory.getLogger(FanOut.class);

    /**
     * What the posts did.
     *
     * @param pages      membership Query pages read (the only DynamoDB reads on the hot path)
     * @param recipients distinct connections addressed (after de-duplication across rooms and {@code except})
     * @param delivered  posts answered 200 (after retries)
     * @param failed     connections not reached after the retries (recorded as undelivered when the event is logged)
     * @param gone       connections that answered 410
     * @param readNanos  time spent waiting for membership pages
     * @param retried    posts made again after a failure
     */
    public record Posted(int pages, int recipients, int delivered, int failed, List<String> gone, long readNanos,
                         int retried) {
        public Posted {
            gone = List.copyOf(gone);
        }
    }

    private final MembershipStore memberships;
    private final Poster poster;
    private final PostRetries retries;
    private final UndeliveredSink undelivered;
    private final RoomSplitter splitter;

    /**
     * @param undelivered where a logged event's posts that failed after the retries are recorded; null records nothing
     *                    (they are counted and logged only)
     */
    public FanOut(MembershipStore memberships, Poster poster, PostRetries retries, UndeliveredSink undelivered) {
        this(memberships, poster, retries, undelivered, null);
    }

    /** @param splitter hands big rooms' members to workers in shards (docs/SCALING.md); null posts to every room here */
    public FanOut(MembershipStore memberships, Poster poster, PostRetries retries, UndeliveredSink undelivered,
                  RoomSplitter splitter) {
        this.memberships = memberships;
        this.poster = poster;
        this.retries = retries;
        this.undelivered = undelivered;
        this.splitter = splitter;
    }

    /** With a pool of its own, the default retries and nothing recorded: for tests of the fan-out itself. */
    public FanOut(MembershipStore memberships, ConnectionSender sender, int concurrency) {
        this(memberships, new Poster(sender, concurrency), PostRetries.DEFAULT, null);
    }

    public Posted deliver(Delivery delivery) {
        long reading = 0;
        Set<String> addressed = new HashSet<>();
        if (delivery.exceptConnectionId() != null) {
            addressed.add(delivery.exceptConnectionId());
        }
        int pages = 0;
        int recipients = 0;
        var batch = poster.batch();
        for (int r = 0; r < delivery.rooms().size(); r++) {
            Room room = delivery.rooms().get(r);
            var frames = new EventFrames(delivery, r);
            var pagesOfRoom = memberships.members(room).iterator();
            if (splitter != null) {
                // The seam of big rooms: a small room's pages come back, read ahead, and are posted below as always.
                var split = splitter.split(delivery, r, pagesOfRoom, addressed);
                reading += split.readNanos();
                if (split.handedOut()) {
                    pages += split.pages();
                    recipients += split.recipients();
                    continue;
                }
                pagesOfRoom = split.unsplit();
            }
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
                    batch.post(member.connectionId(), frames.forUser(member.userId()));
                }
            }
        }
        var outcome = retried(batch.finish(), delivery);
        return new Posted(pages, recipients, outcome.delivered(), outcome.left(), outcome.gone(), reading,
                outcome.retried());
    }

    /**
     * Posts one event to the given members of one of its rooms (a big room's shard, or part of one), with the same
     * frames, retries and record of what failed as {@link #deliver}; the members were de-duplicated already.
     */
    public Posted post(Delivery delivery, int roomIndex, List<Member> members) {
        var frames = new EventFrames(delivery, roomIndex);
        var batch = poster.batch();
        for (Member member : members) {
            batch.post(member.connectionId(), frames.forUser(member.userId()));
        }
        var outcome = retried(batch.finish(), delivery);
        return new Posted(0, members.size(), outcome.delivered(), outcome.left(), outcome.gone(), 0, outcome.retried());
    }

    /**
     * Posts an {@link Undelivered} entry's frames again, with the same retries; what still fails is recorded again as
     * a new entry. Connections gone meanwhile answer 410 and are reported, not recorded.
     */
    public Posted replay(Undelivered entry) {
        var batch = poster.batch();
        int recipients = 0;
        for (var frame : entry.frames()) {
            for (var connection : frame.connections()) {
                recipients++;
                batch.post(connection.connectionId(), frame.frame());
            }
        }
        var outcome = retry(batch.finish());
        record(entry.eventId(), entry.event(), entry.correlationId(), entry.workspaceId(), entry.rooms(), outcome);
        return new Posted(0, recipients, outcome.delivered(), outcome.left(), outcome.gone(), 0, outcome.retried());
    }

    /** After the first round: the retries, then the record of what is left (for logged events). */
    private Outcome retried(PostBatch.Outcome first, Delivery delivery) {
        var outcome = retry(first);
        var content = delivery.content();
        if (delivery.logged()) {
            var rooms = delivery.rooms().stream().map(Room::name).toList();
            String workspace = delivery.rooms().isEmpty() ? null : delivery.rooms().getFirst().workspaceId();
            record(content.eventId(), content.event(), content.correlationId(), workspace, rooms, outcome);
        } else if (outcome.left() > 0) {
            LOG.warn("signal event={} eventId={} not delivered to {} connections after {} attempts", content.event(),
                    content.eventId(), outcome.left(), retries.attempts());
        }
        return outcome;
    }

    private Outcome retry(PostBatch.Outcome first) {
        int delivered = first.delivered();
        var gone = new ArrayList<>(first.gone());
        List<PostBatch.Post> pending = first.retryable();
        var refused = new ArrayList<>(first.failed());
        int retried = 0;
        for (int attempt = 2; attempt <= retries.attempts() && !pending.isEmpty(); attempt++) {
            retries.backoff().pause(attempt - 1);
            var batch = poster.batch();
            pending.forEach(p -> batch.post(p.connectionId(), p.frame()));
            retried += pending.size();
            var round = batch.finish();
            delivered += round.delivered();
            gone.addAll(round.gone());
            refused.addAll(round.failed());
            pending = round.retryable();
        }
        return new Outcome(delivered, gone, pending, refused, retried);
    }

    private void record(String eventId, String event, String correlationId, String workspaceId, List<String> rooms,
                        Outcome outcome) {
        if (outcome.left() == 0) {
            return;
        }
        var frames = Undelivered.group(outcome.exhausted(), Undelivered.Reason.RETRIES_EXHAUSTED, List.of());
        frames = Undelivered.group(outcome.refused(), Undelivered.Reason.REFUSED, frames);
        var entry = new Undelivered(eventId, event, correlationId, workspaceId, rooms, retries.attempts(), frames);
        LOG.warn("undelivered event={} eventId={} correlationId={} connections={} (retries exhausted {}, refused {}){}",
                event, eventId, correlationId, outcome.left(), outcome.exhausted().size(), outcome.refused().size(),
                undelivered == null ? "; not recorded" : ": recorded for replay");
        if (undelivered != null) {
            undelivered.accept(entry);
        }
    }

    private record Outcome(int delivered, List<String> gone, List<PostBatch.Post> exhausted,
                           List<PostBatch.Post> refused, int retried) {
        int left() {
            return exhausted.size() + refused.size();
        }
    }
}
