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
 * What {@code ./pulse local} starts with and prints: no catalog unless PULSE_CATALOG names one (as a deployment has
 * none without {@code -c catalog}), and a sample put-events command whose event passes the HYVVE catalog and reaches
 * the workspace.
 */
class StartupBannerTest {

    @Test
    void theLocalRuntimeValidatesOnlyWithTheCatalogTheEnvironmentNamesAsADeploymentDoes() {
        // The same default as cdk deploy without -c catalog (PulseStackTest): nothing validated, nothing routed.
        assertEquals(null, LocalSettings.fromEnvironment(Map.of()).handlerSettings().get("PULSE_CATALOG"));
        assertEquals(Optional.empty(), PulseConfig.fromEnvironment(LocalSettings.fromEnvironment(Map.of()).handlerSettings())
                .catalog().load());
        assertEquals("hyvve", PulseConfig.fromEnvironment(LocalSettings.fromEnvironment(Map.of("PULSE_CATALOG", "hyvve"))
                .handlerSettings()).catalog().load().orElseThrow().app());
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
        assertTrue(strict.contains("Without PULSE_CATALOG (as without -c catalog when deployed) nothing is validated"), strict);
        String none = StartupBanner.catalogNote(null);
        assertTrue(none.contains("Event catalog: none, as in a deployment without -c catalog"), none);
        assertTrue(none.contains("PULSE_CATALOG=hyvve ./pulse local validates them"), none);
    }

    @Test
    void theSamplePutEventsCommandPublishesAnEventTheCatalogAcceptsAndTheWorkspaceGets() throws Exception {
        try (var system = LocalSystem.start(LocalSettings.ephemeral().withHandlerSetting("PULSE_CATALOG", "hyvve"));
             // The stock SDK with exactly the dummy credentials the banner prints: the CLI and SDKs need some.
             var events = software.amazon.awssdk.services.eventbridge.EventBridgeClient.builder()
                     .endpointOverride(system.eventBridgeEndpoint())
                     .region(software.amazon.awssdk.regions.Region.US_EAST_1)
                     .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                             software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(
                                     credential(StartupBanner.DUMMY_CREDENTIALS, "AWS_ACCESS_KEY_ID"),
                                     credential(StartupBanner.DUMMY_CREDENTIALS, "AWS_SECRET_ACCESS_KEY"))))
                     .httpClient(software.amazon.awssdk.http.apache.ApacheHttpClient.create())
                     .build();
             var alice = TestClient.connect(system, system.tokens().issue(StartupBanner.USER, StartupBanner.WORKSPACE,
                     Duration.ofMinutes(5)))) {
            Instant now = Instant.now();
            String banner = StartupBanner.text(system, LocalSettings.ephemeral(), now);
            String entries = StartupBanner.putEventsEntries(now);
            assertTrue(banner.contains("--entries '" + entries + "'"), banner);
            // Without credentials the CLI stops with "Unable to locate credentials": the command carries dummy ones.
            assertTrue(banner.contains("AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local aws events put-events --endpoint-url "
                    + system.eventBridgeEndpoint() + " --region us-east-1 --entries '"), banner);
            assertTrue(banner.contains("aws_access_key_id=\"local\", aws_secret_access_key=\"local\""), banner);
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

    /** The value of NAME=value in a space-separated list of assignments. */
    private static String credential(String assignments, String name) {
        for (String assignment : assignments.split(" ")) {
            if (assignment.startsWith(name + "=")) {
                return assignment.substring(name.length() + 1);
            }
        }
        throw new AssertionError(name + " not in " + assignments);
    }
}
