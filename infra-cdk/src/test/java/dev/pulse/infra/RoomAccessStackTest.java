package dev.pulse.infra;

import static dev.pulse.infra.Templates.logicalId;
import static dev.pulse.infra.Templates.resources;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Aspects;

/**
 * Room access as `cdk synth -c …` builds it with the shipped catalogs: the policy in force and the hook settings on
 * $default and polling only, the grants claim on every function that reads tokens, the hook's secret as its ARN and
 * readable by exactly those two roles, cdk-nag clean; a hook namespace without a hook, or a hook without one, stops
 * the synthesis naming what to set.
 */
class RoomAccessStackTest {
    private static final String HOOK_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:pulse/hook-XyZ789";
    private static final List<String> ACCESS_VARIABLES = List.of("PULSE_ROOM_ACCESS", "PULSE_ACCESS_HOOK_URL",
            "PULSE_ACCESS_HOOK_SECRET_ARN", "PULSE_ACCESS_HOOK_TIMEOUT_MS", "PULSE_ACCESS_HOOK_CACHE_SECONDS",
            "PULSE_ACCESS_HOOK_DENY_CACHE_SECONDS");

    @TempDir
    static Path dir;

    /** The app's stack as `cdk synth -c …` builds it, with cdk-nag's AwsSolutions pack. */
    private static PulseStack stack(Map<String, Object> extra) {
        var context = new HashMap<String, Object>(extra);
        context.put("lambdaJar", Templates.fakeLambdaJar(dir).toString());
        context.putIfAbsent("jwtSecret", "0123456789abcdef0123456789abcdef");
        var stack = PulseApp.stack(new App(AppProps.builder().context(context).build()));
        Aspects.of(stack).add(new AwsSolutionsChecks());
        return stack;
    }

    /** Function construct id → its variables among ACCESS_VARIABLES and PULSE_JWT_ROOMS_CLAIM. */
    private static Map<String, Map<String, String>> accessEnvironment(PulseStack stack) {
        var functions = resources(Templates.json(stack), "AWS::Lambda::Function");
        var result = new TreeMap<String, Map<String, String>>();
        for (var fn : stack.getRealtime().getFunctions()) {
            JsonNode env = functions.get(logicalId(fn)).at("/Properties/Environment/Variables");
            var picked = new TreeMap<String, String>();
            for (String name : ACCESS_VARIABLES) {
                if (env.has(name)) {
                    picked.put(name, Templates.render(env.get(name)));
                }
            }
            if (env.has("PULSE_JWT_ROOMS_CLAIM")) {
                picked.put("PULSE_JWT_ROOMS_CLAIM", env.get("PULSE_JWT_ROOMS_CLAIM").asText());
            }
            result.put(fn.getNode().getId(), picked);
        }
        return result;
    }

    @Test
    void worklampsHooksWithAnOverrideReachDefaultAndPollingOnlyAndOnlyTheyReadTheSecret() {
        var stack = stack(Map.of("catalog", "worklamp", "roomAccess", "channel=grant",
                "accessHookUrl", "https://app.example/pulse/access", "accessHookSecretId", HOOK_ARN,
                "accessHookTimeoutMs", "800", "accessHookCacheSeconds", 120, "accessHookDenyCacheSeconds", "2",
                "roomsClaim", "grants"));
        var access = new TreeMap<>(Map.of(
                // The catalog's project=hook and *=grant, with the context's channel=grant on top.
                "PULSE_ROOM_ACCESS", "channel=grant,project=hook,*=grant",
                "PULSE_ACCESS_HOOK_URL", "https://app.example/pulse/access",
                "PULSE_ACCESS_HOOK_SECRET_ARN", HOOK_ARN,
                "PULSE_ACCESS_HOOK_TIMEOUT_MS", "800",
                "PULSE_ACCESS_HOOK_CACHE_SECONDS", "120",
                "PULSE_ACCESS_HOOK_DENY_CACHE_SECONDS", "2",
                "PULSE_JWT_ROOMS_CLAIM", "grants"));
        assertEquals(Map.of(
                "ConnectHandler", Map.of("PULSE_JWT_ROOMS_CLAIM", "grants"),
                "DisconnectHandler", Map.of(),
                "DefaultHandler", access,
                "FanOutHandler", Map.of(),
                "TokenExpiryHandler", Map.of(),
                "PollHandler", access,
                "QueryHandler", Map.of(),
                "ShardWorkerHandler", Map.of(), "PresenceFlushHandler", Map.of()), accessEnvironment(stack));
        var realtime = stack.getRealtime();
        assertEquals(Map.of(logicalId(realtime.getDefaultFunction().getRole()), Set.of(HOOK_ARN),
                logicalId(realtime.getPollFunction().getRole()), Set.of(HOOK_ARN)),
                Templates.secretReaders(Templates.json(stack)));
        Templates.assertNoAwsSolutionsFindings(stack);
    }

