package dev.pulse.infra;

import dev.pulse.connection.ConnectionTable;
import dev.pulse.sync.EventLogTable;
import dev.pulse.publish.FanOutRule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.aws_apigatewayv2_integrations.WebSocketLambdaIntegration;
import software.amazon.awscdk.services.apigatewayv2.ThrottleSettings;
import software.amazon.awscdk.services.apigatewayv2.WebSocketApi;
import software.amazon.awscdk.services.apigatewayv2.WebSocketRouteOptions;
import software.amazon.awscdk.services.apigatewayv2.WebSocketStage;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.events.EventBus;
import software.amazon.awscdk.services.events.IEventBus;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.targets.LambdaFunction;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * Everything Pulse needs in one account: the connections table, the WebSocket API and stage, the four
 * functions from the one functions jar, the EventBridge rule that feeds the fan-out, and the IAM between them.
 */
public class PulseRealtime extends Construct {
    /** WebSocket routes answer within API Gateway's 29 s integration timeout. */
    static final Duration ROUTE_TIMEOUT = Duration.seconds(29);
    /** The fan-out is invoked asynchronously by EventBridge and may page through large rooms. */
    static final Duration FANOUT_TIMEOUT = Duration.seconds(60);
    static final int MEMORY_MB = 1024;
    static final int STAGE_RATE_LIMIT = 500;
    static final int STAGE_BURST_LIMIT = 1000;
    static final Duration RULE_MAX_EVENT_AGE = Duration.hours(1);
    static final int RULE_RETRY_ATTEMPTS = 8;
    static final String ROUTE_SELECTION = "$request.body.action";
    private static final String HANDLER_PACKAGE = "dev.pulse.functions.";

    private final Table table;
    private final Table eventsTable;
    private final WebSocketApi api;
    private final WebSocketStage stage;
    private final IEventBus eventBus;
    private final Function connectFunction;
    private final Function disconnectFunction;
    private final Function defaultFunction;
    private final Function fanOutFunction;
    private final Queue fanOutDeadLetterQueue;
    private final Rule fanOutRule;

    public PulseRealtime(Construct scope, String id, PulseRealtimeProps props) {
        super(scope, id);
        if (!Files.isRegularFile(Path.of(props.lambdaJarPath()))) {
            throw new IllegalArgumentException("Lambda jar not found: " + Path.of(props.lambdaJarPath()).toAbsolutePath()
                    + " (build it with `mvn -DskipTests package` at the repository root)");
        }
        this.eventBus = props.eventBus() != null
                ? props.eventBus()
                : EventBus.fromEventBusName(this, "DefaultBus", "default");

        this.table = Table.Builder.create(this, "Connections")
                .partitionKey(Attribute.builder().name(ConnectionTable.PARTITION_KEY).type(AttributeType.STRING).build())
                .sortKey(Attribute.builder().name(ConnectionTable.SORT_KEY).type(AttributeType.STRING).build())
                .timeToLiveAttribute(ConnectionTable.TTL_ATTRIBUTE)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .pointInTimeRecoverySpecification(PointInTimeRecoverySpecification.builder()
                        .pointInTimeRecoveryEnabled(true).build())
                // Room memberships are data: deleting the stack must not delete them.
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();

        // The per-room event log: TTL'd history for sync.request. Nothing in it outlives the retention, so it
        // needs neither point-in-time recovery nor to be kept when the stack goes.
        this.eventsTable = Table.Builder.create(this, "Events")
                .partitionKey(Attribute.builder().name(EventLogTable.PARTITION_KEY).type(AttributeType.STRING).build())
                .sortKey(Attribute.builder().name(EventLogTable.SORT_KEY).type(AttributeType.STRING).build())
                .timeToLiveAttribute(EventLogTable.TTL_ATTRIBUTE)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();

        // Routes are added after the functions: the functions' environment needs the stage's callback URL.
        this.api = WebSocketApi.Builder.create(this, "Api")
                .description("Pulse real-time events")
                .routeSelectionExpression(ROUTE_SELECTION)
                .build();
        this.stage = WebSocketStage.Builder.create(this, "Stage")
                .webSocketApi(api)
                .stageName(props.stageName())
                .autoDeploy(true)
                .throttle(ThrottleSettings.builder().rateLimit(STAGE_RATE_LIMIT).burstLimit(STAGE_BURST_LIMIT).build())
                .build();

        var code = Code.fromAsset(props.lambdaJarPath());
        var environment = environment(props);
        // Only $connect verifies tokens, so only it gets key material.
        var connectEnvironment = new TreeMap<>(environment);
        putIfPresent(connectEnvironment, "PULSE_JWT_SECRET", props.jwtSecret());
        putIfPresent(connectEnvironment, "PULSE_JWT_JWKS_URL", props.jwksUrl());
        putIfPresent(connectEnvironment, "PULSE_JWT_ISSUER", props.jwtIssuer());
        putIfPresent(connectEnvironment, "PULSE_JWT_AUDIENCE", props.jwtAudience());
        // Construct ids are the class names: "Default" is reserved by the CDK (it would hide the id).
        this.connectFunction = function("ConnectHandler", ROUTE_TIMEOUT, code, connectEnvironment);
        this.disconnectFunction = function("DisconnectHandler", ROUTE_TIMEOUT, code, environment);
        this.defaultFunction = function("DefaultHandler", ROUTE_TIMEOUT, code, environment);
        this.fanOutFunction = function("FanOutHandler", FANOUT_TIMEOUT, code, environment);

        // The stage's first auto-deployment must see the routes (API Gateway refuses to deploy an API without any).
        stage.getNode().addDependency(api.addRoute("$connect", route("ConnectIntegration", connectFunction)));
        stage.getNode().addDependency(api.addRoute("$disconnect", route("DisconnectIntegration", disconnectFunction)));
        stage.getNode().addDependency(api.addRoute("$default", route("DefaultIntegration", defaultFunction)));

        for (Function fn : List.of(connectFunction, disconnectFunction, defaultFunction, fanOutFunction)) {
            table.grantReadWriteData(fn);
        }
        // The fan-out appends to the log; $default (sync.request) only reads it.
        eventsTable.grantReadWriteData(fanOutFunction);
        eventsTable.grantReadData(defaultFunction);
        // Only the functions that post frames may call @connections, and only POST on this stage.
        var postToConnections = PolicyStatement.Builder.create()
                .actions(List.of("execute-api:ManageConnections"))
                .resources(List.of(connectionsArn("POST")))
                .build();
        defaultFunction.addToRolePolicy(postToConnections);
        fanOutFunction.addToRolePolicy(postToConnections);

        this.fanOutDeadLetterQueue = Queue.Builder.create(this, "FanOutDeadLetters")
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .retentionPeriod(Duration.days(14))
                // Undelivered events are data too: they are what an operator replays.
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        // Suffixed with the stage: rule names are unique per bus, and stages may share a bus.
        this.fanOutRule = Rule.Builder.create(this, "FanOutRule")
                .ruleName(FanOutRule.RULE_NAME + "-" + props.stageName())
                .description("Pulse envelopes (" + FanOutRule.ENVELOPE_VERSION + ") to the fan-out function")
                .eventBus(eventBus)
                .eventPattern(EventPatterns.fromJson(FanOutRule.PATTERN))
                .build();
        fanOutRule.addTarget(LambdaFunction.Builder.create(fanOutFunction)
                .deadLetterQueue(fanOutDeadLetterQueue)
                .maxEventAge(RULE_MAX_EVENT_AGE)
                .retryAttempts(RULE_RETRY_ATTEMPTS)
                .build());

        output("WebSocketUrl", stage.getUrl(), "wss:// URL clients connect to");
        output("CallbackUrl", stage.getCallbackUrl(), "@connections management endpoint (PULSE_MANAGEMENT_ENDPOINT)");
        output("EventBusName", eventBus.getEventBusName(), "bus publishers send Pulse envelopes to");
        output("ConnectionsTableName", table.getTableName(), "DynamoDB table of connections and memberships");
    }

