package dev.pulse.delivery;

import dev.pulse.model.Member;
import dev.pulse.model.Room;
import dev.pulse.store.MembershipStore;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub: hands one {@link Delivery} to every connection in its rooms and nothing else. It reads each room's
 * memberships page by page (one Query per page, nothing per connection), posts one frame per connection with at
 * most {@code concurrency} posts in flight, and reports which connections answered 410 Gone. Logging, pruning and
 * presence are the caller's ({@link Broadcast}).
 */
public final class FanOut {
    private static final Logger LOG = LoggerFactory.getLogger(FanOut.class);

    /**
     * What the posts did.
     *
     * @param pages      membership Query pages read (the only DynamoDB reads on the hot path)
     * @param recipients distinct connections addressed (after de-duplication across rooms and {@code except})
     * @param delivered  posts answered 200
     * @param failed     posts that failed otherwise
     * @param gone       connections that answered 410
     * @param readNanos  time spent waiting for membership pages
     */
    public record Posted(int pages, int recipients, int delivered, int failed, List<String> gone, long readNanos) {
        public Posted {
            gone = List.copyOf(gone);
        }
    }

    private final MembershipStore memberships;
    private final ConnectionSender sender;
    private final int concurrency;

    public FanOut(MembershipStore memberships, ConnectionSender sender, int concurrency) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1");
        }
        this.memberships = memberships;
        this.sender = sender;
        this.concurrency = concurrency;
    }

    public Posted deliver(Delivery delivery) {
        long reading = 0;
        Set<String> addressed = new HashSet<>();
        if (delivery.exceptConnectionId() != null) {
            addressed.add(delivery.exceptConnectionId());
        }
        var delivered = new AtomicInteger();
        var failed = new AtomicInteger();
        Queue<String> gone = new ConcurrentLinkedQueue<>();
        var inFlight = new Semaphore(concurrency);
        int pages = 0;
        int recipients = 0;
        try (ExecutorService posts = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int r = 0; r < delivery.rooms().size(); r++) {
                Room room = delivery.rooms().get(r);
                var frames = new EventFrames(delivery, r);
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
        return new Posted(pages, recipients, delivered.get(), failed.get(), new ArrayList<>(gone), reading);
    }
}