    @Test
    void secretsGivenByNameAreGrantedBySuffixWildcardAndStayCdkNagClean() {
        var stack = stack(Map.of("roomAccess", "team=hook,*=grant", "accessHookUrl", "https://app.example/pulse/access",
                "accessHookSecretId", "pulse/hook", "jwtSecretId", "pulse/jwt", "jwtSecret", ""));
        var realtime = stack.getRealtime();
        String byName = "arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:pulse/%s-??????";
        assertEquals(Map.of(logicalId(realtime.getConnectFunction().getRole()), Set.of(byName.formatted("jwt")),
                logicalId(realtime.getDefaultFunction().getRole()), Set.of(byName.formatted("jwt"), byName.formatted("hook")),
                logicalId(realtime.getPollFunction().getRole()), Set.of(byName.formatted("jwt"), byName.formatted("hook"))),
                Templates.secretReaders(Templates.json(stack)));
        assertEquals("team=hook,*=grant", accessEnvironment(stack).get("DefaultHandler").get("PULSE_ROOM_ACCESS"));
        Templates.assertNoAwsSolutionsFindings(stack);
        // The hook's secret by name with a plain JWT key: its wildcard is justified on its own.
        var hookOnly = stack(Map.of("roomAccess", "team=hook", "accessHookUrl", "https://app.example/pulse/access",
                "accessHookSecretId", "pulse/hook"));
        assertEquals(Set.of(byName.formatted("hook")), Templates.secretReaders(Templates.json(hookOnly))
                .get(logicalId(hookOnly.getRealtime().getPollFunction().getRole())));
        Templates.assertNoAwsSolutionsFindings(hookOnly);
    }

    @Test
    void famlysGrantNeedsNoHookAndNothingElseChanges() {
        var stack = stack(Map.of("catalog", "famly"));
        var env = accessEnvironment(stack);
        assertEquals(Map.of("PULSE_ROOM_ACCESS", "chat=grant,*=grant"), env.get("DefaultHandler"));
        assertEquals(Map.of("PULSE_ROOM_ACCESS", "chat=grant,*=grant"), env.get("PollHandler"));
        assertEquals(Map.of(), env.get("ConnectHandler"));
        assertEquals(Map.of(), Templates.secretReaders(Templates.json(stack)));
    }

    @Test
    void withoutAnyDeclarationNoFunctionGetsAccessSettings() {
        accessEnvironment(stack(Map.of("catalog", "hyvve"))).forEach((fn, env) -> assertEquals(Map.of(), env, fn));
    }

    @Test
    void aCatalogsHookNamespacesWithoutAHookStopTheSynthesisNamingWhatToSet() {
        var error = assertThrows(IllegalArgumentException.class, () -> stack(Map.of("catalog", "worklamp")));
        assertEquals("event catalog worklamp (classpath:catalogs/worklamp.catalog.json) has hook namespaces (channel, "
                + "project), so accessHookUrl and accessHookSecret are required (context accessHookUrl and "
                + "accessHookSecretId, a Secrets Manager secret holding at least 32 bytes); or give those namespaces "
                + "another mode in roomAccess (e.g. -c roomAccess=channel=grant,project=grant)", error.getMessage());
        // The URL alone is not enough: the requests must be signed.
        var noSecret = assertThrows(IllegalArgumentException.class, () -> stack(Map.of("catalog", "worklamp",
                "accessHookUrl", "https://app.example/pulse/access")));
        assertEquals(error.getMessage(), noSecret.getMessage());
        // Overriding both hook namespaces is the other way out.
        assertEquals("channel=open,project=grant,*=grant", accessEnvironment(stack(Map.of("catalog", "worklamp",
                "roomAccess", "project=grant,channel=open"))).get("PollHandler").get("PULSE_ROOM_ACCESS"));
    }

    @Test
    void roomAccessHookNamespacesNeedTheHookTooAndAHookNeedsAHookNamespace() {
        var error = assertThrows(IllegalArgumentException.class, () -> stack(Map.of("roomAccess", "*=hook")));
        assertEquals("roomAccess has hook namespaces (*), so accessHookUrl and accessHookSecret are required (context "
                + "accessHookUrl and accessHookSecretId, a Secrets Manager secret holding at least 32 bytes); or give "
                + "those namespaces another mode in roomAccess (e.g. -c roomAccess=*=grant)", error.getMessage());
        var unused = assertThrows(IllegalArgumentException.class, () -> stack(Map.of("catalog", "famly",
                "accessHookUrl", "https://app.example/pulse/access", "accessHookSecretId", HOOK_ARN)));
        assertEquals("accessHook* settings are set, but no namespace's access mode is hook (in force: chat=grant,*=grant); "
                + "remove them, or declare the hook namespaces in roomAccess", unused.getMessage());
    }
}
