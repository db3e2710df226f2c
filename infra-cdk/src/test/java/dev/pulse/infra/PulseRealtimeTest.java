package dev.pulse.infra;

import static dev.pulse.infra.Templates.logicalId;
import static dev.pulse.infra.Templates.render;
import static dev.pulse.infra.Templates.resources;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pulse.connection.ConnectionTable;
import dev.pulse.publish.FanOutRule;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.lambda.Function;

/** One synthesis of the construct with default settings (default bus, stage prod, HS256), checked piece by piece. */
class PulseRealtimeTest {
    private static final String SECRET = "0123456789abcdef0123456789abcdef";

    @TempDir
    static Path dir;

    private static PulseRealtime realtime;
    private static JsonNode template;
    private static String apiId;

    @BeforeAll
    static void synthesize() {
        var app = new App();
        var stack = new Stack(app, "Test");
        realtime = new PulseRealtime(stack, "Realtime", PulseRealtimeProps.builder()
                .lambdaJarPath(Templates.fakeLambdaJar(dir).toString())
                .jwtSecret(SECRET)
                .jwtIssuer("https://auth.example")
                .jwtAudience("pulse")
                .build());
        template = Templates.json(stack);
        apiId = logicalId(realtime.getApi());
    }

    @Test
    void tableHasTheSharedKeysTtlOnDemandBillingPitrAndIsRetained() {
        var tables = resources(template, "AWS::DynamoDB::Table");
        assertEquals(Set.of(logicalId(realtime.getTable()), logicalId(realtime.getEventsTable())), tables.keySet());
        var table = tables.get(logicalId(realtime.getTable()));
        var props = table.get("Properties");
        assertEquals(json("""
                [{"AttributeName":"%s","KeyType":"HASH"},{"AttributeName":"%s","KeyType":"RANGE"}]"""
                .formatted(ConnectionTable.PARTITION_KEY, ConnectionTable.SORT_KEY)), props.get("KeySchema"));
        assertEquals(json("""
                [{"AttributeName":"%s","AttributeType":"S"},{"AttributeName":"%s","AttributeType":"S"}]"""
                .formatted(ConnectionTable.PARTITION_KEY, ConnectionTable.SORT_KEY)), props.get("AttributeDefinitions"));
        assertEquals(json("{\"AttributeName\":\"" + ConnectionTable.TTL_ATTRIBUTE + "\",\"Enabled\":true}"),
                props.get("TimeToLiveSpecification"));
        assertEquals("PAY_PER_REQUEST", props.get("BillingMode").asText());
        assertTrue(props.at("/PointInTimeRecoverySpecification/PointInTimeRecoveryEnabled").asBoolean());
        assertEquals("Retain", table.get("DeletionPolicy").asText());
        assertEquals("Retain", table.get("UpdateReplacePolicy").asText());
    }

    @Test
    void apiRoutesConnectDisconnectAndDefaultToTheirFunctions() {
        var api = resources(template, "AWS::ApiGatewayV2::Api").get(apiId).get("Properties");
        assertEquals("WEBSOCKET", api.get("ProtocolType").asText());
        assertEquals("$request.body.action", api.get("RouteSelectionExpression").asText());

        var integrations = resources(template, "AWS::ApiGatewayV2::Integration");
        var functionByRouteKey = new HashMap<String, String>();
        resources(template, "AWS::ApiGatewayV2::Route").values().forEach(route -> {
            var props = route.get("Properties");
            assertEquals(apiId, props.at("/ApiId/Ref").asText());
            // Target is "integrations/{IntegrationRef}"; the integration invokes one function's ARN.
            String target = render(props.get("Target"));
            String integrationId = target.substring("integrations/${".length(), target.length() - 1);
            var integration = integrations.get(integrationId).get("Properties");
            assertEquals("AWS_PROXY", integration.get("IntegrationType").asText());
            String uri = render(integration.get("IntegrationUri"));
            functionByRouteKey.put(props.get("RouteKey").asText(), uri.replaceAll(".*\\$\\{([A-Za-z0-9]+)\\.Arn}.*", "$1"));
        });
        assertEquals(Map.of(
                "$connect", logicalId(realtime.getConnectFunction()),
                "$disconnect", logicalId(realtime.getDisconnectFunction()),
                "$default", logicalId(realtime.getDefaultFunction())), functionByRouteKey);
    }

