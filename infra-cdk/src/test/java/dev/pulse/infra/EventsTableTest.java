package dev.pulse.infra;

import static dev.pulse.infra.Templates.logicalId;
import static dev.pulse.infra.Templates.render;
import static dev.pulse.infra.Templates.resources;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pulse.store.EventLogTable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.lambda.Function;

/** The event log table: keys and TTL as the core writes them, wired to the functions that need it and no others. */
class EventsTableTest {
    @TempDir
    static Path dir;

    private static PulseRealtime realtime;
    private static JsonNode template;

    @BeforeAll
    static void synthesize() {
        var stack = new Stack(new App(), "Test");
        realtime = new PulseRealtime(stack, "Realtime", PulseRealtimeProps.builder()
                .lambdaJarPath(Templates.fakeLambdaJar(dir).toString())
                .jwtSecret("0123456789abcdef0123456789abcdef")
                .build());
        template = Templates.json(stack);
    }

    @Test
    void eventsTableHasTheLogKeysTtlAndIsWiredToTheFanOutAndDefaultFunctionsOnly() {
        String id = logicalId(realtime.getEventsTable());
        var props = resources(template, "AWS::DynamoDB::Table").get(id).get("Properties");
        assertEquals(EventLogTable.PARTITION_KEY, props.at("/KeySchema/0/AttributeName").asText());
        assertEquals("HASH", props.at("/KeySchema/0/KeyType").asText());
        assertEquals(EventLogTable.SORT_KEY, props.at("/KeySchema/1/AttributeName").asText());
        assertEquals("RANGE", props.at("/KeySchema/1/KeyType").asText());
        assertEquals(EventLogTable.TTL_ATTRIBUTE, props.at("/TimeToLiveSpecification/AttributeName").asText());
        assertTrue(props.at("/TimeToLiveSpecification/Enabled").asBoolean());
        assertEquals("PAY_PER_REQUEST", props.get("BillingMode").asText());

        var functions = resources(template, "AWS::Lambda::Function");
        for (Function fn : List.of(realtime.getConnectFunction(), realtime.getDisconnectFunction(),
                realtime.getDefaultFunction(), realtime.getFanOutFunction())) {
            var env = functions.get(logicalId(fn)).at("/Properties/Environment/Variables");
            assertEquals(id, env.at("/PULSE_EVENTS_TABLE/Ref").asText());
        }
        // The fan-out appends (GetItem of the head and claim, Update of the head, Puts of claim and event); it never
        // queries the log. (PulseRealtimeTest checks every role's exact actions.)
        assertEquals(List.of("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"),
                actionsOn(realtime.getFanOutFunction(), id).stream().sorted().toList());
        // $default reads the log for sync.request and appends client events (room.publish) to it.
        assertEquals(List.of("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem"),
                actionsOn(realtime.getDefaultFunction(), id).stream().sorted().toList());
        assertEquals(List.of(), actionsOn(realtime.getConnectFunction(), id));
        assertEquals(List.of(), actionsOn(realtime.getDisconnectFunction(), id));
    }

    /** Every action the function's role allows on the table. */
    private static List<String> actionsOn(Function fn, String tableId) {
        String roleId = logicalId(fn.getRole());
        var actions = new ArrayList<String>();
        for (JsonNode policy : resources(template, "AWS::IAM::Policy").values()) {
            boolean forRole = false;
            for (JsonNode role : policy.at("/Properties/Roles")) {
                forRole |= render(role).contains(roleId);
            }
            if (!forRole) {
                continue;
            }
            for (JsonNode statement : policy.at("/Properties/PolicyDocument/Statement")) {
                boolean onTable = false;
                for (JsonNode resource : statement.get("Resource").isArray() ? statement.get("Resource") : List.of(statement.get("Resource"))) {
                    onTable |= render(resource).contains(tableId);
                }
                if (onTable) {
                    var a = statement.get("Action");
                    if (a.isArray()) {
                        a.forEach(x -> actions.add(x.asText()));
                    } else {
                        actions.add(a.asText());
                    }
                }
            }
        }
        return actions;
    }
}
