package dev.pulse.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.catalog.EventCatalog;
import dev.pulse.catalog.InvalidEventException;
import dev.pulse.catalog.Violation;
import dev.pulse.protocol.Json;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

/**
 * A publisher with a catalog refuses invalid payloads before sending. The client points at a closed port, so any
 * attempt to send fails with an SDK exception: an {@link InvalidEventException} proves nothing was sent first.
 */
class CatalogPublisherTest {
    private static EventBridgeClient client;
    private static Publisher publisher;

    @BeforeAll
    static void setUp() {
        client = EventBridgeClient.builder()
                .endpointOverride(URI.create("http://127.0.0.1:9"))
                .region(Region.EU_WEST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "y")))
                .httpClient(ApacheHttpClient.builder().build())
                .build();
        publisher = new Publisher(client, "pulse-bus", "com.hyvve.api").withCatalog(EventCatalog.load("hyvve"));
    }

    @AfterAll
    static void tearDown() {
        client.close();
    }

    private static Map<String, Object> chatMessage(Object content) {
        return Map.of("id", "m1", "workspaceId", "w1", "chatId", "c1", "senderId", "u1", "content", content,
                "createdAt", "2026-01-01T00:00:00Z");
    }

    @Test
    void aValidPayloadBecomesAnEntry() throws Exception {
        var entry = publisher.event("chat.message").toRoom("w1", "chat:c1").data(chatMessage("hi")).toEntry();
        assertEquals("hi", Json.MAPPER.readTree(entry.detail()).path("data").path("content").asText());
    }

    @Test
    void anInvalidPayloadThrowsNamingTheEventAndThePathBeforeSending() {
        var request = publisher.event("chat.message").toRoom("w1", "chat:c1").data(chatMessage(42));
        var e = assertThrows(InvalidEventException.class, request::send);
        assertEquals("chat.message", e.event());
        assertEquals(List.of(new Violation("$.content", "integer found, string expected")), e.violations());
        assertEquals("event chat.message: $.content: integer found, string expected", e.getMessage());
        assertTrue(e instanceof IllegalArgumentException, "the publisher's refusals are IllegalArgumentExceptions");
    }

    @Test
    void anUndeclaredEventIsRefusedByAStrictCatalog() {
        var e = assertThrows(InvalidEventException.class,
                () -> publisher.event("approval.archived").toWorkspace("w1").data(Map.of()).toEntry());
        assertTrue(e.getMessage().startsWith("event approval.archived: $: unknown event type"), e.getMessage());
    }

    @Test
    void sendAllValidatesEveryRequestBeforeSendingAny() {
        var good = publisher.event("chat.message").toRoom("w1", "chat:c1").data(chatMessage("first"));
        var bad = publisher.event("chat.message").toRoom("w1", "chat:c1").data(Map.of("content", "no ids"));
        var e = assertThrows(InvalidEventException.class, () -> publisher.sendAll(List.of(good, bad)));
        assertTrue(e.getMessage().contains("required property 'id' not found"), e.getMessage());
        // Without the bad one, sending is attempted (and fails only because nothing listens).
        assertThrows(SdkClientException.class, () -> publisher.sendAll(List.of(good)));
    }

    @Test
    void withoutACatalogNothingIsValidatedAndTheCatalogIsExposed() {
        var plain = new Publisher(client, "pulse-bus", "com.hyvve.api");
        assertTrue(plain.catalog().isEmpty());
        plain.event("chat.message").toRoom("w1", "chat:c1").data(chatMessage(42)).toEntry();
        assertEquals("hyvve", publisher.catalog().orElseThrow().app());
        EventCatalog eva = EventCatalog.load("eva");
        assertSame(eva, plain.withCatalog(eva).catalog().orElseThrow());
    }
}
