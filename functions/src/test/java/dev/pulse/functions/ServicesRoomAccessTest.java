package dev.pulse.functions;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.auth.TokenIssuer;
import dev.pulse.config.ConfigException;
import dev.pulse.config.Env;
import dev.pulse.config.PulseConfig;
import dev.pulse.protocol.Json;
import dev.pulse.store.EventLogTable;
import dev.pulse.testing.DynamoDbLocal;
import dev.pulse.testing.HookServer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The wiring of room access with an event catalog, through the polling endpoint (the one entry point Services hands
 * out that decides access with no connection): Worklamp's catalog declares project and channel rooms hook and every
 * other namespace grant; PULSE_ROOM_ACCESS overrides it; the hook is a real HTTP server, the event log DynamoDB Local.
 */
class ServicesRoomAccessTest {
    private static final String JWT_SECRET = "services-room-access-jwt-secret-0123456789";
    private static final String HOOK_SECRET = "services-room-access-hook-secret-0123456789";
    private static final TokenIssuer TOKENS = new TokenIssuer(JWT_SECRET, null, null);
    private static HookServer hook;
    private static String eventsTable;

    @BeforeAll
    static void start() throws Exception {
        hook = new HookServer(r -> HookServer.Answer.json(r.body().contains("\"room\":\"project:p-9\"")
                ? "{\"allow\":true}" : "{\"allow\":false,\"reason\":\"not in this channel\"}"));
        eventsTable = "events-" + UUID.randomUUID();
        try (var dynamo = DynamoDbLocal.client()) {
            dynamo.createTable(EventLogTable.createTableRequest(eventsTable));
            dynamo.waiter().waitUntilTableExists(b -> b.tableName(eventsTable));
        }
    }

    @AfterAll
    static void stop() {
        hook.close();
    }

    /** What a function of the stack gets, with Worklamp's catalog and the given extra settings. */
    private static Map<String, String> environment(Map<String, String> extra) {
        var env = new HashMap<String, String>();
        env.put(Env.MANAGEMENT_ENDPOINT, "http://127.0.0.1:1/local");
        env.put(Env.DYNAMODB_ENDPOINT, DynamoDbLocal.endpoint().toString());
        env.put(Env.EVENTS_TABLE, eventsTable);
        env.put(Env.CATALOG, "worklamp");
        env.putAll(extra);
        return env;
    }

    private static Services services(Map<String, String> extra) {
        return new Services(PulseConfig.fromEnvironment(environment(extra)),
                StaticCredentialsProvider.create(DynamoDbLocal.CREDENTIALS));
    }

    private static Map<String, String> withHook() {
        // The longest timeout allowed: this tests which namespaces ask the hook, not how fast it must be, and a loaded
        // machine can take over the default second for a first local request.
        return Map.of(Env.JWT_SECRET, JWT_SECRET, Env.ACCESS_HOOK_URL, hook.uri().toString(),
                Env.ACCESS_HOOK_SECRET, HOOK_SECRET, Env.ACCESS_HOOK_TIMEOUT_MS, "10000");
    }

    /** Polls one room as ann of workspace acme: the HTTP status and the error's reason, if any. */
    private static String poll(Services services, String room) throws Exception {
        var answer = services.pollingEndpoint().orElseThrow().handle(
                "Bearer " + TOKENS.issue("ann", "acme", Duration.ofMinutes(5)),
                Json.object().put("since", "2026-01-01T00:00:00Z").set("rooms", Json.MAPPER.valueToTree(List.of(room)))
                        .toString());
        String reason = Json.MAPPER.readTree(answer.body()).at("/error/reason").asText("");
        return answer.status() + (reason.isEmpty() ? "" : " " + reason);
    }

    private static long hookCallsFor(String room) {
        return hook.requests().stream().filter(r -> r.body().contains("\"room\":\"" + room + "\"")).count();
    }

    @Test
    void theCatalogsModesApplyWithTheHookAskedForItsHookNamespaces() throws Exception {
        var services = services(withHook());
        long before = hookCallsFor("project:p-9");
        assertEquals("200", poll(services, "project:p-9"));
        assertEquals(before + 1, hookCallsFor("project:p-9"), "the hook decided project:p-9");
        assertEquals("403 hook_denied", poll(services, "channel:c-1"));
        // A namespace the catalog does not name takes its *: grant, and ann's token grants nothing.
        assertEquals("403 not_granted", poll(services, "board:b-1"));
    }

    @Test
    void pulseRoomAccessOverridesTheCatalogPerNamespaceAndForStar() throws Exception {
        var extra = new HashMap<>(withHook());
        extra.put(Env.ROOM_ACCESS, "project=open,*=open");
        var services = services(extra);
        long before = hookCallsFor("project:p-9");
        assertEquals("200", poll(services, "project:p-9"));
        assertEquals(before, hookCallsFor("project:p-9"), "project is open by the deployment: no hook call");
        assertEquals("403 hook_denied", poll(services, "channel:c-1"), "channel keeps the catalog's hook");
        assertEquals("200", poll(services, "board:b-1"), "the deployment's *=open replaces the catalog's *=grant");
    }

    @Test
    void aCatalogHookNamespaceWithoutTheHookFailsTheStartWhereTokensAreVerified() {
        var error = assertThrows(ConfigException.class, () -> services(Map.of(Env.JWT_SECRET, JWT_SECRET)));
        assertTrue(error.getMessage().startsWith("event catalog worklamp (classpath:catalogs/worklamp.catalog.json) "
                + "declares hook namespaces (channel, project), so PULSE_ACCESS_HOOK_URL and PULSE_ACCESS_HOOK_SECRET "
                + "are required"), error.getMessage());
        // Overriding both in PULSE_ROOM_ACCESS is the other way out.
        assertDoesNotThrow(() -> services(Map.of(Env.JWT_SECRET, JWT_SECRET,
                Env.ROOM_ACCESS, "project=grant,channel=grant")));
    }

    @Test
    void theFanOutWhichVerifiesNoTokensStartsWithTheCatalogAndNoHook() {
        // The stack gives the fan-out the catalog (for its events) and neither key material nor hook settings.
        var fanOut = assertDoesNotThrow(() -> services(Map.of()));
        assertTrue(fanOut.pollingEndpoint().isEmpty());
        assertEquals("worklamp", fanOut.config().catalog().name());
    }
}
