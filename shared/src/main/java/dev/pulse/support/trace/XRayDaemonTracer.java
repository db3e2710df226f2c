package dev.pulse.support.trace;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.pulse.support.log.LogField;
import java.io.IOException;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Subsegments sent to the X-Ray daemon Lambda runs beside each function ({@code AWS_XRAY_DAEMON_ADDRESS}), over its
 * UDP protocol: one datagram per subsegment, {@code {"format":"json","version":1}} and a newline before the document.
 * Each is a standalone subsegment of the invocation's segment (the trace header's {@code Parent}); nothing is sent when
 * the invocation is not sampled or has no header. Chosen over the X-Ray SDK's and OpenTelemetry's instrumentation for
 * the jar and the cold start (README, "Traces"). A datagram that cannot be sent is dropped; at most
 * {@link #MAX_PER_PARENT} subsegments are sent per invocation, so a fan-out to thousands stays one readable trace.
 */
public final class XRayDaemonTracer implements Tracer {
    private static final Logger LOG = LoggerFactory.getLogger(XRayDaemonTracer.class);
    private static final JsonFactory JSON = new JsonFactory();
    private static final byte[] HEADER = "{\"format\":\"json\",\"version\":1}\n".getBytes(StandardCharsets.UTF_8);
    /** Subsegments per invocation at most (X-Ray keeps a trace's documents, but a trace of 5,000 posts is unreadable). */
    public static final int MAX_PER_PARENT = 200;

    private final InetSocketAddress daemon;
    private final Supplier<String> header;
    private final AtomicReference<DatagramChannel> channel = new AtomicReference<>();
    /** The invocation counted, and how many subsegments it sent. */
    private final AtomicReference<String> countedParent = new AtomicReference<>("");
    private final AtomicInteger sent = new AtomicInteger();
    private volatile boolean warned;

    /**
     * @param daemon where the daemon listens
     * @param header the current invocation's trace header (on Lambda's Java runtime, the system property
     *               {@code com.amazonaws.xray.traceHeader}, set per invocation), or null
     */
    public XRayDaemonTracer(InetSocketAddress daemon, Supplier<String> header) {
        this.daemon = daemon;
        this.header = header;
    }

    /** {@code host:port}, as Lambda sets {@code AWS_XRAY_DAEMON_ADDRESS} (e.g. {@code 169.254.79.129:2000}). */
    public static InetSocketAddress address(String hostAndPort) {
        int colon = hostAndPort.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("the X-Ray daemon address is host:port, got '" + hostAndPort + "'");
        }
        return new InetSocketAddress(hostAndPort.substring(0, colon), Integer.parseInt(hostAndPort.substring(colon + 1)));
    }

    /** Lambda's Java runtime: the system property per invocation, else the environment variable. */
    public static String lambdaTraceHeader() {
        String property = System.getProperty("com.amazonaws.xray.traceHeader");
        return property != null ? property : System.getenv("_X_AMZN_TRACE_ID");
    }

    @Override
    public Span start(String name, String namespace, long startMillis) {
        try {
            TraceHeader trace = TraceHeader.parse(header.get());
            if (trace == null || !trace.sampled() || !admit(trace.parent())) {
                return Span.NONE;
            }
            return (outcome, aws) -> send(trace, name, namespace, startMillis, System.currentTimeMillis(), outcome, aws);
        } catch (RuntimeException e) {
            problem(e);
            return Span.NONE;
        }
    }

    private boolean admit(String parent) {
        String counted = countedParent.get();
        if (!counted.equals(parent) && countedParent.compareAndSet(counted, parent)) {
            sent.set(0);
        }
        return sent.incrementAndGet() <= MAX_PER_PARENT;
    }

    private void send(TraceHeader trace, String name, String namespace, long start, long end, Outcome outcome,
                      Map<String, String> aws) {
        try {
            byte[] document = document(trace, name, namespace, start, end, outcome, aws).getBytes(StandardCharsets.UTF_8);
            var packet = ByteBuffer.allocate(HEADER.length + document.length).put(HEADER).put(document).flip();
            channel().send(packet, daemon);
        } catch (IOException | RuntimeException e) {
            problem(e);
        }
    }

    static String document(TraceHeader trace, String name, String namespace, long start, long end, Outcome outcome,
                           Map<String, String> aws) throws IOException {
        var text = new StringWriter(320);
        try (JsonGenerator json = JSON.createGenerator(text)) {
            json.writeStartObject();
            json.writeStringField("name", name);
            json.writeStringField("id", id());
            json.writeStringField("trace_id", trace.root());
            json.writeStringField("parent_id", trace.parent());
            json.writeStringField("type", "subsegment");
            json.writeNumberField("start_time", start / 1000.0);
            json.writeNumberField("end_time", end / 1000.0);
            json.writeStringField("namespace", namespace);
            if (outcome.status() > 0) {
                json.writeObjectFieldStart("http");
                json.writeObjectFieldStart("response");
                json.writeNumberField("status", outcome.status());
                json.writeEndObject();
                json.writeEndObject();
            }
            if (!aws.isEmpty()) {
                json.writeObjectFieldStart("aws");
                for (var field : aws.entrySet()) {
                    json.writeStringField(field.getKey(), field.getValue());
                }
                json.writeEndObject();
            }
            switch (outcome.flag()) {
                case ERROR -> json.writeBooleanField("error", true);
                case THROTTLE -> {
                    json.writeBooleanField("error", true);
                    json.writeBooleanField("throttle", true);
                }
                case FAULT -> json.writeBooleanField("fault", true);
                case NONE -> { }
            }
            json.writeEndObject();
        }
        return text.toString();
    }

    /** 64 random bits in 16 hex digits, as X-Ray's segment ids are. */
    private static String id() {
        return String.format("%016x", ThreadLocalRandom.current().nextLong());
    }

    private DatagramChannel channel() throws IOException {
        DatagramChannel open = channel.get();
        if (open == null) {
            open = DatagramChannel.open();
            // Never wait on the daemon: a full socket buffer drops the subsegment, as the X-Ray SDK's emitter does.
            open.configureBlocking(false);
            if (!channel.compareAndSet(null, open)) {
                open.close();
                open = channel.get();
            }
        }
        return open;
    }

    private void problem(Exception e) {
        if (!warned) {
            warned = true;
            LOG.atWarn().addKeyValue(LogField.OUTCOME, "failed")
                    .log("X-Ray subsegments not sent (further failures are not logged): {}", e.toString());
        }
    }
}
