package dev.pulse.infra;

import static dev.pulse.infra.Templates.logicalId;
import static dev.pulse.infra.Templates.render;
import static dev.pulse.infra.Templates.resources;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pulse.envelope.FanOutRule;
import dev.pulse.store.ConnectionTable;
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
        webSocketRoutes().values().forEach(route -> {
            var props = route.get("Properties");
            // Target is "integrations/{IntegrationRef}"; the integration invokes one function's ARN.
            String target = render(props.get("Target"));
            String integrationId = target.substring("integrations/${".length(), target.length() - 1);
            var integration = integrations.get(integrationId).get("Properties");
            assertEquals("AWS_PROXY", integration.get("IntegrationType").asText());
            String uri = render(integration.get("IntegrationUri"));
            // The alias (its Ref is its ARN), never the unqualified function: SnapStart runs only for versions.
            functionByRouteKey.put(props.get("RouteKey").asText(),
                    uri.replaceAll(".*/functions/\\$\\{([A-Za-z0-9]+)}/invocations$", "$1"));
        });
        assertEquals(Map.of(
                "$connect", logicalId(realtime.getConnectAlias()),
                "$disconnect", logicalId(realtime.getDisconnectAlias()),
                "$default", logicalId(realtime.getDefaultAlias())), functionByRouteKey);

        var invokedByApiGateway = new HashSet<String>();
        resources(template, "AWS::Lambda::Permission").values().stream()
                .map(p -> p.get("Properties"))
                .filter(p -> p.get("Principal").asText().equals("apigateway.amazonaws.com"))
                .forEach(p -> invokedByApiGateway.add(render(p.get("FunctionName"))));
        assertEquals(Set.of("${" + logicalId(realtime.getConnectAlias()) + "}",
                "${" + logicalId(realtime.getDisconnectAlias()) + "}",
                "${" + logicalId(realtime.getDefaultAlias()) + "}",
                "${" + logicalId(realtime.getPollAlias()) + "}",
                "${" + logicalId(realtime.getQueryAlias()) + "}"), invokedByApiGateway);
    }

    @Test
    void everyFunctionHasSnapStartOnPublishedVersionsBehindTheLiveAlias() {
        var functions = resources(template, "AWS::Lambda::Function");
        var versions = resources(template, "AWS::Lambda::Version");
        var aliases = resources(template, "AWS::Lambda::Alias");
        assertEquals(9, versions.size());
        assertEquals(9, aliases.size());
        for (int i = 0; i < realtime.getFunctions().size(); i++) {
            String fnId = logicalId(realtime.getFunctions().get(i));
            assertEquals(json("{\"ApplyOn\":\"PublishedVersions\"}"),
                    functions.get(fnId).at("/Properties/SnapStart"), fnId);
            var alias = aliases.get(logicalId(realtime.getAliases().get(i))).get("Properties");
            assertEquals("live", alias.get("Name").asText());
            assertEquals(fnId, alias.at("/FunctionName/Ref").asText());
            String versionId = alias.at("/FunctionVersion/Fn::GetAtt/0").asText();
            assertEquals("Version", alias.at("/FunctionVersion/Fn::GetAtt/1").asText());
            assertEquals(fnId, versions.get(versionId).at("/Properties/FunctionName/Ref").asText());
        }
    }

    @Test
    void failedFanOutInvocationsAreRetriedTwiceThenSentToTheDeadLetterQueue() {
        var configs = resources(template, "AWS::Lambda::EventInvokeConfig");
        assertEquals(1, configs.size());
        var config = configs.values().iterator().next().get("Properties");
        assertEquals(logicalId(realtime.getFanOutFunction()), config.at("/FunctionName/Ref").asText());
        // The qualifier is the alias name, taken from the alias ARN (arn:aws:lambda:region:account:function:name:live).
        assertEquals(json("{\"Fn::Select\":[7,{\"Fn::Split\":[\":\",{\"Ref\":\"" + logicalId(realtime.getFanOutAlias())
                + "\"}]}]}"), config.get("Qualifier"));
        assertEquals(2, config.get("MaximumRetryAttempts").asInt());
        assertEquals(3600, config.get("MaximumEventAgeInSeconds").asInt());
        String queueId = logicalId(realtime.getFanOutDeadLetterQueue());
        assertEquals("${" + queueId + ".Arn}", render(config.at("/DestinationConfig/OnFailure/Destination")));
        assertFalse(config.path("DestinationConfig").has("OnSuccess"));

        // Lambda sends the failure record with the function's role, so that role may send to the queue; so may the
        // big rooms' workers, whose undelivered posts are recorded there too (and the fan-out sends to the shard queue),
        // and $default, which records the room.publish posts it could not deliver there; no other.
        var senders = new HashSet<String>();
        String shardQueue = "${" + logicalId(realtime.getBigRooms().getQueue()) + ".Arn}";
        resources(template, "AWS::IAM::Policy").values().forEach(policy -> {
            for (var statement : statements(List.of(policy))) {
                if (actions(statement).contains("sqs:SendMessage")
                        && render(statement.get("Resource")).equals("${" + queueId + ".Arn}")) {
                    policy.at("/Properties/Roles").forEach(role -> senders.add(role.get("Ref").asText()));
                }
            }
        });
        assertEquals(Set.of(roleId(realtime.getFanOutFunction()), roleId(realtime.getShardWorkerFunction()),
                roleId(realtime.getDefaultFunction())), senders);
    }

    /** The WebSocket API's routes (the polling HTTP API has its own). */
    private static Map<String, com.fasterxml.jackson.databind.JsonNode> webSocketRoutes() {
        var routes = new java.util.TreeMap<>(resources(template, "AWS::ApiGatewayV2::Route"));
        routes.values().removeIf(route -> !apiId.equals(route.at("/Properties/ApiId/Ref").asText()));
        assertEquals(3, routes.size());
        return routes;
    }

    @Test
    void pollingFallbackIsAnHttpApiPostSyncRouteToThePollFunctionWithCors() {
        String syncApiId = logicalId(realtime.getSyncApi());
        var api = resources(template, "AWS::ApiGatewayV2::Api").get(syncApiId).get("Properties");
        assertEquals("HTTP", api.get("ProtocolType").asText());
        // No allowedOrigins: any origin (README says so); the polling API's stage is throttled like the WebSocket one.
        assertEquals(json("[\"*\"]"), api.at("/CorsConfiguration/AllowOrigins"));
        var stages = resources(template, "AWS::ApiGatewayV2::Stage").values().stream()
                .filter(st -> syncApiId.equals(st.at("/Properties/ApiId/Ref").asText())).toList();
        assertEquals(1, stages.size());
        assertEquals("$default", stages.get(0).at("/Properties/StageName").asText());
        assertEquals(json("{\"ThrottlingBurstLimit\":1000,\"ThrottlingRateLimit\":500}"),
                stages.get(0).at("/Properties/DefaultRouteSettings"));
        var routes = resources(template, "AWS::ApiGatewayV2::Route").values().stream()
                .filter(r -> syncApiId.equals(r.at("/Properties/ApiId/Ref").asText())).toList();
        // POST /sync, and the query API's two IAM-authorised GETs (QueryApiStackTest).
        assertEquals(Set.of("POST /sync", "GET /rooms/members", "GET /rooms/presence"), routes.stream()
                .map(r -> r.at("/Properties/RouteKey").asText()).collect(java.util.stream.Collectors.toSet()));
        var functions = resources(template, "AWS::Lambda::Function");
        assertEquals("dev.pulse.functions.PollHandler::handleRequest",
                functions.get(logicalId(realtime.getPollFunction())).at("/Properties/Handler").asText());
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
        assertFalse(props.has("AccessLogSettings"), "access logs are opt-in (they need the account's CloudWatch role)");
        var dependsOn = new HashSet<String>();
        stage.path("DependsOn").forEach(id -> dependsOn.add(id.asText()));
        assertTrue(dependsOn.containsAll(webSocketRoutes().keySet()), dependsOn.toString());
    }

    @Test
    void ruleMatchesExactlyTheSharedFanOutPatternOnTheDefaultBus() throws Exception {
        var rules = resources(template, "AWS::Events::Rule");
        assertEquals(Set.of(logicalId(realtime.getFanOutRule()), logicalId(realtime.getTokenExpirySchedule())),
                rules.keySet());
        var props = rules.get(logicalId(realtime.getFanOutRule())).get("Properties");
        assertEquals(Templates.MAPPER.readTree(FanOutRule.PATTERN), props.get("EventPattern"));
        assertEquals("default", props.get("EventBusName").asText());
        assertEquals(FanOutRule.RULE_NAME + "-prod", props.get("Name").asText());
        assertEquals("ENABLED", props.get("State").asText());
    }

    @Test
    void withoutTheQueueTheRuleTargetsTheFanOutFunctionWithRetriesAndAnEncryptedDeadLetterQueue() {
        // The direct path (FanOutQueueSettings.DIRECT): EventBridge invokes the function, one event each.
        var stack = new Stack(new App(), "Direct");
        var realtime = new PulseRealtime(stack, "Realtime", PulseRealtimeProps.builder()
                .lambdaJarPath(Templates.fakeLambdaJar(dir).toString())
                .jwtSecret(SECRET)
                .fanOutQueue(FanOutQueueSettings.DIRECT)
                .build());
        var template = Templates.json(stack);
        assertEquals(null, realtime.getFanOutQueue());
        // Event sources feed the shard workers and the presence flush, none the fan-out.
        assertTrue(Templates.eventSourceMappingsFor(template, realtime.getFanOutAlias()).isEmpty());
        String fanOutId = logicalId(realtime.getFanOutAlias());
        String queueId = logicalId(realtime.getFanOutDeadLetterQueue());
        String ruleId = logicalId(realtime.getFanOutRule());
        var targets = resources(template, "AWS::Events::Rule").get(ruleId).at("/Properties/Targets");
        assertEquals(1, targets.size());
        var target = targets.get(0);
        assertEquals("${" + fanOutId + "}", render(target.get("Arn")));
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
                .filter(p -> p.get("Principal").asText().equals("events.amazonaws.com"))
                .filter(p -> render(p.get("SourceArn")).equals("${" + ruleId + ".Arn}")).toList();
        assertEquals(1, invokePermissions.size());
        assertEquals("${" + fanOutId + "}", render(invokePermissions.get(0).get("FunctionName")));
        assertEquals("${" + ruleId + ".Arn}", render(invokePermissions.get(0).get("SourceArn")));
    }

    @Test
    void onlyTheFunctionsThatSendOrCloseMayCallConnectionsOfThisStage() {
        var allowed = new HashMap<String, Set<String>>(); // role -> methods
        resources(template, "AWS::IAM::Policy").values().forEach(policy -> {
            var props = policy.get("Properties");
            for (var statement : statements(List.of(policy))) {
                if (!actions(statement).contains("execute-api:ManageConnections")) {
                    continue;
                }
                assertEquals(List.of("execute-api:ManageConnections"), actions(statement));
                assertEquals("Allow", statement.get("Effect").asText());
                var resourceList = statement.get("Resource").isArray()
                        ? StreamSupport.stream(statement.get("Resource").spliterator(), false).toList()
                        : List.of(statement.get("Resource"));
                for (var resource : resourceList) {
                    String arn = render(resource);
                    String prefix = "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${" + apiId + "}/prod/";
                    assertTrue(arn.startsWith(prefix) && arn.endsWith("/@connections/*"), arn);
                    String method = arn.substring(prefix.length(), arn.length() - "/@connections/*".length());
                    props.get("Roles").forEach(role ->
                            allowed.computeIfAbsent(role.get("Ref").asText(), k -> new HashSet<>()).add(method));
                }
            }
        });
        assertEquals(Map.of(
                roleId(realtime.getDefaultFunction()), Set.of("POST", "DELETE"),
                roleId(realtime.getFanOutFunction()), Set.of("POST"),
                roleId(realtime.getShardWorkerFunction()), Set.of("POST"),
                roleId(realtime.getTokenExpiryFunction()), Set.of("POST", "DELETE"),
                // Presence diffs; $connect and $disconnect post nothing.
                roleId(realtime.getPresenceFlushFunction()), Set.of("POST")), allowed);
    }

    @Test
    void theTokenExpirySweepRunsEveryMinuteWithoutRetries() {
        var rule = resources(template, "AWS::Events::Rule").get(logicalId(realtime.getTokenExpirySchedule()))
                .get("Properties");
        assertEquals("rate(1 minute)", rule.get("ScheduleExpression").asText());
        assertFalse(rule.has("EventBusName"), "scheduled rules run on the default bus");
        var targets = rule.get("Targets");
        assertEquals(1, targets.size());
        assertEquals("${" + logicalId(realtime.getTokenExpiryAlias()) + "}", render(targets.get(0).get("Arn")));
        assertEquals(0, targets.get(0).at("/RetryPolicy/MaximumRetryAttempts").asInt());
    }

    @Test
    void everyFunctionRunsItsHandlerFromTheJarWithTheConfigTheCoreReads() {
        var functions = resources(template, "AWS::Lambda::Function");
        assertEquals(9, functions.size());
        var expected = Map.of(
                realtime.getConnectFunction(), new Expected("dev.pulse.functions.ConnectHandler::handleRequest", 29),
                realtime.getDisconnectFunction(), new Expected("dev.pulse.functions.DisconnectHandler::handleRequest", 29),
                realtime.getDefaultFunction(), new Expected("dev.pulse.functions.DefaultHandler::handleRequest", 29),
                realtime.getFanOutFunction(), new Expected("dev.pulse.functions.FanOutHandler::handleRequest", 60),
                realtime.getTokenExpiryFunction(), new Expected("dev.pulse.functions.TokenExpiryHandler::handleRequest", 60),
                realtime.getPollFunction(), new Expected("dev.pulse.functions.PollHandler::handleRequest", 29),
                realtime.getQueryFunction(), new Expected("dev.pulse.functions.QueryHandler::handleRequest", 29),
                realtime.getShardWorkerFunction(), new Expected("dev.pulse.functions.ShardWorkerHandler::handleRequest", 20),
                realtime.getPresenceFlushFunction(), new Expected("dev.pulse.functions.PresenceFlushHandler::handleRequest", 30));
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
            if (fn == realtime.getConnectFunction() || fn == realtime.getDefaultFunction() || fn == realtime.getPollFunction()) {
                // $connect verifies the token of the upgrade, $default the one auth.refresh brings.
                assertEquals(SECRET, env.get("PULSE_JWT_SECRET").asText());
                assertEquals("https://auth.example", env.get("PULSE_JWT_ISSUER").asText());
                assertEquals("pulse", env.get("PULSE_JWT_AUDIENCE").asText());
                assertFalse(env.has("PULSE_JWT_JWKS_URL"));
            } else {
                // No other function verifies tokens, so none holds the secret.
                assertFalse(env.has("PULSE_JWT_SECRET"), want.handler() + " must not hold the JWT secret");
                assertFalse(env.has("PULSE_JWT_ISSUER"));
            }

            String logGroupId = props.at("/LoggingConfig/LogGroup/Ref").asText();
            assertEquals(30, logGroups.get(logGroupId).at("/Properties/RetentionInDays").asInt());

        });
        assertEquals(1, codeKeys.size(), "all eight functions deploy the one jar");
    }

    /**
     * Least privilege on DynamoDB: each role may make exactly the calls its function's code makes (no Scan, no
     * DescribeTable, no BatchGetItem), on exactly the tables it uses. Transactions are authorized per item: their Puts as
     * PutItem, Updates as UpdateItem, Deletes as DeleteItem, condition checks as ConditionCheckItem.
     */
    @Test
    void eachFunctionMayMakeExactlyTheDynamoDbCallsItsCodeMakes() {
        String connections = logicalId(realtime.getTable());
        String events = logicalId(realtime.getEventsTable());
        // Every delivering function prunes connections found gone: DeleteItem, Query, BatchWriteItem, and the presence
        // leave's UpdateItem.
        var expected = Map.of(
                // $connect posts nothing (its presence change only opens the room's window), so it prunes nothing either.
                realtime.getConnectFunction(), Map.of(connections, List.of("PutItem", "UpdateItem")),
                realtime.getDisconnectFunction(), Map.of(connections, List.of("BatchWriteItem", "DeleteItem", "Query", "UpdateItem")),
                realtime.getDefaultFunction(), Map.of(
                        connections, List.of("BatchWriteItem", "ConditionCheckItem", "DeleteItem", "GetItem", "PutItem", "Query", "UpdateItem"),
                        events, List.of("GetItem", "PutItem", "Query", "UpdateItem")),
                realtime.getFanOutFunction(), Map.of(
                        connections, List.of("BatchWriteItem", "ConditionCheckItem", "DeleteItem", "GetItem", "PutItem", "Query", "UpdateItem"),
                        events, List.of("GetItem", "PutItem", "UpdateItem")),
                realtime.getTokenExpiryFunction(), Map.of(connections, List.of("DeleteItem", "GetItem", "Query")),
                realtime.getPollFunction(), Map.of(events, List.of("GetItem", "Query")),
                realtime.getQueryFunction(), Map.of(connections, List.of("Query")),
                // The members come in the message: no membership read, only its claim and progress, and pruning.
                realtime.getShardWorkerFunction(), Map.of(
                        connections, List.of("BatchWriteItem", "DeleteItem", "Query", "UpdateItem"),
                        events, List.of("UpdateItem")),
                realtime.getPresenceFlushFunction(), Map.of(connections, List.of("BatchWriteItem", "DeleteItem", "Query", "UpdateItem")));
        assertEquals(9, expected.size());
        expected.forEach((fn, tables) -> {
            var granted = new java.util.TreeMap<String, List<String>>();
            for (var statement : statements(resources(template, "AWS::IAM::Policy").values().stream()
                    .filter(p -> p.at("/Properties/Roles/0/Ref").asText().equals(roleId(fn))).toList())) {
                var dynamo = actions(statement).stream().filter(a -> a.startsWith("dynamodb:")).toList();
                if (dynamo.isEmpty()) {
                    continue;
                }
                assertEquals(actions(statement), dynamo, "DynamoDB actions share no statement with others");
                var resourcesOf = statement.get("Resource").isArray()
                        ? StreamSupport.stream(statement.get("Resource").spliterator(), false).toList()
                        : List.of(statement.get("Resource"));
                // The table's ARN; the CDK adds its indexes' ARN only when it has indexes (these have none).
                String arn = render(resourcesOf.get(0));
                resourcesOf.stream().skip(1).forEach(r -> assertEquals("AWS::NoValue", r.path("Ref").asText(), r.toString()));
                assertTrue(arn.startsWith("${") && arn.endsWith(".Arn}"), arn);
                granted.merge(arn.substring(2, arn.length() - ".Arn}".length()),
                        dynamo.stream().map(a -> a.substring("dynamodb:".length())).sorted().toList(),
                        (a, b) -> java.util.stream.Stream.concat(a.stream(), b.stream()).sorted().toList());
            }
            assertEquals(new java.util.TreeMap<>(tables), granted, fn.getNode().getId());
        });
    }

    @Test
    void eachFunctionHasItsOwnRoleWritingOnlyToItsOwnLogGroup() {
        var roles = resources(template, "AWS::IAM::Role");
        var functions = resources(template, "AWS::Lambda::Function");
        for (Function fn : realtime.getFunctions()) {
            String roleId = roleId(fn);
            var role = roles.get(roleId).get("Properties");
            assertFalse(role.has("ManagedPolicyArns"), "no AWSLambdaBasicExecutionRole (logs:* on every group)");
            assertEquals("lambda.amazonaws.com",
                    role.at("/AssumeRolePolicyDocument/Statement/0/Principal/Service").asText());
            var function = functions.get(logicalId(fn));
            assertEquals("${" + roleId + ".Arn}", render(function.at("/Properties/Role")));
            String logGroupId = function.at("/Properties/LoggingConfig/LogGroup/Ref").asText();
            var logStatements = statements(resources(template, "AWS::IAM::Policy").values().stream()
                    .filter(p -> p.at("/Properties/Roles/0/Ref").asText().equals(roleId)).toList()).stream()
                    .filter(st -> actions(st).stream().anyMatch(a -> a.startsWith("logs:"))).toList();
            assertEquals(1, logStatements.size());
            assertEquals(List.of("logs:CreateLogStream", "logs:PutLogEvents"), actions(logStatements.get(0)));
            assertEquals("${" + logGroupId + ".Arn}", render(logStatements.get(0).get("Resource")));
            // The role and its policy exist before the function is created (and SnapStart snapshots a version).
            var dependsOn = new HashSet<String>();
            function.path("DependsOn").forEach(id -> dependsOn.add(id.asText()));
            assertTrue(dependsOn.contains(roleId), dependsOn.toString());
            assertTrue(dependsOn.stream().anyMatch(id -> id.startsWith(roleId.replaceAll("[0-9A-F]{8}$", "")) && !id.equals(roleId)),
                    "depends on the role's policy: " + dependsOn);
        }
    }

    @Test
    void errorsThrottlesTheDeadLetterQueueDeliveryLatencyRefusedEventsFailedPostsAndApiErrorsRaiseAlarms() {
        var alarms = resources(template, "AWS::CloudWatch::Alarm");
        assertEquals(27, alarms.size(), "23 of PulseAlarms, the big rooms' 2, the fan-out queue's and the presence flushes' dead-letter alarms");
        var watched = new HashSet<String>();
        alarms.values().forEach(alarm -> {
            var props = alarm.get("Properties");
            assertEquals(1, props.get("EvaluationPeriods").asInt());
            assertEquals(300, props.get("Period").asInt());
            assertEquals("notBreaching", props.get("TreatMissingData").asText());
            // Without a topic the alarms still exist (console, dashboards) but notify nobody.
            assertFalse(props.has("AlarmActions"));
            var dimensions = props.get("Dimensions");
            String metric = props.get("Namespace").asText() + "/" + props.get("MetricName").asText();
            switch (metric) {
                case "AWS/Lambda/Errors", "AWS/Lambda/Throttles" -> {
                    assertEquals(1, dimensions.size());
                    assertEquals("FunctionName", dimensions.get(0).get("Name").asText());
                    assertEquals("Sum", props.get("Statistic").asText());
                    assertEquals(1, props.get("Threshold").asInt());
                    assertEquals("GreaterThanOrEqualToThreshold", props.get("ComparisonOperator").asText());
                    watched.add(metric + ":" + dimensions.get(0).at("/Value/Ref").asText());
                }
                case "AWS/SQS/ApproximateNumberOfMessagesVisible" -> {
                    assertEquals("QueueName", dimensions.get(0).get("Name").asText());
                    assertEquals("Maximum", props.get("Statistic").asText());
                    assertEquals(0, props.get("Threshold").asInt());
                    assertEquals("GreaterThanThreshold", props.get("ComparisonOperator").asText());
                    watched.add(metric + ":" + render(dimensions.get(0).get("Value")));
                }
                case "Pulse/Test/DeliveryLatency" -> {
                    assertFalse(props.has("Dimensions"), "the EMF series without dimensions");
                    assertEquals("p99", props.get("ExtendedStatistic").asText());
                    assertEquals(5000, props.get("Threshold").asInt());
                    assertEquals("GreaterThanThreshold", props.get("ComparisonOperator").asText());
                    watched.add(metric);
                }
                case "Pulse/Test/EventsRefused", "Pulse/Test/FailedPosts", "Pulse/Test/ShardFailures" -> {
                    assertFalse(props.has("Dimensions"), "the EMF series without dimensions");
                    assertEquals("Sum", props.get("Statistic").asText());
                    assertEquals(1, props.get("Threshold").asInt());
                    watched.add(metric);
                }
                case "AWS/ApiGateway/ExecutionError" -> {
                    var names = new HashSet<String>();
                    dimensions.forEach(d -> names.add(d.get("Name").asText() + "=" + render(d.get("Value"))));
                    assertEquals(Set.of("ApiId=${" + apiId + "}", "Stage=prod"), names);
                    assertEquals("Sum", props.get("Statistic").asText());
                    assertEquals(1, props.get("Threshold").asInt());
                    watched.add(metric);
                }
                default -> throw new AssertionError("unexpected alarm metric " + metric);
            }
        });
        var expected = new HashSet<String>();
        realtime.getFunctions().forEach(fn -> {
            expected.add("AWS/Lambda/Errors:" + logicalId(fn));
            expected.add("AWS/Lambda/Throttles:" + logicalId(fn));
        });
        expected.add("AWS/SQS/ApproximateNumberOfMessagesVisible:${"
                + logicalId(realtime.getFanOutDeadLetterQueue()) + ".QueueName}");
        expected.add("AWS/SQS/ApproximateNumberOfMessagesVisible:${"
                + logicalId(realtime.getBigRooms().getDeadLetterQueue()) + ".QueueName}");
        expected.add("AWS/SQS/ApproximateNumberOfMessagesVisible:${"
                + logicalId(realtime.getFanOutQueue().getDeadLetterQueue()) + ".QueueName}");
        expected.add("AWS/SQS/ApproximateNumberOfMessagesVisible:${"
                + logicalId(realtime.getPresenceFlushDeadLetterQueue()) + ".QueueName}");
        expected.addAll(Set.of("Pulse/Test/DeliveryLatency", "Pulse/Test/EventsRefused", "Pulse/Test/FailedPosts",
                "AWS/ApiGateway/ExecutionError", "Pulse/Test/ShardFailures"));
        assertEquals(expected, watched);
        assertEquals(23, realtime.getAlarms().getAlarms().size(), "PulseAlarms; the presence flush and big-room alarms are their constructs'");
        assertEquals(2, realtime.getBigRooms().getAlarms().size());
    }

    @Test
    void theDashboardShowsConnectionsEventsRefusalsLatencyFailedPostsTheQueueAndApiErrors() {
        var dashboards = resources(template, "AWS::CloudWatch::Dashboard");
        assertEquals(1, dashboards.size());
        String body = render(dashboards.values().iterator().next().get("Properties").get("DashboardBody"));
        for (String wanted : List.of("\"Connects\"", "\"Disconnects\"", "\"ConnectCount\"", "\"EventsAdmitted\"",
                "\"Deliveries\"", "MetricName=\\\"ConnectsRefused\\\"", "MetricName=\\\"ActionsRefused\\\"",
                "MetricName=\\\"EventsRefused\\\"", "\"DeliveryLatency\"", "\"stat\":\"p99\"",
                "\"stat\":\"p50\"", "\"FanOutDuration\"", "\"FailedPosts\"", "\"Gone\"",
                "\"ApproximateNumberOfMessagesVisible\"", "\"ClientError\"", "\"ExecutionError\"",
                "\"IntegrationError\"")) {
            assertTrue(body.contains(wanted), "the dashboard lacks " + wanted + ": " + body);
        }
        assertNotNull(realtime.getDashboard().getDashboard());
    }

    @Test
    void eachStackWritesAndReadsItsOwnMetricsNamespace() {
        // The functions write to Pulse/<stack>, and the dashboard and alarms read that, never the bare "Pulse" another
        // stack in the account and region would share.
        resources(template, "AWS::Lambda::Function").forEach((id, fn) -> assertEquals("Pulse/Test",
                fn.at("/Properties/Environment/Variables/PULSE_METRICS_NAMESPACE").asText(), id));
        String body = render(resources(template, "AWS::CloudWatch::Dashboard").values().iterator().next()
                .get("Properties").get("DashboardBody"));
        assertTrue(body.contains("\"Pulse/Test\",\"Connects\""), body);
        assertTrue(body.contains("SEARCH('{\\\"Pulse/Test\\\",Reason} MetricName=\\\"ConnectsRefused\\\"'"), body);
        assertFalse(body.contains("\"Pulse\","), "a metric of the shared namespace: " + body);

        var app = new App();
        var other = new Stack(app, "Other");
        new PulseRealtime(other, "Realtime", PulseRealtimeProps.builder()
                .lambdaJarPath(Templates.fakeLambdaJar(dir).toString()).jwtSecret(SECRET).build());
        var otherTemplate = Templates.json(other);
        resources(otherTemplate, "AWS::Lambda::Function").forEach((id, fn) -> assertEquals("Pulse/Other",
                fn.at("/Properties/Environment/Variables/PULSE_METRICS_NAMESPACE").asText(), id));
        resources(otherTemplate, "AWS::CloudWatch::Alarm").values().stream().map(a -> a.at("/Properties/Namespace").asText())
                .filter(ns -> ns.startsWith("Pulse")).forEach(ns -> assertEquals("Pulse/Other", ns));
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
                "RealtimeConnectionsTableName", "${" + logicalId(realtime.getTable()) + "}",
                "RealtimeSyncUrl", "${" + logicalId(realtime.getSyncApi()) + ".ApiEndpoint}/sync",
                "RealtimeQueryUrl", "${" + logicalId(realtime.getSyncApi()) + ".ApiEndpoint}/rooms"), outputs);
    }

    private record Expected(String handler, int timeoutSeconds) {
    }

    static String roleId(Function fn) {
        return logicalId(fn.getRole());
    }

    static List<JsonNode> statements(java.util.Collection<JsonNode> policies) {
        return policies.stream()
                .flatMap(p -> StreamSupport.stream(p.at("/Properties/PolicyDocument/Statement").spliterator(), false))
                .toList();
    }

    static List<String> actions(JsonNode statement) {
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