    /** What {@code PulseConfig.fromEnvironment} reads, less the JWT settings that only $connect needs. */
    private Map<String, String> environment(PulseRealtimeProps props) {
        var env = new TreeMap<String, String>();
        env.put("PULSE_CONNECTIONS_TABLE", table.getTableName());
        env.put("PULSE_EVENTS_TABLE", eventsTable.getTableName());
        env.put("PULSE_MANAGEMENT_ENDPOINT", stage.getCallbackUrl());
        env.put("PULSE_EVENT_BUS", eventBus.getEventBusName());
        env.put("PULSE_FANOUT_CONCURRENCY", Integer.toString(props.fanoutConcurrency()));
        return env;
    }

    private static void putIfPresent(Map<String, String> env, String name, String value) {
        if (value != null) {
            env.put(name, value);
        }
    }

    private Function function(String handlerClass, Duration timeout, Code code, Map<String, String> env) {
        var logs = LogGroup.Builder.create(this, handlerClass + "Logs").retention(RetentionDays.ONE_MONTH).build();
        return Function.Builder.create(this, handlerClass)
                .description("Pulse " + handlerClass)
                .runtime(Runtime.JAVA_21)
                .architecture(Architecture.ARM_64)
                .memorySize(MEMORY_MB)
                .timeout(timeout)
                .handler(HANDLER_PACKAGE + handlerClass + "::handleRequest")
                .code(code)
                .environment(env)
                .logGroup(logs)
                .build();
    }

    private static WebSocketRouteOptions route(String integrationId, Function handler) {
        return WebSocketRouteOptions.builder()
                .integration(new WebSocketLambdaIntegration(integrationId, handler))
                .build();
    }

    /** {@code arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{method}/@connections/*}. */
    private String connectionsArn(String method) {
        return Stack.of(this).formatArn(ArnComponents.builder()
                .service("execute-api")
                .resource(api.getApiId())
                .arnFormat(ArnFormat.SLASH_RESOURCE_NAME)
                .resourceName(stage.getStageName() + "/" + method + "/@connections/*")
                .build());
    }

    private void output(String id, String value, String description) {
        CfnOutput.Builder.create(this, id).value(value).description(description).build();
    }

    public Table getTable() {
        return table;
    }

    /** The per-room event log table. */
    public Table getEventsTable() {
        return eventsTable;
    }

    public WebSocketApi getApi() {
        return api;
    }

    public WebSocketStage getStage() {
        return stage;
    }

    public IEventBus getEventBus() {
        return eventBus;
    }

    public Function getConnectFunction() {
        return connectFunction;
    }

    public Function getDisconnectFunction() {
        return disconnectFunction;
    }

    public Function getDefaultFunction() {
        return defaultFunction;
    }

    public Function getFanOutFunction() {
        return fanOutFunction;
    }

    /** All four functions: connect, disconnect, default, fan-out. */
    public List<Function> getFunctions() {
        return List.of(connectFunction, disconnectFunction, defaultFunction, fanOutFunction);
    }

    public Queue getFanOutDeadLetterQueue() {
        return fanOutDeadLetterQueue;
    }

    public Rule getFanOutRule() {
        return fanOutRule;
    }
}
