package dev.pulse.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pulse.envelope.EventIdGenerator;
import dev.pulse.envelope.FanOutRule;
import dev.pulse.envelope.InvalidEnvelopeException;
import dev.pulse.protocol.Json;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;

/** Building entries; nothing here sends (sending is tested against the local bus in the local module). */
class PublisherTest {
    private static final Instant NOW = Instant.parse("2026-02-03T04:05:06.789Z");
    private static EventBridgeClient client;
    private static Publisher publisher;

    record Approval(int id, String title) {
    }

    @BeforeAll
    static void setUp() {
        // A real client; these tests never call it, so the endpoint is never contacted.
        client = EventBridgeClient.builder()
                .endpointOverride(URI.create("http://127.0.0.1:9"))
                .region(Region.EU_WEST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "y")))
                .httpClient(ApacheHttpClient.builder().build())
                .build();
        publisher = new Publisher(client, "pulse-bus", "com.acme.approvals", Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @AfterAll
    static void tearDown() {
        client.close();
    }

    @Test
    void entryCarriesSourceDetailTypeBusAndTheEnvelope() throws Exception {
        PublishRequest request = publisher.event("approval.created")
                .toWorkspace("w1")
                .toUsers("w1", "u1", "u2")
                .toRoom("w1", "chat:42")
                .except("R0oXAdfD0kwCH6w=")
                .correlationId("req-77")
                .data(new Approval(7, "Budget"));

        PutEventsRequestEntry entry = request.toEntry();

        assertEquals("com.acme.approvals", entry.source());
        assertEquals("approval.created", entry.detailType());
        assertEquals("pulse-bus", entry.eventBusName());
        assertNull(entry.time(), "EventBridge stamps the receive time itself");
        assertFalse(entry.hasResources());
        JsonNode detail = Json.MAPPER.readTree(entry.detail());
        assertEquals("pulse.v1", detail.get("envelope").asText());
        assertEquals(request.eventId(), detail.get("eventId").asText());
        assertEquals("w1", detail.get("workspaceId").asText());
        assertEquals(Json.MAPPER.readTree("{\"workspace\":true,\"users\":[\"u1\",\"u2\"],\"rooms\":[\"chat:42\"]}"),
                detail.get("targets"));
        assertEquals("R0oXAdfD0kwCH6w=", detail.get("exceptConnectionId").asText());
        assertEquals("req-77", detail.get("correlationId").asText());
        assertEquals("2026-02-03T04:05:06.789Z", detail.get("publishedAt").asText());
        assertEquals(Json.MAPPER.readTree("{\"id\":7,\"title\":\"Budget\"}"), detail.get("data"));
        // The pattern the fan-out rule uses matches on this field.
        assertTrue(FanOutRule.PATTERN.contains(detail.get("envelope").asText()));
    }

    @Test
    void defaultsAreAFixedTimeOrderedIdAndCorrelationEqualToIt() throws Exception {
        PublishRequest first = publisher.event("a.b").toRoom("w1", "chat:1");
        PublishRequest second = publisher.event("a.b").toRoom("w1", "chat:1");

        assertEquals(7, UUID.fromString(first.eventId()).version());
        assertEquals(NOW.toEpochMilli(), EventIdGenerator.millisOf(first.eventId()));
        assertTrue(first.eventId().compareTo(second.eventId()) < 0);
        // Building twice gives the same event: retries keep the idempotency key.
        assertEquals(first.toEntry().detail(), first.toEntry().detail());
        JsonNode detail = Json.MAPPER.readTree(first.toEntry().detail());
        assertEquals(first.eventId(), detail.get("correlationId").asText());
        assertFalse(detail.has("exceptConnectionId"));
        assertTrue(detail.get("data").isNull());
    }

    @Test
    void explicitEventIdAndDataKinds() throws Exception {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("n", 1);
        PublishRequest request = publisher.event("a.b").toUsers("w1", List.of("u1")).eventId("order-17-v3").data(map);
        map.put("n", 2); // converted at data(): later changes do not leak in

        JsonNode detail = Json.MAPPER.readTree(request.toEntry().detail());
        assertEquals("order-17-v3", detail.get("eventId").asText());
        assertEquals(1, detail.get("data").get("n").asInt());

        request.data(Json.MAPPER.readTree("[1,\"x\"]"));
        assertEquals(Json.MAPPER.readTree("[1,\"x\"]"), Json.MAPPER.readTree(request.toEntry().detail()).get("data"));
        request.data("plain text");
        assertEquals("plain text", Json.MAPPER.readTree(request.toEntry().detail()).get("data").asText());

        assertThrows(IllegalArgumentException.class, () -> request.eventId(""));
        assertThrows(IllegalArgumentException.class, () -> request.eventId("x".repeat(129)));
    }

    @Test
    void targetsMustShareOneWorkspace() {
        PublishRequest request = publisher.event("a.b").toWorkspace("w1");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> request.toRoom("w2", "chat:1"));
        assertTrue(e.getMessage().contains("same workspace"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> request.toUsers("w2", "u1"));
        assertThrows(IllegalArgumentException.class, () -> publisher.event("a.b").toUsers("w1", "u1").toWorkspace("w3"));
        // The same workspace again is fine.
        request.toRoom("w1", "chat:1").toUsers("w1", "u9");
        assertEquals(List.of("chat:1"), request.envelope().targets().rooms());
    }

    @Test
    void anEventNeedsATarget() {
        assertThrows(IllegalArgumentException.class, () -> publisher.event("a.b").data(1).toEntry());
        // Naming a workspace with an empty user list is still no target.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> publisher.event("a.b").toUsers("w1", List.of()).toEntry());
        assertEquals("targets", ((InvalidEnvelopeException) e.getCause()).field());
    }

    @Test
    void badNamesAreRefusedWhereTheyAreGiven() {
        assertThrows(IllegalArgumentException.class, () -> publisher.event(" "));
        assertThrows(IllegalArgumentException.class, () -> publisher.event("x".repeat(129)));
        assertThrows(IllegalArgumentException.class, () -> publisher.event("a.b").toRoom("w1", "not a room"));
        assertThrows(IllegalArgumentException.class, () -> publisher.event("a.b").toUsers("w1", "u1", ""));
        assertThrows(IllegalArgumentException.class, () -> publisher.event("a.b").toWorkspace(""));
        assertThrows(IllegalArgumentException.class, () -> publisher.event("a.b").except(""));
        assertThrows(IllegalArgumentException.class, () -> new Publisher(client, "bus", "aws.events"));
        assertThrows(IllegalArgumentException.class, () -> new Publisher(client, "", "com.acme"));
    }

    @Test
    void entriesOverTheEventBridgeLimitAreRefusedBeforeSending() {
        PublishRequest request = publisher.event("big.one").toRoom("w1", "chat:1");
        // Fill the payload so the entry lands exactly on the limit, then one byte over.
        request.data("");
        int overhead = EntrySize.of(request.toEntry());
        request.data("x".repeat(EntrySize.MAX_BYTES - overhead));
        assertEquals(EntrySize.MAX_BYTES, EntrySize.of(request.toEntry()));

        request.data("x".repeat(EntrySize.MAX_BYTES - overhead + 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, request::toEntry);
        assertTrue(e.getMessage().contains(String.valueOf(EntrySize.MAX_BYTES)), e.getMessage());
        // sendAll validates everything before any call (the client points nowhere, so a call would fail differently).
        assertThrows(IllegalArgumentException.class,
                () -> publisher.sendAll(List.of(publisher.event("ok").toRoom("w1", "chat:1"), request)));
    }

    @Test
    void entrySizeCountsUtf8BytesAsEventBridgeDoes() {
        PutEventsRequestEntry entry = PutEventsRequestEntry.builder()
                .source("src").detailType("dt").detail("{\"k\":\"é☕\"}").resources("arn:1", "ab")
                .time(NOW).eventBusName("not-counted").build();
        int expected = 14 + 3 + 2 + "{\"k\":\"é☕\"}".getBytes(StandardCharsets.UTF_8).length + 5 + 2;
        assertEquals(expected, EntrySize.of(entry));
        assertNotEquals("{\"k\":\"é☕\"}".length(), "{\"k\":\"é☕\"}".getBytes(StandardCharsets.UTF_8).length);
    }

    @Test
    void sendAllOfNothingSendsNothing() {
        assertEquals(List.of(), publisher.sendAll(List.of()));
    }
}
