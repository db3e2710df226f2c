package dev.pulse.support.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

class LogSettingsTest {
    private static LogSettings parse(Map<String, String> env) {
        return LogSettings.parse(env::get);
    }

    @Test
    void defaultsAreJsonAtInfoWithThePlatformsLibrariesAtWarn() {
        var settings = parse(Map.of());
        assertEquals(LogSettings.Format.JSON, settings.format());
        assertEquals(Level.INFO, settings.levelFor("dev.pulse.connection.ConnectionLifecycle"));
        assertEquals(Level.WARN, settings.levelFor("org.eclipse.jetty.server.Server"));
        assertEquals(Level.WARN, settings.levelFor("software.amazon.awssdk.request"));
        assertEquals(java.util.List.of(), settings.problems());
    }

    @Test
    void aLevelAndPrefixesAreReadAndTheLongestPrefixWins() {
        var settings = parse(Map.of("PULSE_LOG_FORMAT", " Text ",
                "PULSE_LOG_LEVEL", "warn, dev.pulse=info, dev.pulse.delivery=debug, org.eclipse.jetty=info"));
        assertEquals(LogSettings.Format.TEXT, settings.format());
        assertEquals(Level.WARN, settings.levelFor("com.example.Other"));
        assertEquals(Level.INFO, settings.levelFor("dev.pulse.room.RoomAccess"));
        assertEquals(Level.DEBUG, settings.levelFor("dev.pulse.delivery.FanOut"));
        assertEquals(Level.INFO, settings.levelFor("org.eclipse.jetty.server.Server"));
    }

    @Test
    void valuesThatCannotBeReadFallBackAndAreReported() {
        var settings = parse(Map.of("PULSE_LOG_FORMAT", "xml", "PULSE_LOG_LEVEL", "loud,dev.pulse=verbose"));
        assertEquals(LogSettings.Format.JSON, settings.format());
        assertEquals(Level.INFO, settings.levelFor("dev.pulse.X"));
        assertEquals(3, settings.problems().size(), settings.problems().toString());
        assertTrue(settings.problems().getFirst().contains("PULSE_LOG_FORMAT=xml"), settings.problems().toString());
    }
}
