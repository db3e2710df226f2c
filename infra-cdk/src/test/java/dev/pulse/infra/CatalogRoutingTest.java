package dev.pulse.infra;

import static dev.pulse.infra.Templates.logicalId;
import static dev.pulse.infra.Templates.render;
import static dev.pulse.infra.Templates.resources;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pulse.catalog.CatalogException;
import dev.pulse.catalog.EventCatalog;
import java.nio.file.Path;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Stack;

/** A deployment with an event catalog: the routing rule, the fan-out's catalog settings and its dead-letter grant. */
class CatalogRoutingTest {
    private static final String SECRET = "0123456789abcdef0123456789abcdef";

    @TempDir
    static Path dir;

    private static PulseRealtime realtime;
    private static JsonNode template;

    private static PulseRealtimeProps.Builder props() {
        return PulseRealtimeProps.builder().lambdaJarPath(Templates.fakeLambdaJar(dir).toString()).jwtSecret(SECRET);
    }

    @BeforeAll
    static void synthesize() {
        var stack = new Stack(new App(), "Test");
        realtime = new PulseRealtime(stack, "Realtime", props().catalog("famly").build());
        template = Templates.json(stack);
    }

    @Test
    void theRouteRuleCarriesTheCatalogsPatternVerbatimAndTargetsTheFanOut() throws Exception {
        var rule = resources(template, "AWS::Events::Rule").get(logicalId(realtime.getRouteRule())).get("Properties");
        assertEquals("pulse-routes-prod", rule.get("Name").asText());
        // The same pattern the local bus matches ($or over Famly's four sources, prefixes on detail-type).
        assertEquals(Templates.MAPPER.readTree(EventCatalog.load("famly").rulePattern().orElseThrow()), rule.get("EventPattern"));
        var target = rule.get("Targets").get(0);
        // Through the fan-out queue (the default), like the envelope rule's events.
        assertEquals("${" + logicalId(realtime.getFanOutQueue().getQueue()) + ".Arn}", render(target.get("Arn")));
        assertEquals("${" + logicalId(realtime.getFanOutDeadLetterQueue()) + ".Arn}", render(target.at("/DeadLetterConfig/Arn")));
        assertEquals(PulseRealtime.RULE_RETRY_ATTEMPTS, target.at("/RetryPolicy/MaximumRetryAttempts").asInt());
    }

    @Test
    void singleSourcePatternsWithAndWithoutASourceAreVerbatimToo() throws Exception {
        for (String app : java.util.List.of("hyvve", "worklamp")) {
            var stack = new Stack(new App(), "Single" + app);
            // Worklamp's project and channel rooms are hook rooms; without a hook they must be given another mode.
            var single = new PulseRealtime(stack, "Realtime", props().catalog(app)
                    .roomAccess(app.equals("worklamp") ? "project=grant,channel=grant" : null).build());
            var rule = resources(Templates.json(stack), "AWS::Events::Rule").get(logicalId(single.getRouteRule()));
            assertEquals(Templates.MAPPER.readTree(EventCatalog.load(app).rulePattern().orElseThrow()),
                    rule.at("/Properties/EventPattern"), app);
        }
    }

    @Test
    void theFanOutGetsTheCatalogAndTheDeadLetterQueueAndMaySendToIt() {
        String fanOut = logicalId(realtime.getFanOutFunction());
        var env = resources(template, "AWS::Lambda::Function").get(fanOut).at("/Properties/Environment/Variables");
        assertEquals("famly", env.get("PULSE_CATALOG").asText());
        assertEquals("${" + logicalId(realtime.getFanOutDeadLetterQueue()) + "}", render(env.get("PULSE_DEAD_LETTER_QUEUE_URL")));

        String role = realtime.getFanOutFunction().getRole().getNode().getDefaultChild() instanceof software.amazon.awscdk.CfnElement e
                ? Stack.of(e).getLogicalId(e) : null;
        boolean sends = resources(template, "AWS::IAM::Policy").values().stream()
                .filter(p -> StreamSupport.stream(p.at("/Properties/Roles").spliterator(), false)
                        .anyMatch(r -> r.path("Ref").asText().equals(role)))
                .flatMap(p -> StreamSupport.stream(p.at("/Properties/PolicyDocument/Statement").spliterator(), false))
                .anyMatch(s -> s.get("Action").toString().contains("sqs:SendMessage")
                        && render(s.get("Resource")).equals("${" + logicalId(realtime.getFanOutDeadLetterQueue()) + ".Arn}"));
        assertTrue(sends, "the fan-out role may send to its dead-letter queue");
    }

    @Test
    void withoutACatalogThereIsNoRouteRuleAndABadCatalogFailsSynthesis() {
        var stack = new Stack(new App(), "Plain");
        var plain = new PulseRealtime(stack, "Realtime", props().build());
        assertNull(plain.getRouteRule());
        assertEquals(1, resources(Templates.json(stack), "AWS::Events::Rule").values().stream()
                .filter(r -> r.at("/Properties/EventPattern").has("detail")).count());

        var e = assertThrows(CatalogException.class,
                () -> new PulseRealtime(new Stack(new App(), "Bad"), "Realtime", props().catalog("no-such-app").build()));
        assertTrue(e.getMessage().contains("catalogs/no-such-app.catalog.json"), e.getMessage());
    }
}