    @Test
    void stageAutoDeploysWithThrottlingOnceTheRoutesExist() {
        var stages = resources(template, "AWS::ApiGatewayV2::Stage");
        var stage = stages.get(logicalId(realtime.getStage()));
        var props = stage.get("Properties");
        assertEquals("prod", props.get("StageName").asText());
        assertEquals(apiId, props.at("/ApiId/Ref").asText());
        assertTrue(props.get("AutoDeploy").asBoolean());
        assertEquals(json("{\"ThrottlingBurstLimit\":1000,\"ThrottlingRateLimit\":500}"), props.get("DefaultRouteSettings"));
        var dependsOn = new HashSet<String>();
        stage.path("DependsOn").forEach(id -> dependsOn.add(id.asText()));
        assertTrue(dependsOn.containsAll(resources(template, "AWS::ApiGatewayV2::Route").keySet()), dependsOn.toString());
    }

    @Test
    void ruleMatchesExactlyTheSharedFanOutPatternOnTheDefaultBus() throws Exception {
        var rules = resources(template, "AWS::Events::Rule");
        assertEquals(Set.of(logicalId(realtime.getFanOutRule())), rules.keySet());
        var props = rules.values().iterator().next().get("Properties");
        assertEquals(Templates.MAPPER.readTree(FanOutRule.PATTERN), props.get("EventPattern"));
        assertEquals("default", props.get("EventBusName").asText());
        assertEquals(FanOutRule.RULE_NAME + "-prod", props.get("Name").asText());
        assertEquals("ENABLED", props.get("State").asText());
    }

    @Test
    void ruleTargetsTheFanOutFunctionWithRetriesAndAnEncryptedDeadLetterQueue() {
        String fanOutId = logicalId(realtime.getFanOutFunction());
        String queueId = logicalId(realtime.getFanOutDeadLetterQueue());
        String ruleId = logicalId(realtime.getFanOutRule());
        var targets = resources(template, "AWS::Events::Rule").get(ruleId).at("/Properties/Targets");
        assertEquals(1, targets.size());
        var target = targets.get(0);
        assertEquals("${" + fanOutId + ".Arn}", render(target.get("Arn")));
        assertEquals(json("{\"MaximumEventAgeInSeconds\":3600,\"MaximumRetryAttempts\":8}"), target.get("RetryPolicy"));
        assertEquals("${" + queueId + ".Arn}", render(target.at("/DeadLetterConfig/Arn")));

        var queue = resources(template, "AWS::SQS::Queue").get(queueId);
        assertTrue(queue.at("/Properties/SqsManagedSseEnabled").asBoolean());
        assertEquals("Retain", queue.get("DeletionPolicy").asText());
        // EventBridge may write to the queue only on behalf of this rule.
        var sendStatements = statements(resources(template, "AWS::SQS::QueuePolicy").values()).stream()
                .filter(s -> s.get("Action").asText().equals("sqs:SendMessage")).toList();
        assertEquals(1, sendStatements.size());
        assertEquals("events.amazonaws.com", sendStatements.get(0).at("/Principal/Service").asText());
        assertEquals("${" + ruleId + ".Arn}", render(sendStatements.get(0).at("/Condition/ArnEquals/aws:SourceArn")));

        var invokePermissions = resources(template, "AWS::Lambda::Permission").values().stream()
                .map(p -> p.get("Properties"))
                .filter(p -> p.get("Principal").asText().equals("events.amazonaws.com")).toList();
        assertEquals(1, invokePermissions.size());
        assertEquals("${" + fanOutId + ".Arn}", render(invokePermissions.get(0).get("FunctionName")));
        assertEquals("${" + ruleId + ".Arn}", render(invokePermissions.get(0).get("SourceArn")));
    }

    @Test
    void onlyTheDefaultAndFanOutFunctionsMayPostToConnectionsOfThisStage() {
        var rolesAllowed = new HashSet<String>();
        var resourcesAllowed = new HashSet<String>();
        resources(template, "AWS::IAM::Policy").values().forEach(policy -> {
            var props = policy.get("Properties");
            for (var statement : statements(List.of(policy))) {
                if (!actions(statement).contains("execute-api:ManageConnections")) {
                    continue;
                }
                assertEquals(List.of("execute-api:ManageConnections"), actions(statement));
                assertEquals("Allow", statement.get("Effect").asText());
                resourcesAllowed.add(render(statement.get("Resource")));
                props.get("Roles").forEach(role -> rolesAllowed.add(role.get("Ref").asText()));
            }
        });
        assertEquals(Set.of(roleId(realtime.getDefaultFunction()), roleId(realtime.getFanOutFunction())), rolesAllowed);
        assertEquals(Set.of("arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${" + apiId
                + "}/prod/POST/@connections/*"), resourcesAllowed);
    }

