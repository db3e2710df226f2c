package dev.pulse.delivery;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * HTTP/1.1 exchanges with one origin over at most {@code maxConnections} keep-alive connections, all driven by one
 * selector thread: a request is written as soon as a connection is free, its answer read when it arrives, and the
 * caller told on that thread. No thread waits per request in flight, so a post costs one write and one read (and a
 * share of one {@code epoll_wait}), not the wake-ups of a thread per post: the kernel time that dominated the blocking
 * variants measured by {@code ./pulse bench-post}. {@code https} origins get the JDK's TLS ({@link SSLEngine}, host
 * name verified); the handshake runs blocking on the thread that opens the connection, before the selector sees it.
 *
 * <p>No pipelining, redirects or HTTP/2: a connection carries one request at a time. A reused connection found closed
 * before any byte of its answer is retried once on another (the server never read the request; should it have, the
 * client drops the repeated frame by eventId).
 */
final class KeepAliveConnections implements AutoCloseable {
    /** Told once per request: the answer, or why there is none. */
    interface Done extends BiConsumer<HttpAnswer, IOException> {
    }

    private static final int READ_BUFFER = 16 * 1024;
    private static final long TICK_MILLIS = 50;

    private final String host;
    private final int port;
    private final SSLContext tls;
    private final int connectTimeoutMillis;
    private final long answerTimeoutNanos;
    private final int maxConnections;
    private final Selector selector;
    private final Thread loop;
    private final Queue<Exchange> submitted = new ConcurrentLinkedQueue<>();
    private final Queue<Connection> opened = new ConcurrentLinkedQueue<>();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicBoolean selecting = new AtomicBoolean();
    private final Object opening = new Object();
    private volatile boolean closed;

    /** @param tls the TLS context for {@code https} origins; null for the JDK's default */
    KeepAliveConnections(URI origin, Duration connectTimeout, Duration answerTimeout, int maxConnections, SSLContext tls)
            throws IOException {
        boolean https = "https".equalsIgnoreCase(origin.getScheme());
        if (!https && !"http".equalsIgnoreCase(origin.getScheme())) {
            throw new IllegalArgumentException("an http or https endpoint is required, got " + origin);
        }
        this.host = origin.getHost();
        this.port = origin.getPort() > 0 ? origin.getPort() : https ? 443 : 80;
        try {
            this.tls = !https ? null : tls != null ? tls : SSLContext.getDefault();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("no default TLS context", e);
        }
        this.connectTimeoutMillis = Math.toIntExact(connectTimeout.toMillis());
        this.answerTimeoutNanos = answerTimeout.toNanos();
        this.maxConnections = maxConnections;
        this.selector = Selector.open();
        this.loop = Thread.ofPlatform().daemon().name("pulse-post-io").start(this::run);
    }

    /** Sends one request; {@code done} is called once, on the I/O thread (keep it short). */
    void exchange(byte[] request, Done done) {
        if (closed) {
            done.accept(null, new IOException("closed"));
            return;
        }
        submitted.add(new Exchange(request, done));
        // A connection more while requests outnumber them, up to the maximum; opened here, off the I/O thread.
        if (pending.incrementAndGet() > open.get() && open.get() < maxConnections) {
            openOne();
        }
        if (selecting.get()) {
            selector.wakeup();
        }
    }

    private void openOne() {
        synchronized (opening) {
            if (open.get() >= maxConnections || pending.get() <= open.get()) {
                return;
            }
            open.incrementAndGet();
        }
        try {
            opened.add(connect());
            selector.wakeup(); // the I/O thread takes it on
        } catch (IOException | RuntimeException e) {
            open.decrementAndGet();
            // The request stays queued: an open connection takes it, or the next opening fails it.
            if (open.get() == 0) {
                failQueued(e instanceof IOException io ? io : new IOException(e));
            }
        }
    }

