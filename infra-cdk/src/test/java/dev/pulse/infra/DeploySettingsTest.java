package dev.pulse.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DeploySettingsTest {

    @Test
    void emptyContextGivesTheDefaults() {
        var settings = DeploySettings.fromContext(key -> null);
        assertEquals("Pulse", settings.stackName());
        assertEquals("prod", settings.stageName());
        assertEquals("../functions/target/functions-0.1.0-SNAPSHOT-lambda.jar", settings.lambdaJarPath());
        assertEquals(64, settings.fanoutConcurrency());
        assertNull(settings.jwtSecret());
        assertNull(settings.eventBusName());
        assertNull(settings.alarmTopicArn());
        assertFalse(settings.accessLogs());
        assertFalse(settings.usesCustomBus());
        assertEquals(RuntimeSettings.DEFAULTS, settings.runtime());
        assertEquals(500, settings.stageRateLimit());
        assertEquals(1000, settings.stageBurstLimit());
        assertEquals(RoomAccessSettings.NONE, settings.access());
        assertNull(settings.accessHookSecretId());
        assertEquals(BigRoomSettings.DEFAULTS, settings.bigRooms());
    }

    @Test
    void contextValuesAreReadAsTextOrNumbers() {
        Map<String, Object> context = Map.ofEntries(
                Map.entry("stageName", "dev"), Map.entry("lambdaJar", "/tmp/f.jar"), Map.entry("jwtSecret", "s"),
                Map.entry("jwtSecretId", "pulse/jwt"), Map.entry("jwksUrl", "https://a/j"),
                Map.entry("jwtIssuer", "iss"), Map.entry("jwtAudience", "aud"), Map.entry("eventBusName", "orders"),
                Map.entry("fanoutConcurrency", 8), Map.entry("alarmTopicArn", "arn:aws:sns:eu-west-1:123456789012:ops"),
                Map.entry("accessLogs", true), Map.entry("userClaim", "uid"), Map.entry("workspaceClaim", "tenant"),
                Map.entry("eventRetentionHours", 48), Map.entry("rateLimits", "room.join=10/60s"),
                Map.entry("allowedOrigins", "https://app.example, https://admin.example"),
                Map.entry("clientEventPrefixes", "client."), Map.entry("catalog", "hyvve"),
                Map.entry("stageRateLimit", 50), Map.entry("stageBurstLimit", "100"),
                Map.entry("roomAccess", "chat=room-token,project=hook,*=grant"),
                Map.entry("accessHookUrl", "https://app.example/pulse/access"), Map.entry("accessHookSecretId", "pulse/hook"),
                Map.entry("accessHookTimeoutMs", 1500), Map.entry("accessHookCacheSeconds", "120"),
                Map.entry("accessHookDenyCacheSeconds", 2), Map.entry("roomsClaim", "grants"),
                Map.entry("connectAuthorizer", "true"), Map.entry("tracing", "true"),
                Map.entry("fanOutQueue", "true"), Map.entry("fanOutBatchSize", "100"), Map.entry("fanOutBatchWindowMs", "250"),
                Map.entry("postAttempts", "6"), Map.entry("postRetryMs", 50), Map.entry("membersCacheMs", "500"),
                Map.entry("bigRoomThreshold", "5000"), Map.entry("shardSize", 500), Map.entry("shardCheckpoint", "100"),
                Map.entry("shardWorkerConcurrency", "30"));
        var settings = DeploySettings.fromContext(context::get);
        assertEquals(new DeploySettings("Pulse", "dev", "/tmp/f.jar", "s", "pulse/jwt", "https://a/j", "iss", "aud", "orders", 8,
                        "arn:aws:sns:eu-west-1:123456789012:ops", true,
                        new RuntimeSettings("uid", "tenant", java.time.Duration.ofHours(48), "room.join=10/60s",
                                java.util.List.of("https://app.example", "https://admin.example"), java.util.List.of("client.")),
                        "hyvve", 50, 100,
                        new RoomAccessSettings("chat=room-token,project=hook,*=grant", "https://app.example/pulse/access",
                                java.time.Duration.ofMillis(1500), java.time.Duration.ofSeconds(120),
                                java.time.Duration.ofSeconds(2), "grants"),
                        "pulse/hook", true, true,
                        new FanOutQueueSettings(true, 100, java.time.Duration.ofMillis(250), FanOutQueueSettings.DEFAULT_MAX_RECEIVES),
                        new DeliverySettings(6, java.time.Duration.ofMillis(50), java.time.Duration.ofMillis(500)),
                        new BigRoomSettings(5000, 500, 100, 30)),
                settings);
        assertTrue(settings.usesCustomBus());
        assertEquals(12, DeploySettings.fromContext(Map.<String, Object>of("fanoutConcurrency", " 12 ")::get)
                .fanoutConcurrency());
    }

    @Test
    void theBusNamedDefaultIsTheDefaultBus() {
        assertFalse(DeploySettings.fromContext(Map.<String, Object>of("eventBusName", "default")::get).usesCustomBus());
    }

    @Test
    void accessLogsIsABooleanSwitch() {
        assertTrue(DeploySettings.fromContext(Map.<String, Object>of("accessLogs", "TRUE")::get).accessLogs());
        assertFalse(DeploySettings.fromContext(Map.<String, Object>of("accessLogs", "false")::get).accessLogs());
        var error = assertThrows(IllegalArgumentException.class,
                () -> DeploySettings.fromContext(Map.<String, Object>of("accessLogs", "yes")::get));
        assertTrue(error.getMessage().contains("accessLogs"), error.getMessage());
    }

    @Test
    void badRoomAccessContextIsRejectedNamingTheKey() {
        var spec = assertThrows(IllegalArgumentException.class,
                () -> DeploySettings.fromContext(Map.<String, Object>of("roomAccess", "chat=private")::get));
        assertEquals("roomAccess (context roomAccess): access mode must be one of open, grant, room-token, hook; got "
                + "'private'; expected e.g. chat=room-token,project=hook,*=grant", spec.getMessage());
        var timeout = assertThrows(IllegalArgumentException.class,
                () -> DeploySettings.fromContext(Map.<String, Object>of("accessHookTimeoutMs", "soon")::get));
        assertTrue(timeout.getMessage().contains("accessHookTimeoutMs"), timeout.getMessage());
    }

    @Test
    void aNonNumericConcurrencyIsRejected() {
        var error = assertThrows(IllegalArgumentException.class,
                () -> DeploySettings.fromContext(Map.<String, Object>of("fanoutConcurrency", "many")::get));
        assertTrue(error.getMessage().contains("fanoutConcurrency"), error.getMessage());
    }
}