    @Test
    void everyFunctionRunsItsHandlerFromTheJarWithTheConfigTheCoreReads() {
        var functions = resources(template, "AWS::Lambda::Function");
        assertEquals(4, functions.size());
        var expected = Map.of(
                realtime.getConnectFunction(), new Expected("dev.pulse.functions.ConnectHandler::handleRequest", 29),
                realtime.getDisconnectFunction(), new Expected("dev.pulse.functions.DisconnectHandler::handleRequest", 29),
                realtime.getDefaultFunction(), new Expected("dev.pulse.functions.DefaultHandler::handleRequest", 29),
                realtime.getFanOutFunction(), new Expected("dev.pulse.functions.FanOutHandler::handleRequest", 60));
        var logGroups = resources(template, "AWS::Logs::LogGroup");
        String tableId = logicalId(realtime.getTable());
        var codeKeys = new HashSet<String>();
        expected.forEach((fn, want) -> {
            var props = functions.get(logicalId(fn)).get("Properties");
            assertEquals(want.handler(), props.get("Handler").asText());
            assertEquals("java21", props.get("Runtime").asText());
            assertEquals(json("[\"arm64\"]"), props.get("Architectures"));
            assertEquals(1024, props.get("MemorySize").asInt());
            assertEquals(want.timeoutSeconds(), props.get("Timeout").asInt());
            codeKeys.add(props.at("/Code/S3Key").asText());

            var env = props.at("/Environment/Variables");
            assertEquals(tableId, env.at("/PULSE_CONNECTIONS_TABLE/Ref").asText());
            assertEquals("https://${" + apiId + "}.execute-api.${AWS::Region}.${AWS::URLSuffix}/prod",
                    render(env.get("PULSE_MANAGEMENT_ENDPOINT")));
            assertEquals("default", env.get("PULSE_EVENT_BUS").asText());
            assertEquals("64", env.get("PULSE_FANOUT_CONCURRENCY").asText());
            if (fn == realtime.getConnectFunction()) {
                assertEquals(SECRET, env.get("PULSE_JWT_SECRET").asText());
                assertEquals("https://auth.example", env.get("PULSE_JWT_ISSUER").asText());
                assertEquals("pulse", env.get("PULSE_JWT_AUDIENCE").asText());
                assertFalse(env.has("PULSE_JWT_JWKS_URL"));
            } else {
                // Only $connect verifies tokens: no other function holds the secret.
                assertFalse(env.has("PULSE_JWT_SECRET"), want.handler() + " must not hold the JWT secret");
                assertFalse(env.has("PULSE_JWT_ISSUER"));
            }

            String logGroupId = props.at("/LoggingConfig/LogGroup/Ref").asText();
            assertEquals(30, logGroups.get(logGroupId).at("/Properties/RetentionInDays").asInt());

            // Read/write on the table, through the function's own role.
            var tableStatements = statements(resources(template, "AWS::IAM::Policy").values().stream()
                    .filter(p -> p.at("/Properties/Roles/0/Ref").asText().equals(roleId(fn))).toList()).stream()
                    .filter(s -> actions(s).contains("dynamodb:PutItem") && actions(s).contains("dynamodb:Query"))
                    .filter(s -> render(s.get("Resource").get(0)).equals("${" + tableId + ".Arn}"))
                    .toList();
            assertEquals(1, tableStatements.size(), "table grant of " + want.handler());
            assertEquals("${" + tableId + ".Arn}", render(tableStatements.get(0).get("Resource").get(0)));
        });
        assertEquals(1, codeKeys.size(), "all four functions deploy the one jar");
    }

    @Test
    void outputsGiveTheUrlsTheBusAndTheTable() {
        var outputs = new HashMap<String, String>();
        template.get("Outputs").properties().forEach(e -> outputs.put(e.getKey().replaceAll("[0-9A-F]{8}$", ""),
                render(e.getValue().get("Value"))));
        String host = "${" + apiId + "}.execute-api.${AWS::Region}.${AWS::URLSuffix}/prod";
        assertEquals(Map.of(
                "RealtimeWebSocketUrl", "wss://" + host,
                "RealtimeCallbackUrl", "https://" + host,
                "RealtimeEventBusName", "default",
                "RealtimeConnectionsTableName", "${" + logicalId(realtime.getTable()) + "}"), outputs);
    }

    private record Expected(String handler, int timeoutSeconds) {
    }

    private static String roleId(Function fn) {
        return logicalId(fn.getRole());
    }

    private static List<JsonNode> statements(java.util.Collection<JsonNode> policies) {
        return policies.stream()
                .flatMap(p -> StreamSupport.stream(p.at("/Properties/PolicyDocument/Statement").spliterator(), false))
                .toList();
    }

    private static List<String> actions(JsonNode statement) {
        var action = statement.get("Action");
        return action.isArray()
                ? StreamSupport.stream(action.spliterator(), false).map(JsonNode::asText).toList()
                : List.of(action.asText());
    }

    private static JsonNode json(String text) {
        try {
            return Templates.MAPPER.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(text, e);
        }
    }
}
