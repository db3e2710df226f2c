package dev.pulse.local.eventbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.catalog.EventCatalog;
import dev.pulse.catalog.RulePattern;
import dev.pulse.envelope.FanOutRule;
import dev.pulse.protocol.Json;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;

/**
 * The routing rule's pattern on the bus, matched by event-ruler as EventBridge matches it: Famly's five sources
 * combine with $or; the right name from the wrong source, names no route takes and enveloped events are not taken.
 */
class RoutePatternOnLocalBusTest {
    private final RecordingTarget routes = new RecordingTarget();
    private final RecordingTarget envelopes = new RecordingTarget();
    private LocalEventBus bus;
    private EventBridgeClient client;

    @BeforeEach
    void start() {
        String pattern = EventCatalog.load("famly").rulePattern().orElseThrow();
        bus = LocalEventBus.builder()
                .rule(FanOutRule.RULE_NAME, FanOutRule.PATTERN, envelopes)
                .rule(RulePattern.RULE_NAME, pattern, routes)
                .build().start();
        client = BusClients.client(bus);
    }

    @AfterEach
    void stop() {
        client.close();
        bus.close();
    }

    private void put(String source, String detailType, String detail) {
        var response = client.putEvents(r -> r.entries(PutEventsRequestEntry.builder()
                .source(source).detailType(detailType).detail(detail).build()));
        assertEquals(0, response.failedEntryCount());
    }

    @Test
    void theRuleTakesExactlyWhatTheRoutesTake() throws Exception {
        put("famly.tasks", "task.created", "{\"taskId\":\"t1\"}");           // prefix task. from famly.tasks
        put("famly.rewards", "approval_task.created", "{\"x\":1}");         // exact name from famly.rewards
        put("famly.chat", "chat.updated", "{\"x\":2}");                     // exact name from famly.chat
        put("famly.chat", "task.created", "{\"x\":3}");                     // right name, wrong source
        put("famly.tasks", "karma.awarded", "{\"x\":4}");                   // karma. only from famly.karma
        put("famly.tasks", "tasks.created", "{\"x\":5}");                   // not the prefix "task."
        put("famly.tasks", "task.created", "{\"envelope\":\"pulse.v1\"}");  // enveloped: the fan-out rule's
        assertTrue(bus.awaitIdle(Duration.ofSeconds(10)));

        List<String> taken = routes.drain().stream()
                .map(json -> {
                    try {
                        var event = Json.MAPPER.readTree(json);
                        return event.get("source").asText() + " " + event.get("detail-type").asText();
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                })
                .sorted().toList();
        assertEquals(List.of("famly.chat chat.updated", "famly.rewards approval_task.created", "famly.tasks task.created"), taken);
        assertEquals(1, envelopes.drain().size());
    }
}
