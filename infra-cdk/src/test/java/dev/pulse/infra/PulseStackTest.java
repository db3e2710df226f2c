package dev.pulse.infra;

import static dev.pulse.infra.Templates.logicalId;
import static dev.pulse.infra.Templates.render;
import static dev.pulse.infra.Templates.resources;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;

/** The app as `cdk synth -c ...` builds it: context in, one stack out (one synthesis, with non-default settings). */
class PulseStackTest {
    @TempDir
    static Path dir;

    private static final String ALARM_TOPIC = "arn:aws:sns:eu-west-1:123456789012:pulse-ops";

    private static PulseStack stack;
    private static JsonNode template;

    @BeforeAll
    static void synthesize() {
        var app = new App(AppProps.builder().context(Map.of(
                "stackName", "PulseDev",
                "stageName", "dev",
                "lambdaJar", Templates.fakeLambdaJar(dir).toString(),
                "jwksUrl", "https://auth.example/.well-known/jwks.json",
                "eventBusName", "orders",
                "fanoutConcurrency", 16,
                "alarmTopicArn", ALARM_TOPIC,
                "accessLogs", "true",
                "stageRateLimit", 50,
                "stageBurstLimit", "80")).build());
        stack = PulseApp.stack(app);
        template = Templates.json(stack);
    }

    @Test
    void contextNamesTheStackStageBusAndSettings() {
        assertEquals("PulseDev", stack.getStackName());
        var realtime = stack.getRealtime();
        var stage = resources(template, "AWS::ApiGatewayV2::Stage").get(logicalId(realtime.getStage()));
        assertEquals("dev", stage.at("/Properties/StageName").asText());

        var rule = resources(template, "AWS::Events::Rule").get(logicalId(realtime.getFanOutRule())).get("Properties");
        assertEquals("orders", rule.get("EventBusName").asText());
        assertEquals("pulse-fanout-dev", rule.get("Name").asText());

        String apiId = logicalId(realtime.getApi());
        String connectId = logicalId(realtime.getConnectFunction());
        String defaultId = logicalId(realtime.getDefaultFunction());
        String pollId = logicalId(realtime.getPollFunction());
        resources(template, "AWS::Lambda::Function").forEach((id, fn) -> {
            var env = fn.at("/Properties/Environment/Variables");
            assertEquals("orders", env.get("PULSE_EVENT_BUS").asText());
            assertEquals("16", env.get("PULSE_FANOUT_CONCURRENCY").asText());
            if (id.equals(connectId) || id.equals(defaultId) || id.equals(pollId)) {
                assertEquals("https://auth.example/.well-known/jwks.json", env.get("PULSE_JWT_JWKS_URL").asText());
            } else {
                assertFalse(env.has("PULSE_JWT_JWKS_URL"));
            }
            assertFalse(env.has("PULSE_JWT_SECRET"));
            assertEquals("https://${" + apiId + "}.execute-api.${AWS::Region}.${AWS::URLSuffix}/dev",
                    render(env.get("PULSE_MANAGEMENT_ENDPOINT")));
        });
    }

    @Test
    void bothStagesTakeTheConfiguredThrottle() {
        var stages = resources(template, "AWS::ApiGatewayV2::Stage");
        assertEquals(2, stages.size(), "the WebSocket stage and the polling API's $default stage");
        stages.forEach((id, stage) -> assertEquals(Templates.MAPPER.createObjectNode()
                        .put("ThrottlingBurstLimit", 80).put("ThrottlingRateLimit", 50),
                stage.at("/Properties/DefaultRouteSettings"), id));
    }

    @Test
    void connectionsAccessIsScopedToTheConfiguredStage() {
        String apiId = logicalId(stack.getRealtime().getApi());
        var arns = new java.util.HashSet<String>();
        resources(template, "AWS::IAM::Policy").values().stream()
                .flatMap(p -> java.util.stream.StreamSupport.stream(
                        p.at("/Properties/PolicyDocument/Statement").spliterator(), false))
                .filter(s -> s.get("Action").asText().equals("execute-api:ManageConnections"))
                .forEach(s -> {
                    var resource = s.get("Resource");
                    if (resource.isArray()) {
                        resource.forEach(r -> arns.add(render(r)));
                    } else {
                        arns.add(render(resource));
                    }
                });
        String prefix = "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${" + apiId + "}/dev/";
        assertEquals(java.util.Set.of(prefix + "POST/@connections/*", prefix + "DELETE/@connections/*"), arns);
    }

