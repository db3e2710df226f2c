package dev.pulse.local.gateway;

import java.util.ArrayList;
import java.util.List;
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
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicBoolean finished = new AtomicBoolean();
    private volatile long lastActiveAt;
    private Session session;
    private List<PendingSend> pendingSends = new ArrayList<>(0);
    private PendingClose pendingClose;
    private boolean closeSent;
    private boolean abandoned;

    GatewayConnection(String id, long connectedAt, String sourceIp, String userAgent) {
        this.id = id;
        this.connectedAt = connectedAt;
        this.sourceIp = sourceIp;
        this.userAgent = userAgent;
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
                openedSession.sendText(send.text(), send.callback());
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
     * Sends one whole text frame. Jetty queues whole frames safely, but the lock keeps frames of concurrent
     * posts in a well-defined order per connection and orders them with the replay at open.
     */
    void send(String text, Callback callback) {
        lock.lock();
        try {
            if (session != null) {
                session.sendText(text, callback);
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
