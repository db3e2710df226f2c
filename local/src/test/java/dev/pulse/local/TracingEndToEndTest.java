package dev.pulse.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pulse.config.PulseConfig;
import dev.pulse.envelope.EnvelopeCodec;
import dev.pulse.functions.FanOutHandler;
import dev.pulse.functions.Services;
import dev.pulse.local.lambda.LocalLambdaContext;
import dev.pulse.model.EventEnvelope;
import dev.pulse.model.Targets;
import dev.pulse.protocol.Json;
import dev.pulse.support.metrics.Metrics;
import dev.pulse.support.trace.Tracer;
import dev.pulse.support.trace.XRayDaemonTracer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Tracing into the fan-out's calls: the real fan-out handler, wired as on Lambda with tracing on, delivers an event to a
 * real client through the local system, and a real UDP socket standing in for Lambda's X-Ray daemon receives the
 * subsegments of its DynamoDB calls and its {@code @connections} post, in the daemon's protocol, in the invocation's
 * trace. Unsampled, nothing is sent; a tracer that fails does not fail the delivery.
 */
@ExtendWith(SharedLocalSystem.class)
class TracingEndToEndTest {
    private static final String ROOT = "1-6751a2b3-0123456789abcdef01234567";
    private static final String PARENT = "53995c3f42cd8ad8";
    private static LocalSystem system;
    private DatagramSocket daemon;

    @BeforeAll
    static void start() {
        system = SharedLocalSystem.get();
    }

    @BeforeEach
    void listen() throws Exception {
        daemon = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    @AfterEach
    void close() {
        daemon.close();
    }

    private FanOutHandler fanOut(Supplier<String> header) {
        var tracer = new XRayDaemonTracer((InetSocketAddress) daemon.getLocalSocketAddress(), header);
        return new FanOutHandler(new Services(PulseConfig.fromEnvironment(system.lambdaEnvironment()),
                LocalSystem.LOCAL_CREDENTIALS, List.of(), Metrics.NONE, tracer));
    }

    /** An EventBridge event carrying a Pulse envelope to one room, as the rule hands it to the fan-out. */
    private static String event(String workspace, String room, String name) throws Exception {
        String eventId = UUID.randomUUID().toString();
        var detail = EnvelopeCodec.toDetail(new EventEnvelope(eventId, name, workspace,
                new Targets(false, List.of(), List.of(room)), null, "corr-" + eventId, Instant.now(),
                Json.object().put("id", "t-1")));
        var event = Json.object().put("version", "0").put("id", UUID.randomUUID().toString())
                .put("detail-type", name).put("source", "com.acme.trace").put("account", "000000000000")
                .put("time", Instant.now().toString()).put("region", "us-east-1");
        event.putArray("resources");
        event.set("detail", Json.MAPPER.readTree(detail));
        return event.toString();
    }

    private static void invoke(FanOutHandler handler, String event) throws Exception {
        handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), new ByteArrayOutputStream(),
                new LocalLambdaContext("pulse-fanout", 60_000));
    }

    /** The datagrams received until none comes for a while (a bounded wait; UDP gives no end marker). */
    private List<String> datagrams(Duration quiet) throws Exception {
        var received = new ArrayList<String>();
        daemon.setSoTimeout((int) quiet.toMillis());
        var buffer = new byte[65_536];
        while (true) {
            var packet = new DatagramPacket(buffer, buffer.length);
            try {
                daemon.receive(packet);
            } catch (SocketTimeoutException e) {
                return received;
            }
            received.add(new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void theFanOutsDynamoDbCallsAndItsPostAreSubsegmentsOfTheInvocationsTrace() throws Exception {
        try (var client = TestClient.connect(system, system.tokens().issue("tia", "ws-trace", Duration.ofMinutes(10)))) {
            assertTrue(client.join("project:traced").path("ok").asBoolean());
            String connectionId = client.connectionId();
            var handler = fanOut(() -> "Root=" + ROOT + ";Parent=" + PARENT + ";Sampled=1");

            invoke(handler, event("ws-trace", "project:traced", "approval.created"));

            assertEquals("approval.created", client.awaitEvent("approval.created").path("event").asText());
            var documents = new ArrayList<JsonNode>();
            for (String datagram : datagrams(Duration.ofSeconds(2))) {
                int newline = datagram.indexOf('\n');
                assertEquals("{\"format\":\"json\",\"version\":1}", datagram.substring(0, newline), datagram);
                documents.add(Json.MAPPER.readTree(datagram.substring(newline + 1)));
            }
            assertFalse(documents.isEmpty(), "no subsegment reached the daemon");
            for (JsonNode document : documents) {
                assertEquals(ROOT, document.path("trace_id").asText(), document.toString());
                assertEquals(PARENT, document.path("parent_id").asText());
                assertEquals("subsegment", document.path("type").asText());
                assertEquals("aws", document.path("namespace").asText());
                assertTrue(document.path("id").asText().matches("[0-9a-f]{16}"), document.toString());
                assertTrue(document.path("end_time").asDouble() >= document.path("start_time").asDouble());
                assertFalse(document.toString().contains("t-1"), "a payload in a subsegment: " + document);
                assertFalse(document.toString().contains(connectionId), "a connection id in a subsegment: " + document);
            }
            var dynamo = documents.stream().filter(d -> d.path("name").asText().equals("DynamoDb")).toList();
            assertFalse(dynamo.isEmpty(), documents.toString());
            assertTrue(dynamo.stream().anyMatch(d -> d.path("aws").path("operation").asText().equals("Query")
                            && d.path("aws").path("table_name").asText().equals(LocalSystem.CONNECTIONS_TABLE)),
                    "the membership Query: " + dynamo);
            var posts = documents.stream().filter(d -> d.path("name").asText().equals("ApiGatewayManagementApi")).toList();
            assertEquals(1, posts.size(), documents.toString());
            assertEquals("PostToConnection", posts.getFirst().path("aws").path("operation").asText());
            assertEquals(200, posts.getFirst().path("http").path("response").path("status").asInt());
            assertFalse(posts.getFirst().has("fault") || posts.getFirst().has("error"));
        }
    }

    @Test
    void unsampledNothingIsSentAndAFailingTracerFailsNoDelivery() throws Exception {
        try (var client = TestClient.connect(system, system.tokens().issue("tom", "ws-trace2", Duration.ofMinutes(10)))) {
            assertTrue(client.join("project:untraced").path("ok").asBoolean());

            invoke(fanOut(() -> "Root=" + ROOT + ";Parent=" + PARENT + ";Sampled=0"),
                    event("ws-trace2", "project:untraced", "approval.created"));
            client.awaitEvent("approval.created");
            assertEquals(List.of(), datagrams(Duration.ofMillis(500)), "an unsampled trace was sent");

            invoke(fanOut(() -> {
                throw new IllegalStateException("the trace header cannot be read");
            }), event("ws-trace2", "project:untraced", "approval.updated"));
            client.awaitEvent("approval.updated");
            assertEquals(Tracer.Span.NONE, new XRayDaemonTracer(new InetSocketAddress("127.0.0.1", 1), () -> {
                throw new IllegalStateException("no header");
            }).start("DynamoDB", "aws"));
        }
    }
}
