package dev.pulse.testing;

import dev.pulse.delivery.ConnectionCloser;
import dev.pulse.delivery.ConnectionSender;
import dev.pulse.delivery.SendResult;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An in-memory stand-in for the {@code @connections} API, for tests whose point is the logic that decides what is
 * posted (routing, fan-out, sweeps), not the HTTP call: the real {@code ManagementApiSender} against the local
 * gateway is covered end to end in the local module. Connections marked {@link #gone} answer 410 as API Gateway does.
 */
public final class RecordingSender implements ConnectionSender, ConnectionCloser {
    /** One post. */
    public record Post(String connectionId, String frame) {
    }

    private final List<Post> posts = new ArrayList<>();
    private final List<String> closed = new ArrayList<>();
    private final Set<String> gone = new HashSet<>();

    @Override
    public synchronized SendResult send(String connectionId, String frame) {
        if (gone.contains(connectionId)) {
            return SendResult.GONE;
        }
        posts.add(new Post(connectionId, frame));
        return SendResult.DELIVERED;
    }

    @Override
    public synchronized void close(String connectionId) {
        closed.add(connectionId);
    }

    /** From now on, posts to the connection answer 410 Gone. */
    public synchronized void gone(String connectionId) {
        gone.add(connectionId);
    }

    public synchronized List<Post> posts() {
        return List.copyOf(posts);
    }

    public synchronized List<String> framesTo(String connectionId) {
        return posts.stream().filter(p -> p.connectionId().equals(connectionId)).map(Post::frame).toList();
    }

    public synchronized List<String> closed() {
        return List.copyOf(closed);
    }

    public synchronized void clear() {
        posts.clear();
        closed.clear();
    }
}
