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
    }

    @Test
    void contextValuesAreReadAsTextOrNumbers() {
        Map<String, Object> context = Map.of(
                "stageName", "dev", "lambdaJar", "/tmp/f.jar", "jwtSecret", "s", "jwksUrl", "https://a/j",
                "jwtIssuer", "iss", "jwtAudience", "aud", "eventBusName", "orders", "fanoutConcurrency", 8,
                "alarmTopicArn", "arn:aws:sns:eu-west-1:123456789012:ops", "accessLogs", true);
        var settings = DeploySettings.fromContext(context::get);
        assertEquals(new DeploySettings("Pulse", "dev", "/tmp/f.jar", "s", "https://a/j", "iss", "aud", "orders", 8,
                        "arn:aws:sns:eu-west-1:123456789012:ops", true),
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
    void aNonNumericConcurrencyIsRejected() {
        var error = assertThrows(IllegalArgumentException.class,
                () -> DeploySettings.fromContext(Map.<String, Object>of("fanoutConcurrency", "many")::get));
        assertTrue(error.getMessage().contains("fanoutConcurrency"), error.getMessage());
    }
}