    private Connection connect() throws IOException {
        var channel = SocketChannel.open();
        try {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.socket().connect(new InetSocketAddress(host, port), connectTimeoutMillis);
            SSLEngine engine = null;
            ByteBuffer early = null;
            if (tls != null) {
                engine = tls.createSSLEngine(host, port);
                engine.setUseClientMode(true);
                SSLParameters parameters = engine.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                engine.setSSLParameters(parameters);
                channel.socket().setSoTimeout(connectTimeoutMillis);
                early = new Handshake(channel, engine).run();
            }
            channel.configureBlocking(false);
            return new Connection(channel, engine, early);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private void failQueued(IOException why) {
        for (Exchange x; (x = submitted.poll()) != null; ) {
            complete(x, null, why);
        }
    }

    private void complete(Exchange exchange, HttpAnswer answer, IOException failure) {
        pending.decrementAndGet();
        exchange.done().accept(answer, failure);
    }

    private void run() {
        var idle = new ArrayDeque<Connection>();
        var busy = new ArrayList<Connection>();
        long nextTick = System.nanoTime();
        while (!closed) {
            try {
                for (Connection c; (c = opened.poll()) != null; ) {
                    c.key = c.channel.register(selector, 0, c);
                    idle.push(c);
                }
                for (Exchange x; !idle.isEmpty() && (x = submitted.poll()) != null; ) {
                    start(idle.pop(), x, busy, idle);
                }
                selecting.set(true);
                if (!submitted.isEmpty() && !idle.isEmpty()) {
                    selector.selectNow();
                } else if (busy.isEmpty() && opened.isEmpty()) {
                    selector.select(); // nothing in flight, no deadline to watch: sleep until told
                } else {
                    selector.select(TICK_MILLIS);
                }
                selecting.set(false);
                var keys = selector.selectedKeys();
                for (SelectionKey key : keys) {
                    var connection = (Connection) key.attachment();
                    ready(connection, key, busy, idle);
                }
                keys.clear();
                long now = System.nanoTime();
                if (now - nextTick >= 0) {
                    nextTick = now + TICK_MILLIS * 1_000_000;
                    expire(now, busy);
                }
            } catch (IOException | RuntimeException e) {
                // The selector itself failed: nothing more can be sent through it.
                closed = true;
                var why = e instanceof IOException io ? io : new IOException(e);
                List.copyOf(busy).forEach(c -> fail(c, why, busy));
                failQueued(new IOException("the post I/O loop stopped", e));
            }
        }
        idle.forEach(Connection::close);
        List.copyOf(busy).forEach(c -> fail(c, new IOException("closed"), busy));
        failQueued(new IOException("closed"));
        try {
            selector.close();
        } catch (IOException ignored) {
            // Closing anyway.
        }
    }

    private void start(Connection c, Exchange x, List<Connection> busy, ArrayDeque<Connection> idle) {
        c.exchange = x;
        c.deadline = System.nanoTime() + answerTimeoutNanos;
        c.received = 0;
        busy.add(c);
        try {
            c.queue(x.request());
            c.flush();
            c.key.interestOps(c.hasOutput() ? SelectionKey.OP_WRITE | SelectionKey.OP_READ : SelectionKey.OP_READ);
        } catch (IOException e) {
            stale(c, e, busy);
        }
    }

    private void ready(Connection c, SelectionKey key, List<Connection> busy, ArrayDeque<Connection> idle) {
        if (!key.isValid()) {
            return;
        }
        try {
            if (key.isWritable()) {
                c.flush();
                if (!c.hasOutput()) {
                    key.interestOps(SelectionKey.OP_READ);
                }
            }
            if (!key.isReadable()) {
                return;
            }
            if (!c.read()) {
                // End of stream: an idle connection the server let go, or a busy one cut off.
                if (c.exchange == null) {
                    idle.remove(c);
                    drop(c);
                } else if (c.received == 0) {
                    stale(c, new IOException("connection closed before the answer"), busy);
                } else {
                    fail(c, new IOException("answer cut off"), busy);
                }
                return;
            }
            if (c.exchange == null) {
                return; // bytes nobody asked for; the next answer's parse will refuse them
            }
            HttpAnswer answer = HttpAnswer.parse(c.plain, c.plainLength);
            if (answer == null) {
                return;
            }
            var x = c.exchange;
            c.exchange = null;
            busy.remove(c);
            c.consume(answer.length());
            if (answer.keepAlive() && !closed) {
                key.interestOps(SelectionKey.OP_READ); // notices a server closing it while idle
                idle.push(c);
            } else {
                drop(c);
            }
            complete(x, answer, null);
        } catch (IOException e) {
            if (c.exchange == null) {
                idle.remove(c);
                drop(c);
            } else if (c.received == 0) {
                stale(c, e, busy);
            } else {
                fail(c, e, busy);
            }
        }
    }

    /** The connection died before any answer: a reused one's request goes again, once, on another connection. */
    private void stale(Connection c, IOException e, List<Connection> busy) {
        var x = c.exchange;
        if (x != null && !x.retried() && c.served > 0) {
            c.exchange = null;
            busy.remove(c);
            drop(c);
            submitted.add(x.again());
            if (open.get() < maxConnections) {
                Thread.ofVirtual().start(this::openOne); // never block the I/O thread on a connect
            }
            return;
        }
        fail(c, e, busy);
    }

    private void fail(Connection c, IOException e, List<Connection> busy) {
        var x = c.exchange;
        c.exchange = null;
        busy.remove(c);
        drop(c);
        if (x != null) {
            complete(x, null, e);
        }
    }

    private void drop(Connection c) {
        c.close();
        open.decrementAndGet();
        if (!submitted.isEmpty() && open.get() < maxConnections) {
            Thread.ofVirtual().start(this::openOne);
        }
    }

    private void expire(long now, List<Connection> busy) {
        for (Connection c : List.copyOf(busy)) {
            if (now - c.deadline > 0) {
                fail(c, new java.net.SocketTimeoutException("no answer within "
                        + Duration.ofNanos(answerTimeoutNanos).toMillis() + " ms"), busy);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        selector.wakeup();
        try {
            loop.join(Duration.ofSeconds(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Connection c; (c = opened.poll()) != null; ) {
            c.close();
        }
    }

    private record Exchange(byte[] request, Done done, boolean retried) {
        Exchange(byte[] request, Done done) {
            this(request, done, false);
        }

        Exchange again() {
            return new Exchange(request, done, true);
        }
    }

    /** One connection: its channel, its TLS engine (or none), what is left to write and what was read. */
    private static final class Connection {
        private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

        final SocketChannel channel;
        final SSLEngine engine;
        SelectionKey key;
        Exchange exchange;
        long deadline;
        /** Answer bytes read for the current exchange (0: none yet, so the request may go again elsewhere). */
        int received;
        /** Exchanges this connection completed: a fresh one is never stale. */
        int served;
        private ByteBuffer output = EMPTY;
        private final ByteBuffer input = ByteBuffer.allocate(READ_BUFFER);
        private ByteBuffer tlsInput;
        private ByteBuffer tlsOutput;
        private ByteBuffer tlsPlain;
        byte[] plain = new byte[READ_BUFFER];
        int plainLength;

        /** @param early TLS bytes read with the handshake's last flight (e.g. a session ticket), ready to read */
        Connection(SocketChannel channel, SSLEngine engine, ByteBuffer early) {
            this.channel = channel;
            this.engine = engine;
            if (engine != null) {
                tlsInput = ByteBuffer.allocate(Math.max(engine.getSession().getPacketBufferSize(), early.remaining()));
                tlsInput.put(early);
            }
        }

        void queue(byte[] request) throws SSLException {
            if (engine == null) {
                output = ByteBuffer.wrap(request);
                return;
            }
            // One buffer per connection, grown when a request needs more: no 30 KB allocation per post.
            int packet = engine.getSession().getPacketBufferSize();
            int needed = request.length + 2 * packet;
            if (tlsOutput == null || tlsOutput.capacity() < needed) {
                tlsOutput = ByteBuffer.allocate(needed);
            }
            tlsOutput.clear();
            var source = ByteBuffer.wrap(request);
            while (source.hasRemaining()) {
                SSLEngineResult result = engine.wrap(source, tlsOutput);
                if (result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                    tlsOutput = grow(tlsOutput, packet);
                } else if (result.getStatus() != SSLEngineResult.Status.OK) {
                    throw new SSLException("TLS wrap: " + result.getStatus());
                }
            }
            output = tlsOutput.flip();
        }

        boolean hasOutput() {
            return output.hasRemaining();
        }

        void flush() throws IOException {
            while (output.hasRemaining()) {
                if (channel.write(output) == 0) {
                    return; // the socket buffer is full: the selector says when to go on
                }
            }
        }

        /** Reads what is there into {@link #plain}; false at the end of the stream. */
        boolean read() throws IOException {
            int n = channel.read(engine == null ? input : tlsInput);
            if (n < 0) {
                return false;
            }
            if (engine == null) {
                input.flip();
                append(input);
                input.clear();
            } else {
                unwrap();
            }
            return true;
        }

        private void unwrap() throws IOException {
            tlsInput.flip();
            if (tlsPlain == null) {
                tlsPlain = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
            }
            var out = tlsPlain.clear();
            while (tlsInput.hasRemaining()) {
                SSLEngineResult result = engine.unwrap(tlsInput, out);
                switch (result.getStatus()) {
                    case OK -> {
                        out.flip();
                        append(out);
                        out.clear();
                        runTasks();
                        if (engine.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
                            // A post-handshake message (TLS 1.3 key update) wants an answer.
                            var reply = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
                            engine.wrap(EMPTY, reply);
                            reply.flip();
                            while (reply.hasRemaining()) {
                                channel.write(reply);
                            }
                        }
                    }
                    case BUFFER_OVERFLOW -> {
                        out = grow(out, engine.getSession().getApplicationBufferSize());
                        tlsPlain = out;
                    }
                    case BUFFER_UNDERFLOW -> {
                        if (tlsInput.limit() == tlsInput.capacity() && tlsInput.position() == 0) {
                            tlsInput = grow(tlsInput.compact().flip(), engine.getSession().getPacketBufferSize());
                        }
                        tlsInput.compact();
                        return;
                    }
                    case CLOSED -> throw new IOException("TLS closed by the server");
                }
            }
            tlsInput.clear();
        }

        private void runTasks() {
            for (Runnable task; (task = engine.getDelegatedTask()) != null; ) {
                task.run();
            }
        }

        private void append(ByteBuffer bytes) {
            int n = bytes.remaining();
            if (n == 0) {
                return;
            }
            if (plainLength + n > plain.length) {
                plain = java.util.Arrays.copyOf(plain, Math.max(plain.length * 2, plainLength + n));
            }
            bytes.get(plain, plainLength, n);
            plainLength += n;
            received += n;
        }

        /** The answer's bytes are used up; anything after them stays for the next. */
        void consume(int length) {
            System.arraycopy(plain, length, plain, 0, plainLength - length);
            plainLength -= length;
            received = plainLength;
            served++;
        }

        private static ByteBuffer grow(ByteBuffer buffer, int more) {
            var bigger = ByteBuffer.allocate(buffer.capacity() + more);
            buffer.flip();
            return bigger.put(buffer);
        }

        void close() {
            try {
                channel.close();
            } catch (IOException ignored) {
                // Nothing left to do with it.
            }
        }
    }

    /** The TLS handshake, blocking, on the opening thread: the selector only ever sees established connections. */
    private record Handshake(SocketChannel channel, SSLEngine engine) {
        /** @return what was read past the handshake, flipped for reading */
        ByteBuffer run() throws IOException {
            int packet = engine.getSession().getPacketBufferSize();
            var netOut = ByteBuffer.allocate(packet);
            var netIn = ByteBuffer.allocate(packet);
            var app = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
            var reader = java.nio.channels.Channels.newChannel(channel.socket().getInputStream()); // honours the timeout
            engine.beginHandshake();
            while (true) {
                switch (engine.getHandshakeStatus()) {
                    case NEED_WRAP -> {
                        netOut.clear();
                        SSLEngineResult r = engine.wrap(Connection.EMPTY, netOut);
                        if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                            throw new SSLException("TLS closed during the handshake");
                        }
                        netOut.flip();
                        while (netOut.hasRemaining()) {
                            channel.write(netOut);
                        }
                    }
                    case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                        netIn.flip();
                        SSLEngineResult r = engine.unwrap(netIn, app);
                        netIn.compact();
                        if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
                            if (reader.read(netIn) < 0) {
                                throw new SSLException("connection closed during the TLS handshake");
                            }
                        } else if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                            throw new SSLException("TLS closed during the handshake");
                        }
                    }
                    case NEED_TASK -> {
                        for (Runnable task; (task = engine.getDelegatedTask()) != null; ) {
                            task.run();
                        }
                    }
                    case FINISHED, NOT_HANDSHAKING -> {
                        return netIn.flip();
                    }
                }
            }
        }
    }
}
