package dev.pulse.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The admin page ({@code /admin}) in a real browser: {@code clients/web/browser-test/admin.test.mjs} (chromium driven
 * by playwright-core, as in {@link DemoPageBrowserTest}) opens two demo pages as real clients, puts an event the HYVVE
 * catalog refuses on the local bus, and requires the admin page to show both connections with their rooms, the room's
 * members and presence, the refused event with its reason and JSON path, the counters, and its disconnect button to
 * close a connection. Then that the event was really dead-lettered, as the page said.
 */
class AdminPageBrowserTest {
    @Test
    void theAdminPageShowsRealClientsAndADeadLetteredEvent() throws Exception {
        Path scripts = DemoPageBrowserTest.repositoryRoot().resolve("clients/web/browser-test");
        DemoPageBrowserTest.requireInstalled(scripts);
        try (var system = LocalSystem.start(LocalSettings.ephemeral().withHandlerSetting("PULSE_CATALOG", "hyvve"))) {
            var ws = system.webSocketUri();
            Path screenshots = Path.of("target", "demo-screenshots").toAbsolutePath();
            Files.createDirectories(screenshots);
            DemoPageBrowserTest.runNodeTests(scripts, List.of("admin.test.mjs"), Map.of(
                    "PULSE_DEMO_URL", "http://" + ws.getHost() + ":" + ws.getPort() + "/",
                    "PULSE_EVENTS_URL", system.eventBridgeEndpoint().toString(),
                    "PULSE_SCREENSHOTS", screenshots.toString()));
            assertTrue(system.awaitDeliveries(Duration.ofSeconds(20)), "deliveries did not finish");
            var refused = system.rejectedEvents();
            assertEquals(1, refused.size(), refused.toString());
            assertEquals("$.status", refused.getFirst().violations().getFirst().path());
            assertFalse(system.metrics().totals().isEmpty());
        }
    }
}