    @Test
    void accessLogsGoToTheirOwnLogGroupAsJsonLines() throws Exception {
        var stage = resources(template, "AWS::ApiGatewayV2::Stage").get(logicalId(stack.getRealtime().getStage()));
        var settings = stage.at("/Properties/AccessLogSettings");
        String destination = render(settings.get("DestinationArn"));
        String logGroupId = destination.substring(2, destination.length() - ".Arn}".length());
        var logGroup = resources(template, "AWS::Logs::LogGroup").get(logGroupId);
        assertEquals(30, logGroup.at("/Properties/RetentionInDays").asInt());
        assertEquals(PulseRealtime.ACCESS_LOG_FORMAT, settings.get("Format").asText());
        var fields = Templates.MAPPER.readTree(PulseRealtime.ACCESS_LOG_FORMAT);
        assertEquals("$context.connectionId", fields.get("connectionId").asText());
        assertEquals("$context.routeKey", fields.get("routeKey").asText());
    }

    @Test
    void everyAlarmNotifiesTheConfiguredTopicOfAlarmAndRecovery() {
        var alarms = resources(template, "AWS::CloudWatch::Alarm");
        // Errors and Throttles of 9 functions, 5 stack-wide, the big rooms' 2, the fan-out queue's and the presence
        // flushes' dead letters.
        assertEquals(27, alarms.size());
        alarms.forEach((id, alarm) -> {
            var props = alarm.get("Properties");
            assertEquals(List.of(ALARM_TOPIC), texts(props.get("AlarmActions")), id);
            assertEquals(List.of(ALARM_TOPIC), texts(props.get("OKActions")), id);
        });
    }

    private static List<String> texts(JsonNode array) {
        return java.util.stream.StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }

    @Test
    void synthesisRaisesNoWarnings() {
        var warnings = software.amazon.awscdk.assertions.Annotations.fromStack(stack)
                .findWarning("*", software.amazon.awscdk.assertions.Match.anyValue());
        assertEquals(List.of(), warnings.stream().map(w -> w.getId() + ": " + w.getEntry().getData()).toList());
    }

    @Test
    void aMissingLambdaJarIsReportedWithItsPathBeforeSynthesis() {
        var app = new App(AppProps.builder().context(Map.of(
                "lambdaJar", dir.resolve("absent.jar").toString(),
                "jwtSecret", "0123456789abcdef0123456789abcdef")).build());
        var error = assertThrows(IllegalArgumentException.class, () -> PulseApp.stack(app));
        assertTrue(error.getMessage().contains("absent.jar"), error.getMessage());
        assertTrue(error.getMessage().contains("mvn"), error.getMessage());
    }

    /** The same default as ./pulse local without PULSE_CATALOG (StartupBannerTest): no validation, no routing rule. */
    @Test
    void withoutCatalogContextNothingIsValidatedOrRouted() {
        assertEquals(null, stack.getRealtime().getRouteRule());
        var rules = resources(template, "AWS::Events::Rule");
        assertEquals(java.util.Set.of(logicalId(stack.getRealtime().getFanOutRule()),
                logicalId(stack.getRealtime().getTokenExpirySchedule())), rules.keySet());
        resources(template, "AWS::Lambda::Function").forEach((id, fn) ->
                assertFalse(fn.at("/Properties/Environment/Variables").has("PULSE_CATALOG"), id));
    }

    @Test
    void anAppWithoutAnyJwtKeySourceIsRejected() {
        var app = new App(AppProps.builder().context(Map.of(
                "lambdaJar", dir.resolve("functions-test-lambda.jar").toString())).build());
        var error = assertThrows(IllegalArgumentException.class, () -> PulseApp.stack(app));
        // The context keys a cdk deploy -c user can set, not the construct's props (jwtSigningSecret is an ISecret).
        for (String key : List.of("-c jwtSecretId=", "-c jwksUrl=", "-c jwtSecret=")) {
            assertTrue(error.getMessage().contains(key), error.getMessage());
        }
        assertFalse(error.getMessage().contains("jwtSigningSecret"), error.getMessage());
    }
}
