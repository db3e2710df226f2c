package dev.pulse.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PulseRealtimePropsTest {
    private static final String SECRET = "0123456789abcdef0123456789abcdef";

    private static PulseRealtimeProps.Builder valid() {
        return PulseRealtimeProps.builder().lambdaJarPath("functions.jar").jwtSecret(SECRET);
    }

    @Test
    void defaultsToStageProdConcurrency64AndTheDefaultBus() {
        var props = valid().build();
        assertEquals("prod", props.stageName());
        assertEquals(64, props.fanoutConcurrency());
        assertNull(props.eventBus());
        assertNull(props.jwksUrl());
    }

    @Test
    void blankOptionalValuesAreAbsent() {
        var props = valid().stageName(" ").jwtIssuer("").jwtAudience("  ").build();
        assertEquals("prod", props.stageName());
        assertNull(props.jwtIssuer());
        assertNull(props.jwtAudience());
    }

    @Test
    void aJwksUrlAloneIsEnough() {
        var props = PulseRealtimeProps.builder().lambdaJarPath("f.jar")
                .jwksUrl("https://auth.example/jwks.json").build();
        assertNull(props.jwtSecret());
        assertEquals("https://auth.example/jwks.json", props.jwksUrl());
    }

    @Test
    void rejectsBadSettingsWithTheReason() {
        assertRejected("jwtSecret or jwtSigningSecret (HS256) or jwksUrl", PulseRealtimeProps.builder().lambdaJarPath("f.jar"));
        assertRejected("at least 32 bytes", valid().jwtSecret("short"));
        assertRejected("absolute http(s) URL", valid().jwksUrl("file:///etc/keys.json"));
        assertRejected("absolute http(s) URL", valid().jwksUrl("jwks.json"));
        assertRejected("lambdaJarPath", valid().lambdaJarPath(" "));
        assertRejected("stageName", valid().stageName("prod/v1"));
        assertRejected("fanoutConcurrency", valid().fanoutConcurrency(0));
    }

    @Test
    void rejectsBadRoomAccessSettingsNamingThePropAndItsContextKey() {
        assertRejected("roomAccess (context roomAccess): 'Chat' is not a room namespace", valid().roomAccess("Chat=grant"));
        assertRejected("roomAccess (context roomAccess): user: rooms keep their fixed rules", valid().roomAccess("user=grant"));
        assertRejected("roomAccess (context roomAccess): access mode must be one of", valid().roomAccess("chat=secret"));
        assertRejected("accessHookUrl (context accessHookUrl) must be an absolute https:// URL: http://app.example/hook",
                valid().accessHookUrl("http://app.example/hook"));
        assertRejected("accessHookUrl (context accessHookUrl) must be an absolute https:// URL", valid().accessHookUrl("/hook"));
        assertRejected("accessHookTimeout (context accessHookTimeoutMs) must be 1 ms to 10 s",
                valid().accessHookTimeout(java.time.Duration.ofSeconds(11)));
        assertRejected("accessHookTimeout (context accessHookTimeoutMs) must be 1 ms to 10 s",
                valid().accessHookTimeout(java.time.Duration.ZERO));
        assertRejected("accessHookCacheTtl (context accessHookCacheSeconds) must be whole seconds from 1 s to 1 h",
                valid().accessHookCacheTtl(java.time.Duration.ofHours(2)));
        assertRejected("accessHookDenyCacheTtl (context accessHookDenyCacheSeconds) must be whole seconds from 1 s to 1 h",
                valid().accessHookDenyCacheTtl(java.time.Duration.ofMillis(1500)));
    }

    @Test
    void roomAccessSettingsDefaultToNoneAndBlankValuesAreAbsent() {
        assertEquals(RoomAccessSettings.NONE, valid().build().access());
        assertEquals(RoomAccessSettings.NONE, valid().roomAccess(" ").accessHookUrl("").roomsClaim(" ").build().access());
        assertEquals("grants", valid().roomsClaim("grants").build().access().roomsClaim());
    }

    private static void assertRejected(String reason, PulseRealtimeProps.Builder builder) {
        var error = assertThrows(IllegalArgumentException.class, builder::build);
        assertTrue(error.getMessage().contains(reason), error.getMessage());
    }
}
