package dev.pulse.local.gateway;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/**
 * One client connection as API Gateway sees it: its id, when and from where it connected, when the client
 * last sent something, and the socket once the upgrade completed.
 *
 * <p>The id is reachable through {@code @connections} from the moment {@code $connect} returned 2xx, as on
 * AWS. Jetty writes the 101 before it opens the session, so sends and closes requested in that short gap are
 * held and replayed, in order, when the session opens.
 */
final class GatewayConnection {
    private record PendingSend(String text, Callback callback) {
    }

    private record PendingClose(int statusCode, String reason) {
    }

    private final String id;
    private final long connectedAt;
    private final String sourceIp;
    private final String userAgent;
    private final int maxFrameBytes;
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicBoolean finished = new AtomicBoolean();
    private volatile long lastActiveAt;
    /** What the REQUEST authorizer said at $connect, passed to every route; null without an authorizer. */
    private volatile Map<String, Object> authorizer;
    private Session session;
    private List<PendingSend> pendingSends = new ArrayList<>(0);
    private PendingClose pendingClose;
    private boolean closeSent;
    private boolean abandoned;

    /** @param maxFrameBytes messages to the client go out in frames of at most this many bytes (API Gateway: 32 KB) */
    GatewayConnection(String id, long connectedAt, String sourceIp, String userAgent, int maxFrameBytes) {
        this.id = id;
        this.connectedAt = connectedAt;
        this.sourceIp = sourceIp;
        this.userAgent = userAgent;
        this.maxFrameBytes = maxFrameBytes;
        this.lastActiveAt = connectedAt;
    }

    String id() {
        return id;
    }

    long connectedAt() {
        return connectedAt;
    }

    String sourceIp() {
        return sourceIp;
    }

    String userAgent() {
        return userAgent;
    }

    Map<String, Object> authorizer() {
        return authorizer;
    }

    void authorizer(Map<String, Object> authorizer) {
        this.authorizer = authorizer;
    }

    long lastActiveAt() {
        return lastActiveAt;
    }

    boolean hasOpened() {
        lock.lock();
        try {
            return session != null;
        } finally {
            lock.unlock();
        }
    }

    /** The session opened: replay what was requested since $connect returned. */
    void attach(Session openedSession, long now) {
        lock.lock();
        try {
            session = openedSession;
            lastActiveAt = now;
            for (PendingSend send : pendingSends) {
                write(openedSession, send.text(), send.callback());
            }
            pendingSends = null;
            if (pendingClose != null) {
                closeSent = true;
                openedSession.close(pendingClose.statusCode(), pendingClose.reason(), Callback.NOOP);
            }
        } finally {
            lock.unlock();
        }
    }

    /** The upgrade failed after $connect accepted it: the socket will never open. */
    void abandon() {
        List<PendingSend> failed;
        lock.lock();
        try {
            if (session != null || abandoned) {
                return;
            }
            abandoned = true;
            failed = pendingSends;
            pendingSends = List.of();
        } finally {
            lock.unlock();
        }
        failed.forEach(send -> send.callback().fail(new IllegalStateException("connection " + id + " never opened")));
    }

    /** Only client traffic counts: API Gateway's idle timeout is not reset by {@code @connections} posts. */
    void touch(long now) {
        lastActiveAt = now;
    }

    /**
     * Sends one text message. The lock keeps the messages of concurrent posts in a well-defined order per
     * connection, orders them with the replay at open, and keeps the frames of one message together.
     */
    void send(String text, Callback callback) {
        lock.lock();
        try {
            if (session != null) {
                write(session, text, callback);
                return;
            }
            if (!abandoned) {
                pendingSends.add(new PendingSend(text, callback));
                return;
            }
        } finally {
            lock.unlock();
        }
        callback.fail(new IllegalStateException("connection " + id + " never opened"));
    }

    /**
     * One frame, or several of at most {@link #maxFrameBytes} bytes, as API Gateway sends a large message (its
     * frame quota "applies to @connections commands" too). Jetty refuses to send a frame larger than its frame
     * limit, which is the same as the limit on frames from clients. Called with the lock held, so no other
     * message's frames come between these; Jetty queues them in order.
     */
    private void write(Session target, String text, Callback callback) {
        List<String> pieces = Utf8Pieces.of(text, maxFrameBytes);
        if (pieces.size() == 1) {
            target.sendText(text, callback);
            return;
        }
        var failed = new AtomicBoolean();
        Callback failOnce = Callback.from(() -> { }, failure -> {
            if (failed.compareAndSet(false, true)) {
                callback.fail(failure);
            }
        });
        for (int i = 0; i < pieces.size() - 1; i++) {
            target.sendPartialText(pieces.get(i), false, failOnce);
        }
        // Frames complete in order: when the last one is written, so are the others.
        target.sendPartialText(pieces.getLast(), true, Callback.from(() -> {
            if (!failed.get()) {
                callback.succeed();
            }
        }, failOnce::fail));
    }

    /** Starts the close handshake once; later requests (a second idle sweep, a DELETE) are no-ops. */
    void close(int statusCode, String reason) {
        lock.lock();
        try {
            if (closeSent || pendingClose != null) {
                return;
            }
            if (session == null) {
                pendingClose = new PendingClose(statusCode, reason);
                return;
            }
            closeSent = true;
            session.close(statusCode, reason, Callback.NOOP);
        } finally {
            lock.unlock();
        }
    }

    /** True exactly once: the caller owns the one {@code $disconnect} of this connection. */
    boolean finish() {
        return finished.compareAndSet(false, true);
    }
}
