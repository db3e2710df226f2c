package dev.pulse.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pulse.catalog.EventCatalog;
import dev.pulse.protocol.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /dev/publish} on a local system with the HYVVE catalog on, as {@code PULSE_CATALOG=hyvve ./pulse local} runs: the
 * publisher SDK validates the payload, so a payload the catalog refuses (or an event it does not declare) gets a 400
 * naming the event and the failing JSON path, and nothing is published; a valid one is delivered.
 */
class DevEndpointsCatalogTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static LocalSystem system;
    private static EventCatalog hyvve;
    private final List<TestClient> clients = new ArrayList<>();

    @BeforeAll
    static void start() {
        system = LocalSystem.start(LocalSettings.ephemeral().withHandlerSetting("PULSE_CATALOG", "hyvve"));
        hyvve = EventCatalog.load("hyvve");
    }

    @AfterAll
    static void stop() {
        system.close();
    }

    @AfterEach
    void closeClients() {
        clients.forEach(TestClient::close);
    }

    private TestClient connect(String user, String workspace) {
        var client = TestClient.connect(system, system.tokens().issue(user, workspace, Duration.ofMinutes(10)));
        clients.add(client);
        return client;
    }

    private static ObjectNode example(String event, String workspace) {
        return ((ObjectNode) hyvve.event(event).orElseThrow().examples().getFirst().deepCopy()).put("workspaceId", workspace);
    }

    private record Answer(int status, JsonNode body) {
    }

    private static Answer publish(String event, String workspace, JsonNode data) throws Exception {
        var body = Json.object().put("event", event).put("workspaceId", workspace);
        body.putObject("targets").put("workspace", true);
        body.set("data", data);
        var ws = system.webSocketUri();
        var request = HttpRequest.newBuilder(URI.create("http://" + ws.getHost() + ":" + ws.getPort() + "/dev/publish"))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        var response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), Json.MAPPER.readTree(response.body()));
    }

    /** Nothing refused reached the bus: no client got it and the fan-out had nothing to dead-letter. */
    private static void assertNothingPublished(TestClient client) throws Exception {
        assertTrue(system.awaitDeliveries(Duration.ofSeconds(20)), "deliveries did not finish");
        client.request("ping", null);
        assertEquals(List.of(), client.drain());
        assertEquals(List.of(), system.rejectedEvents());
    }

    @Test
    void aPayloadTheCatalogRefusesGets400NamingTheEventAndPathAndIsNotPublished() throws Exception {
        var alice = connect("alice", "ws-dev-invalid");
        ObjectNode approval = example("approval.created", "ws-dev-invalid").put("status", "maybe");

        Answer answer = publish("approval.created", "ws-dev-invalid", approval);

        assertEquals(400, answer.status(), answer.body().toString());
        assertEquals("approval.created", answer.body().path("event").asText());
        assertEquals("$.status", answer.body().path("violations").path(0).path("path").asText());
        String error = answer.body().path("error").asText();
        assertTrue(error.startsWith("event approval.created: $.status: "), error);
        assertNothingPublished(alice);
    }

    @Test
    void aMissingRequiredFieldIsNamedToo() throws Exception {
        var alice = connect("alice", "ws-dev-missing");
        // The demo's old chat payload: {text, userId} instead of the catalog's {senderId, content, ...}.
        ObjectNode old = Json.object().put("id", "m1").put("chatId", "general").put("userId", "alice").put("text", "hi");

        Answer answer = publish("chat.message", "ws-dev-missing", old);

        assertEquals(400, answer.status(), answer.body().toString());
        String error = answer.body().path("error").asText();
        for (String field : List.of("workspaceId", "senderId", "content", "createdAt")) {
            assertTrue(error.contains(field), "the error names " + field + ": " + error);
        }
        assertNothingPublished(alice);
    }

    @Test
    void anEventTheStrictCatalogDoesNotDeclareGets400() throws Exception {
        var alice = connect("alice", "ws-dev-unknown");

        Answer answer = publish("approval.archived", "ws-dev-unknown", Json.object().put("id", "a1"));

        assertEquals(400, answer.status(), answer.body().toString());
        assertEquals("approval.archived", answer.body().path("event").asText());
        assertTrue(answer.body().path("error").asText().contains("unknown event type"), answer.body().toString());
        assertNothingPublished(alice);
    }

    @Test
    void aBadRequestWithoutAnEventNameGets400NotA500() throws Exception {
        Answer answer = publish("", "ws-dev-noname", Json.object());
        assertEquals(400, answer.status(), answer.body().toString());
        assertTrue(answer.body().path("error").asText().contains("event name"), answer.body().toString());
    }

    @Test
    void aValidPayloadIsPublishedAndDelivered() throws Exception {
        var alice = connect("alice", "ws-dev-valid");
        ObjectNode approval = example("approval.created", "ws-dev-valid");

        Answer answer = publish("approval.created", "ws-dev-valid", approval);

        assertEquals(200, answer.status(), answer.body().toString());
        JsonNode frame = alice.awaitEvent("approval.created");
        assertEquals(answer.body().path("eventId").asText(), frame.path("eventId").asText());
        assertEquals(approval, frame.path("data"));
        assertEquals(List.of(), system.rejectedEvents());
    }
}
