package dev.pulse.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pulse.catalog.EventCatalog;
import dev.pulse.config.PulseConfig;
import dev.pulse.protocol.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;

/**
 * What {@code ./pulse local} starts with and prints: the HYVVE catalog on unless PULSE_CATALOG says otherwise, and a
 * sample put-events command whose event passes that catalog and reaches the workspace.
 */
class StartupBannerTest {

    @Test
    void theLocalRuntimeValidatesWithTheHyvveCatalogUnlessTheEnvironmentSaysOtherwise() {
        assertEquals("hyvve", LocalSettings.fromEnvironment(Map.of()).handlerSettings().get("PULSE_CATALOG"));
        assertEquals("hyvve", PulseConfig.fromEnvironment(LocalSettings.fromEnvironment(Map.of()).handlerSettings())
                .catalog().load().orElseThrow().app());
        assertEquals("famly", LocalSettings.fromEnvironment(Map.of("PULSE_CATALOG", "famly")).handlerSettings()
                .get("PULSE_CATALOG"));
        // Set but empty: no catalog.
        var off = LocalSettings.fromEnvironment(Map.of("PULSE_CATALOG", "")).handlerSettings();
        assertEquals(Optional.empty(), PulseConfig.fromEnvironment(off).catalog().load());
        // The end-to-end tests publish arbitrary event names: no catalog there.
        assertEquals(null, LocalSettings.ephemeral().handlerSettings().get("PULSE_CATALOG"));
    }

    @Test
    void theBannerSaysWhichCatalogValidatesAndHowToTurnItOff() {
        String strict = StartupBanner.catalogNote(EventCatalog.load("hyvve"));
        assertTrue(strict.contains("Event catalog: hyvve"), strict);
        assertTrue(strict.contains("Undeclared event names are refused"), strict);
        assertTrue(strict.contains("PULSE_CATALOG= (empty) turns validation off"), strict);
        String none = StartupBanner.catalogNote(null);
        assertTrue(none.contains("Event catalog: none"), none);
    }

    @Test
    void theSamplePutEventsCommandPublishesAnEventTheCatalogAcceptsAndTheWorkspaceGets() throws Exception {
        try (var system = LocalSystem.start(LocalSettings.ephemeral().withHandlerSetting("PULSE_CATALOG", "hyvve"));
             var events = system.eventBridgeClient();
             var alice = TestClient.connect(system, system.tokens().issue(StartupBanner.USER, StartupBanner.WORKSPACE,
                     Duration.ofMinutes(5)))) {
            Instant now = Instant.now();
            String banner = StartupBanner.text(system, LocalSettings.ephemeral(), now);
            String entries = StartupBanner.putEventsEntries(now);
            assertTrue(banner.contains("--entries '" + entries + "'"), banner);
            assertTrue(banner.contains("Event catalog: hyvve"), banner);

            // What the AWS CLI sends for --entries, with the stock SDK.
            JsonNode entry = Json.MAPPER.readTree(entries).get(0);
            var response = events.putEvents(r -> r.entries(PutEventsRequestEntry.builder()
                    .source(entry.path("Source").asText()).detailType(entry.path("DetailType").asText())
                    .eventBusName(entry.path("EventBusName").asText()).detail(entry.path("Detail").asText()).build()));
            assertEquals(0, response.failedEntryCount(), response.toString());

            JsonNode frame = alice.awaitEvent("approval.created");
            assertEquals("workspace:" + StartupBanner.WORKSPACE, frame.path("room").asText());
            assertEquals(StartupBanner.sampleApproval(now), frame.path("data"));
            assertTrue(system.awaitDeliveries(Duration.ofSeconds(20)));
            assertEquals(List.of(), system.rejectedEvents());
        }
    }
}
