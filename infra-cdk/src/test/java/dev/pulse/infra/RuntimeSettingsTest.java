package dev.pulse.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Stack;

/** The handlers' runtime settings as construct props, checked at synthesis and set on every function. */
class RuntimeSettingsTest {
    private static final String SECRET = "a-test-secret-that-is-at-least-32-bytes-long";

    @Test
    void settingsBecomeTheEnvironmentTheCoreReads(@TempDir Path dir) throws Exception {
        Path jar = Files.writeString(dir.resolve("fn.jar"), "placeholder");
        var app = new App();
        var stack = new Stack(app, "RuntimeSettings");
        var runtime = new RuntimeSettings("uid", "tenant", Duration.ofHours(48), "room.join=10/60s,*=60/10s",
                List.of("https://app.example"), List.of("client.", "app."), List.of("chat", "team"), 250);
        var realtime = new PulseRealtime(stack, "Realtime", PulseRealtimeProps.builder()
                .lambdaJarPath(jar.toString()).jwtSecret(SECRET).runtime(runtime).build());
        var template = Templates.json(stack);
        var functions = Templates.resources(template, "AWS::Lambda::Function");
        for (var fn : realtime.getFunctions()) {
            var env = functions.get(Templates.logicalId(fn)).at("/Properties/Environment/Variables");
            assertEquals("uid", env.get("PULSE_JWT_USER_CLAIM").asText());
            assertEquals("tenant", env.get("PULSE_JWT_WORKSPACE_CLAIM").asText());
            assertEquals("172800", env.get("PULSE_EVENT_RETENTION_SECONDS").asText());
            assertEquals("room.join=10/60s,*=60/10s", env.get("PULSE_RATE_LIMITS").asText());
            assertEquals("https://app.example", env.get("PULSE_ALLOWED_ORIGINS").asText());
            assertEquals("client.,app.", env.get("PULSE_CLIENT_EVENT_PREFIXES").asText());
            assertEquals("chat,team", env.get("PULSE_PRESENCE_NAMESPACES").asText());
            assertEquals("250", env.get("PULSE_PRESENCE_SIGNAL_LIMIT").asText());
        }
    }

    @Test
    void anEmptyPresenceListTurnsPresenceOffAndNullKeepsTheDefault() {
        var off = new RuntimeSettings(null, null, null, null, List.of(), List.of(), List.of());
        assertEquals(java.util.Map.of("PULSE_PRESENCE_NAMESPACES", ""), off.environment());
        assertFalse(RuntimeSettings.DEFAULTS.environment().containsKey("PULSE_PRESENCE_NAMESPACES"));
        assertThrows(IllegalArgumentException.class,
                () -> new RuntimeSettings(null, null, null, null, List.of(), List.of(), List.of("Chat:")));
    }

    @Test
    void defaultsSetNothing() {
        assertEquals(java.util.Map.of(), RuntimeSettings.DEFAULTS.environment());
        assertFalse(RuntimeSettings.DEFAULTS.environment().containsKey("PULSE_RATE_LIMITS"));
    }

    @Test
    void badValuesFailAtSynthesis() {
        assertThrows(IllegalArgumentException.class,
                () -> new RuntimeSettings(null, null, null, "room.join=lots", List.of(), List.of()));
        assertThrows(IllegalArgumentException.class,
                () -> new RuntimeSettings(null, null, Duration.ofSeconds(5), null, List.of(), List.of()));
        assertThrows(IllegalArgumentException.class,
                () -> new RuntimeSettings(null, null, null, null, List.of("app.example/path"), List.of()));
    }
}
