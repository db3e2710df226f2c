package dev.pulse.config;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.catalog.EventCatalog;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An event catalog's access declaration under the deployment's PULSE_ROOM_ACCESS, with the shipped seed catalogs:
 * the deployment's entries win per namespace, its * wins only when it names one, and a hook namespace the catalog
 * brings needs the hook settings like one the deployment declares.
 */
class RoomAccessPrecedenceTest {
    private static final EventCatalog WORKLAMP = EventCatalog.load("worklamp");   // project, channel: hook; *: grant
    private static final EventCatalog FAMLY = EventCatalog.load("famly");         // chat: grant; *: grant
    private static final EventCatalog HYVVE = EventCatalog.load("hyvve");         // declares no access
    private static final String HOOK_SECRET = "a-hook-secret-of-at-least-32-bytes-0123";

    private static PulseConfig.Access deployment(String roomAccess) {
        var env = new HashMap<String, String>();
        if (roomAccess != null) {
            env.put(Env.ROOM_ACCESS, roomAccess);
        }
        return PulseConfig.fromEnvironment(env).access();
    }

    private static String effective(String roomAccess, EventCatalog catalog) {
        return deployment(roomAccess).policyWith(catalog).spec();
    }

    @Test
    void withoutADeploymentDeclarationTheCatalogDecides() {
        assertEquals("channel=hook,project=hook,*=grant", effective(null, WORKLAMP));
        assertEquals("chat=grant,*=grant", effective(null, FAMLY));
    }

    @Test
    void theDeploymentsEntriesOverrideTheCatalogsPerNamespace() {
        // Only project changes; channel keeps the catalog's hook, the rest the catalog's grant.
        assertEquals("channel=hook,project=grant,*=grant", effective("project=grant", WORKLAMP));
        // A namespace the catalog does not name is added; the catalog's * still covers the others.
        assertEquals("board=open,chat=grant,*=grant", effective("board=open", FAMLY));
    }

    @Test
    void theDeploymentsStarOverridesTheCatalogsOnlyWhenItNamesOne() {
        assertEquals("channel=hook,project=hook,*=open", effective("*=open", WORKLAMP),
                "an explicit *=open reopens what the catalog closed");
        assertEquals("chat=room-token,*=grant", effective("chat=room-token", FAMLY),
                "a deployment that never names * keeps the catalog's closed *");
        assertEquals("chat=room-token,*=open", effective("chat = room-token , * = open", FAMLY));
    }

    @Test
    void aCatalogWithoutAccessOrNoCatalogLeavesTheDeploymentsPolicy() {
        assertEquals("chat=room-token,*=open", effective("chat=room-token", HYVVE));
        assertEquals("*=open", effective(null, null));
        assertEquals("*=open", effective(null, HYVVE));
    }

    @Test
    void namesFallbackReadsTheSpecAsPulseRoomAccessIsRead() {
        assertTrue(PulseConfig.Access.namesFallback("chat=grant, * = open"));
        assertTrue(PulseConfig.Access.namesFallback("*=grant"));
        assertFalse(PulseConfig.Access.namesFallback("chat=grant"));
        assertFalse(PulseConfig.Access.namesFallback(""));
        assertFalse(PulseConfig.Access.namesFallback(null));
        assertTrue(deployment("chat=grant,*=open").namesFallback());
        assertFalse(deployment("chat=grant").namesFallback());
    }

    @Test
    void aCatalogsHookNamespacesNeedTheHookSettingsNamingTheVariables() {
        var access = deployment(null);
        var error = assertThrows(ConfigException.class, () -> access.requireHook(access.policyWith(WORKLAMP), WORKLAMP));
        assertEquals("event catalog worklamp (classpath:catalogs/worklamp.catalog.json) declares hook namespaces "
                + "(channel, project), so PULSE_ACCESS_HOOK_URL and PULSE_ACCESS_HOOK_SECRET are required; or give those "
                + "namespaces another mode in PULSE_ROOM_ACCESS, which overrides the catalog (e.g. "
                + "PULSE_ROOM_ACCESS=channel=grant,project=grant)", error.getMessage());
        // Overriding both namespaces, or configuring the hook, satisfies it.
        var overridden = deployment("project=grant,channel=open");
        assertDoesNotThrow(() -> overridden.requireHook(overridden.policyWith(WORKLAMP), WORKLAMP));
        var hooked = PulseConfig.fromEnvironment(Map.of(Env.ACCESS_HOOK_URL, "https://app.example/pulse/access",
                Env.ACCESS_HOOK_SECRET, HOOK_SECRET)).access();
        assertDoesNotThrow(() -> hooked.requireHook(hooked.policyWith(WORKLAMP), WORKLAMP));
        // Famly brings no hook namespace: nothing to require.
        assertDoesNotThrow(() -> access.requireHook(access.policyWith(FAMLY), FAMLY));
    }
}
