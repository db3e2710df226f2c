package dev.pulse.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** README's table of the local runtime's settings says what LocalSettings reads and defaults to. */
class LocalSettingsReadmeTest {

    @Test
    void theReadmeListsEveryLocalSettingWithItsDefault() throws Exception {
        String readme = Files.readString(repositoryRoot().resolve("README.md"));
        var defaults = LocalSettings.fromEnvironment(Map.of());
        var expected = new LinkedHashMap<String, String>();
        expected.put("PULSE_LOCAL_PORT", Integer.toString(defaults.gatewayPort()));
        expected.put("PULSE_LOCAL_EVENTS_PORT", Integer.toString(defaults.eventBusPort()));
        expected.put("PULSE_LOCAL_DYNAMODB_PORT", Integer.toString(defaults.dynamoDbPort()));
        expected.put("PULSE_STAGE", defaults.stage());
        expected.put("PULSE_JWT_ISSUER", defaults.jwtIssuer());
        expected.put("PULSE_JWT_AUDIENCE", defaults.jwtAudience());
        expected.put("PULSE_FANOUT_CONCURRENCY", Integer.toString(defaults.fanoutConcurrency()));
        expected.put("PULSE_LOCAL_IDLE_TIMEOUT_SECONDS", Long.toString(defaults.idleTimeout().toSeconds()));
        expected.put("AWS_REGION", defaults.region());
        expected.put("PULSE_LOCAL_FANOUT_BATCH", Integer.toString(defaults.fanOutBatch()));
        expected.forEach((variable, value) -> {
            var row = Pattern.compile("(?m)^\\| `" + variable + "` \\| `([^`]*)` \\|").matcher(readme);
            assertTrue(row.find(), "README has no row for " + variable);
            assertEquals(value, row.group(1), variable);
        });
        // Each setting is read from its variable: a changed value shows (the table's names are the real ones).
        var changed = LocalSettings.fromEnvironment(Map.of("PULSE_LOCAL_PORT", "9001", "PULSE_STAGE", "dev",
                "PULSE_LOCAL_IDLE_TIMEOUT_SECONDS", "30", "AWS_REGION", "eu-west-1", "PULSE_JWT_SECRET", "s"));
        assertEquals(9001, changed.gatewayPort());
        assertEquals("dev", changed.stage());
        assertEquals(30, changed.idleTimeout().toSeconds());
        assertEquals("eu-west-1", changed.region());
        assertEquals("s", changed.jwtSecret());
        assertTrue(readme.contains("| `PULSE_JWT_SECRET` | a fixed development secret |"), "README has no row for PULSE_JWT_SECRET");
        for (String passed : LocalSettings.PASSED_THROUGH) {
            assertTrue(readme.contains("`" + passed + "`"), "README does not name the passed-through " + passed);
        }
    }

    private static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("README.md")) && Files.exists(dir.resolve("pulse"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no repository root above " + Path.of("").toAbsolutePath());
    }
}
