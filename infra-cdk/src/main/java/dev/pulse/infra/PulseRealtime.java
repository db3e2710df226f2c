package dev.pulse.infra;

import software.amazon.awscdk.services.lambda.Tracing;
import dev.pulse.catalog.EventCatalog;
import dev.pulse.catalog.RulePattern;
import dev.pulse.config.Env;
import dev.pulse.config.PulseConfig;
import dev.pulse.envelope.FanOutRule;
import dev.pulse.store.ConnectionTable;
import dev.pulse.store.EventLogTable;
import dev.pulse.presence.QueryEndpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.aws_apigatewayv2_authorizers.HttpIamAuthorizer;
import software.amazon.awscdk.aws_apigatewayv2_authorizers.WebSocketLambdaAuthorizer;
import software.amazon.awscdk.aws_apigatewayv2_authorizers.WebSocketLambdaAuthorizerProps;
import software.amazon.awscdk.aws_apigatewayv2_integrations.HttpLambdaIntegration;
import software.amazon.awscdk.aws_apigatewayv2_integrations.WebSocketLambdaIntegration;
import software.amazon.awscdk.services.apigatewayv2.AddRoutesOptions;
import software.amazon.awscdk.services.apigatewayv2.CfnStage;
import software.amazon.awscdk.services.apigatewayv2.CorsHttpMethod;
import software.amazon.awscdk.services.apigatewayv2.CorsPreflightOptions;
import software.amazon.awscdk.services.apigatewayv2.HttpApi;
import software.amazon.awscdk.services.apigatewayv2.HttpMethod;
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
import software.amazon.awscdk.services.events.IRuleTarget;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.Schedule;
import software.amazon.awscdk.services.events.targets.LambdaFunction;
import software.amazon.awscdk.services.iam.Grant;
import software.amazon.awscdk.services.iam.GrantOnPrincipalOptions;
import software.amazon.awscdk.services.iam.IGrantable;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.lambda.destinations.SqsDestination;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * Everything Pulse needs in one account: the connections and event-log tables, the WebSocket API and stage, the
 * HTTP API for polling and the query API, the seven functions from the one functions jar ($connect, $default,
 * $disconnect, fan-out, poll, token-expiry sweep, query; and the $connect authorizer with connectAuthorizer), the
 * EventBridge rules that feed the fan-out, and the IAM between them.
 * Each function runs with SnapStart, which applies only to published versions: callers (the routes and the
 * rule) therefore invoke the alias {@value #ALIAS_NAME}, which follows the version published on each deploy.
 */
public class PulseRealtime extends Construct {
    /** WebSocket routes answer within API Gateway's 29 s integration timeout. */
    static final Duration ROUTE_TIMEOUT = Duration.seconds(29);
    /** The fan-out is invoked asynchronously by EventBridge and may page through large rooms. */
    static final Duration FANOUT_TIMEOUT = Duration.seconds(60);
    static final int MEMORY_MB = 1024;
    static final Duration RULE_MAX_EVENT_AGE = Duration.hours(1);
    static final int RULE_RETRY_ATTEMPTS = 8;
    /** Lambda's own retries of an asynchronous invocation that failed inside the function. */
    static final int ASYNC_RETRY_ATTEMPTS = 2;
    static final Duration ASYNC_MAX_EVENT_AGE = Duration.hours(1);
    public static final String ALIAS_NAME = "live";
    /** Read by the functions' Services: the Secrets Manager secret holding the HS256 key. */
    public static final String JWT_SECRET_ARN_VARIABLE = Env.JWT_SECRET_ARN;
    /** Read by the functions' Services like the JWT key's: the Secrets Manager secret the access hook is signed with. */
    public static final String ACCESS_HOOK_SECRET_ARN_VARIABLE = Env.ACCESS_HOOK_SECRET + "_ARN";
    /** Stage access log line: one JSON object per connect, message and disconnect. */
    static final String ACCESS_LOG_FORMAT = "{\"requestId\":\"$context.requestId\",\"eventType\":\"$context.eventType\","
            + "\"routeKey\":\"$context.routeKey\",\"connectionId\":\"$context.connectionId\","
            + "\"status\":\"$context.status\",\"requestTime\":\"$context.requestTimeEpoch\","
            + "\"ip\":\"$context.identity.sourceIp\",\"integrationError\":\"$context.integrationErrorMessage\"}";
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
    private final Function shardWorkerFunction;
    private final Alias shardWorkerAlias;
    private final BigRoomWorkers bigRooms;
    private final Function tokenExpiryFunction;
    private final Function pollFunction;
    /** Null unless props.connectAuthorizer(). */
    private final Function authorizerFunction;
    private final Alias authorizerAlias;
    private final Function queryFunction;
    private final Function presenceFlushFunction;
    private final Alias presenceFlushAlias;
    private final PresenceFlushes presenceFlushes;
    private final Alias queryAlias;
    private final Alias pollAlias;
    private final HttpApi syncApi;
    private final Alias connectAlias;
    private final Alias disconnectAlias;
    private final Alias defaultAlias;
    private final Alias fanOutAlias;
    private final Alias tokenExpiryAlias;
    private final Queue fanOutDeadLetterQueue;
    /** Between the rules and the fan-out function, or null when the rules invoke it directly. */
    private final FanOutQueue fanOutQueue;
    private final Rule fanOutRule;
    private final Rule routeRule;
    private final Rule tokenExpirySchedule;
    private final PulseAlarms alarms;
    private final PulseDashboard dashboard;
    private final Tracing tracing;

    public PulseRealtime(Construct scope, String id, PulseRealtimeProps props) {
        super(scope, id);
        this.tracing = props.tracing() ? Tracing.ACTIVE : Tracing.DISABLED;
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
                .throttle(ThrottleSettings.builder().rateLimit(props.stageRateLimit()).burstLimit(props.stageBurstLimit()).build())
                .build();

        this.fanOutDeadLetterQueue = Queue.Builder.create(this, "FanOutDeadLetters")
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .retentionPeriod(Duration.days(14))
                // Undelivered events are data too: they are what an operator replays.
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();

        // Before the functions: every function's environment names the presence flush queue.
        this.presenceFlushes = new PresenceFlushes(this, "PresenceFlushes");

        // The catalog is loaded and checked now: a bad catalog fails the synthesis, not the first delivery.
        EventCatalog catalog = props.catalog() == null ? null : EventCatalog.load(props.catalog());
        // The room access in force (the catalog's, roomAccess on top), and the hook it may need, decided now too.
        var accessPolicy = props.access().policy(catalog);
        props.access().check(accessPolicy, catalog, props.accessHookSecret() != null);

        var code = Code.fromAsset(props.lambdaJarPath());
        var environment = environment(props);
        // Only $connect and $default (auth.refresh) verify tokens, so only they get key material.
        var connectEnvironment = new TreeMap<>(environment);
        putIfPresent(connectEnvironment, Env.JWT_SECRET, props.jwtSecret());
        if (props.jwtSigningSecret() != null) {
            // The ARN, not the value: the value stays out of the template and the function configuration.
            connectEnvironment.put(JWT_SECRET_ARN_VARIABLE, props.jwtSigningSecret().getSecretArn());
        }
        putIfPresent(connectEnvironment, Env.JWT_JWKS_URL, props.jwksUrl());
        putIfPresent(connectEnvironment, Env.JWT_ISSUER, props.jwtIssuer());
        putIfPresent(connectEnvironment, Env.JWT_AUDIENCE, props.jwtAudience());
        // Every function that reads tokens reads their grants the same way ($connect stores them; $default's
        // auth.refresh and polling verify tokens whose grants claim must parse alike).
        putIfPresent(connectEnvironment, Env.JWT_ROOMS_CLAIM, props.access().roomsClaim());
        // Only $default and polling decide room access ($connect joins a connection's own rooms only), so only they
        // get the policy and the hook; the secret as its ARN, read at cold start.
        var accessEnvironment = new TreeMap<>(connectEnvironment);
        accessEnvironment.putAll(props.access().environment(accessPolicy));
        if (props.accessHookSecret() != null) {
            accessEnvironment.put(ACCESS_HOOK_SECRET_ARN_VARIABLE, props.accessHookSecret().getSecretArn());
        }
        // Construct ids are the class names: "Default" is reserved by the CDK (it would hide the id).
        this.connectFunction = function("ConnectHandler", ROUTE_TIMEOUT, code, connectEnvironment);
        // The authorizer checks tokens as $connect would, so it gets the same key material (and nothing else: it
        // touches no table and posts nothing).
        this.authorizerFunction = props.connectAuthorizer()
                ? function("AuthorizerHandler", ROUTE_TIMEOUT, code, connectEnvironment) : null;
        this.disconnectFunction = function("DisconnectHandler", ROUTE_TIMEOUT, code, environment);
        // room.publish posts from $default with the fan-out's retries, so what still fails is recorded the same way:
        // on the fan-out's dead-letter queue, which $default may send to (and nothing else of it).
        var defaultEnvironment = new TreeMap<>(accessEnvironment);
        defaultEnvironment.put(Env.DEAD_LETTER_QUEUE_URL, fanOutDeadLetterQueue.getQueueUrl());
        this.defaultFunction = function("DefaultHandler", ROUTE_TIMEOUT, code, defaultEnvironment);
        fanOutDeadLetterQueue.grantSendMessages(defaultFunction);
        if (props.jwtSigningSecret() != null) {
            props.jwtSigningSecret().grantRead(connectFunction);
            props.jwtSigningSecret().grantRead(defaultFunction);
            if (authorizerFunction != null) {
                props.jwtSigningSecret().grantRead(authorizerFunction);
            }
        }
        var fanOutEnvironment = new TreeMap<>(environment);
        // Refused events (invalid, undeclared, unroutable) go to the fan-out's dead-letter queue, with their reason.
        fanOutEnvironment.put(Env.DEAD_LETTER_QUEUE_URL, fanOutDeadLetterQueue.getQueueUrl());
        putIfPresent(fanOutEnvironment, Env.CATALOG, props.catalog());
        fanOutEnvironment.putAll(props.bigRooms().environment());
        this.fanOutFunction = function("FanOutHandler", FANOUT_TIMEOUT, code, fanOutEnvironment);
        fanOutDeadLetterQueue.grantSendMessages(fanOutFunction);
        // Big rooms' shard workers: the same posts as the fan-out's (their undelivered posts to the same queue), a
        // claim lease as long as their timeout; no catalog, no key material.
        var workerEnvironment = new TreeMap<>(environment);
        workerEnvironment.putAll(props.bigRooms().environment());
        workerEnvironment.put(Env.DEAD_LETTER_QUEUE_URL, fanOutDeadLetterQueue.getQueueUrl());
        workerEnvironment.put(Env.SHARD_LEASE_MS, Long.toString(BigRoomWorkers.WORKER_TIMEOUT.toMilliseconds().longValue()));
        this.shardWorkerFunction = function("ShardWorkerHandler", BigRoomWorkers.WORKER_TIMEOUT, code, workerEnvironment);
        fanOutDeadLetterQueue.grantSendMessages(shardWorkerFunction);
        this.tokenExpiryFunction = function("TokenExpiryHandler", FANOUT_TIMEOUT, code, environment);
        // The polling fallback verifies a bearer token per request, so it gets the key material too.
        this.pollFunction = function("PollHandler", ROUTE_TIMEOUT, code, accessEnvironment);
        // The query API reads memberships and presence only: no key material, no access policy, no @connections.
        this.queryFunction = function("QueryHandler", ROUTE_TIMEOUT, code, environment);
        // Each presence window's flush (SQS, delayed by the window): reads the room, posts one presence.diff per member.
        this.presenceFlushFunction = function("PresenceFlushHandler", PresenceFlushes.FLUSH_TIMEOUT, code, environment);
        if (props.jwtSigningSecret() != null) {
            props.jwtSigningSecret().grantRead(pollFunction);
        }
        if (props.accessHookSecret() != null) {
            props.accessHookSecret().grantRead(defaultFunction);
            props.accessHookSecret().grantRead(pollFunction);
        }
        this.connectAlias = alias(connectFunction).build();
        this.authorizerAlias = authorizerFunction == null ? null : alias(authorizerFunction).build();
        this.disconnectAlias = alias(disconnectFunction).build();
        this.defaultAlias = alias(defaultFunction).build();
        // EventBridge hands the event over once the function accepts it; a failure inside the function is then
        // Lambda's to retry, and the rule's dead-letter queue never sees it. Send those to the same queue.
        this.fanOutAlias = alias(fanOutFunction)
                .retryAttempts(ASYNC_RETRY_ATTEMPTS)
                .maxEventAge(ASYNC_MAX_EVENT_AGE)
                .onFailure(new SqsDestination(fanOutDeadLetterQueue))
                .build();

        this.shardWorkerAlias = alias(shardWorkerFunction).build();
        this.tokenExpiryAlias = alias(tokenExpiryFunction).build();
        this.pollAlias = alias(pollFunction).build();
        this.queryAlias = alias(queryFunction).build();
        this.presenceFlushAlias = alias(presenceFlushFunction).build();
        presenceFlushes.flushWith(presenceFlushAlias, props.alarmTopic());
        // Every function that changes presence may open a window (connect, disconnect, room.join/leave and
        // presence.update, pruning a gone connection on delivery or flush); no other.
        presenceFlushes.scheduledBy(List.of(connectFunction, disconnectFunction, defaultFunction, fanOutFunction,
                presenceFlushFunction));

        // HTTP polling fallback (POST /sync): the same sync query for clients whose WebSocket is blocked.
        var origins = props.runtime().allowedOrigins().isEmpty() ? List.of("*") : props.runtime().allowedOrigins();
        this.syncApi = HttpApi.Builder.create(this, "SyncApi")
                .description("Pulse HTTP polling fallback: POST /sync with a bearer token")
                .corsPreflight(CorsPreflightOptions.builder()
                        .allowOrigins(origins)
                        .allowMethods(List.of(CorsHttpMethod.POST, CorsHttpMethod.OPTIONS))
                        .allowHeaders(List.of("authorization", "content-type"))
                        .maxAge(Duration.hours(1))
                        .build())
                .build();
        // The same throttle as the WebSocket stage: without one, the stage takes the account's whole API Gateway quota.
        // The construct has no throttle setting for an HTTP API's default stage, so it is set on the CloudFormation stage.
        ((CfnStage) syncApi.getDefaultStage().getNode().getDefaultChild()).setDefaultRouteSettings(
                CfnStage.RouteSettingsProperty.builder()
                        .throttlingRateLimit(props.stageRateLimit())
                        .throttlingBurstLimit(props.stageBurstLimit())
                        .build());
        syncApi.addRoutes(AddRoutesOptions.builder()
                .path("/sync")
                .methods(List.of(HttpMethod.POST))
                .integration(new HttpLambdaIntegration("SyncIntegration", pollAlias))
                .build());
        // The query API (PROTOCOL §10.7) on the same HTTP API, for the app's backend only: IAM authorization, so a
        // caller needs a SigV4 signature and an IAM policy allowing execute-api:Invoke on the routes (grantQuery).
        var queryIntegration = new HttpLambdaIntegration("QueryIntegration", queryAlias);
        for (String path : List.of(QueryEndpoint.MEMBERS_PATH, QueryEndpoint.PRESENCE_PATH)) {
            syncApi.addRoutes(AddRoutesOptions.builder()
                    .path(path)
                    .methods(List.of(HttpMethod.GET))
                    .integration(queryIntegration)
                    .authorizer(new HttpIamAuthorizer())
                    .build());
        }

        var routes = List.of(
                api.addRoute("$connect", connectRoute(props)),
                api.addRoute("$disconnect", route("DisconnectIntegration", disconnectAlias)),
                api.addRoute("$default", route("DefaultIntegration", defaultAlias)));
        // The stage's first auto-deployment must see the routes (API Gateway refuses to deploy an API without any).
        routes.forEach(r -> stage.getNode().addDependency(r));
        if (props.accessLogs()) {
            enableAccessLogs();
        }

        // Each function may make exactly the DynamoDB calls its code makes, on the tables it uses (TableAccess).
        TableAccess.CONNECTIONS.forEach((handler, actions) -> table.grant(functionOf(handler), actions.toArray(String[]::new)));
        TableAccess.EVENTS.forEach((handler, actions) -> eventsTable.grant(functionOf(handler), actions.toArray(String[]::new)));
        // Only the functions that post frames may call @connections, and only on this stage: POST to send,
        // DELETE to close a connection whose token lapsed ($default and the token-expiry sweep). $connect and
        // $disconnect post nothing: their presence changes reach the rooms in the presence flush's diff.
        var postToConnections = manageConnections("POST");
        var closeConnections = manageConnections("DELETE");
        presenceFlushFunction.addToRolePolicy(postToConnections);
        defaultFunction.addToRolePolicy(postToConnections);
        defaultFunction.addToRolePolicy(closeConnections);
        fanOutFunction.addToRolePolicy(postToConnections);
        shardWorkerFunction.addToRolePolicy(postToConnections);
        tokenExpiryFunction.addToRolePolicy(postToConnections);
        tokenExpiryFunction.addToRolePolicy(closeConnections);

        // Suffixed with the stage: rule names are unique per bus, and stages may share a bus.
        this.fanOutRule = Rule.Builder.create(this, "FanOutRule")
                .ruleName(FanOutRule.RULE_NAME + "-" + props.stageName())
                .description("Pulse envelopes (" + FanOutRule.ENVELOPE_VERSION + ") to the fan-out function")
                .eventBus(eventBus)
                .eventPattern(EventPatterns.fromJson(FanOutRule.PATTERN))
                .build();
        // How the events reach the function: through the fan-out queue in batches (the default), or one invocation each.
        this.fanOutQueue = props.fanOutQueue().enabled()
                ? new FanOutQueue(this, "FanOutQueue", fanOutAlias, FANOUT_TIMEOUT, props.fanOutQueue(),
                props.alarmTopic()) : null;
        fanOutRule.addTarget(fanOutTarget());

        // The catalog's routes: domain events already on the bus (no envelope) reach the fan-out by one rule whose
        // pattern the local bus uses too (RulePattern), with the same retries and dead-letter queue as the fan-out rule.
        this.routeRule = catalog == null ? null : catalog.rulePattern().map(pattern -> {
            var rule = EventPatterns.ruleWithPattern(Rule.Builder.create(this, "RouteRule")
                    .ruleName(RulePattern.RULE_NAME + "-" + props.stageName())
                    .description("Domain events routed by event catalog " + catalog.app() + " to the fan-out function")
                    .eventBus(eventBus), pattern);
            rule.addTarget(fanOutTarget());
            return rule;
        }).orElse(null);

        AwsSolutionsSuppressions.apply(this, routes, props.accessLogs(), props.jwtSigningSecret() != null,
                props.accessHookSecret() != null);
        if (props.tracing()) {
            AwsSolutionsSuppressions.tracing(getFunctions());
        }
        output("SyncUrl", syncApi.getApiEndpoint() + "/sync", "HTTP polling fallback (POST with Authorization: Bearer <jwt>)");
        output("QueryUrl", syncApi.getApiEndpoint() + "/rooms", "query API: GET /rooms/members and /rooms/presence, "
                + "SigV4-signed (execute-api) by a principal granted with grantQuery");
        // Every minute (scheduled rules live on the default bus); the sweep looks back 5 minutes, so a late or
        // failed run is caught up by the next one and retries would only duplicate work.
        this.tokenExpirySchedule = Rule.Builder.create(this, "TokenExpirySchedule")
                .description("Pulse: close idle connections whose token lapsed without auth.refresh")
                .schedule(Schedule.rate(Duration.minutes(1)))
                .build();
        tokenExpirySchedule.addTarget(LambdaFunction.Builder.create(tokenExpiryAlias)
                .retryAttempts(0)
                .maxEventAge(Duration.minutes(1))
                .build());

        var metrics = new PulseMetrics(metricsNamespace(this), api.getApiId(), stage.getStageName());
        this.bigRooms = new BigRoomWorkers(this, "BigRooms", fanOutFunction, shardWorkerFunction, shardWorkerAlias,
                props.bigRooms(), metrics, props.alarmTopic());
        fanOutFunction.addEnvironment(Env.SHARD_QUEUE_URL, bigRooms.getQueue().getQueueUrl());
        this.alarms = new PulseAlarms(this, "Alarms", getFunctions(), fanOutDeadLetterQueue, metrics, props.alarmTopic());
        this.dashboard = new PulseDashboard(this, "Operations", metrics, fanOutDeadLetterQueue);

        output("WebSocketUrl", stage.getUrl(), "wss:// URL clients connect to");
        output("CallbackUrl", stage.getCallbackUrl(), "@connections management endpoint (PULSE_MANAGEMENT_ENDPOINT)");
        output("EventBusName", eventBus.getEventBusName(), "bus publishers send Pulse envelopes to");
        output("ConnectionsTableName", table.getTableName(), "DynamoDB table of connections and memberships");
    }

    /** What {@code PulseConfig.fromEnvironment} reads, less the JWT settings that only $connect needs. */
    private Map<String, String> environment(PulseRealtimeProps props) {
        var env = new TreeMap<String, String>();
        env.put(Env.CONNECTIONS_TABLE, table.getTableName());
        env.put(Env.EVENTS_TABLE, eventsTable.getTableName());
        env.put(Env.MANAGEMENT_ENDPOINT, stage.getCallbackUrl());
        env.put(Env.EVENT_BUS, eventBus.getEventBusName());
        env.put(Env.FANOUT_CONCURRENCY, Integer.toString(props.fanoutConcurrency()));
        // Per stack, so two deployments in one account and region keep their metrics, alarms and dashboards apart.
        env.put(Env.METRICS_NAMESPACE, metricsNamespace(this));
        // Without it a function would flush presence by a timer in the process, which a frozen Lambda never runs.
        env.put(Env.PRESENCE_FLUSH_QUEUE_URL, presenceFlushes.queueUrl());
        env.putAll(props.runtime().environment());
        if (props.tracing()) {
            // The functions then send subsegments of their DynamoDB calls and @connections posts to Lambda's daemon.
            env.put(Env.TRACING, "true");
        }
        env.putAll(props.delivery().environment());
        if (props.connectAuthorizer()) {
            // Every route then trusts the identity API Gateway passes in requestContext.authorizer.
            env.put(Env.CONNECT_AUTHORIZER, "true");
        }
        return env;
    }

    /**
     * The CloudWatch namespace of the stack's EMF metrics: {@code Pulse/<stack name>} (README, "Metrics"), what the
     * functions write to and the dashboard and alarms read.
     */
    static String metricsNamespace(software.constructs.Construct scope) {
        return PulseConfig.DEFAULT_METRICS_NAMESPACE + "/" + Stack.of(scope).getStackName();
    }

    private Function functionOf(String handlerClass) {
        return getFunctions().stream().filter(fn -> fn.getNode().getId().equals(handlerClass)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no function " + handlerClass));
    }

    private static void putIfPresent(Map<String, String> env, String name, String value) {
        if (value != null) {
            env.put(name, value);
        }
    }

    /** One JSON line per connect, message and disconnect, in a log group kept as long as the functions' logs. */
    private void enableAccessLogs() {
        var logs = LogGroup.Builder.create(this, "AccessLogs").retention(RetentionDays.ONE_MONTH).build();
        ((CfnStage) stage.getNode().getDefaultChild()).setAccessLogSettings(CfnStage.AccessLogSettingsProperty.builder()
                .destinationArn(logs.getLogGroupArn())
                .format(ACCESS_LOG_FORMAT)
                .build());
    }

    private Function function(String handlerClass, Duration timeout, Code code, Map<String, String> env) {
        var logs = LogGroup.Builder.create(this, handlerClass + "Logs").retention(RetentionDays.ONE_MONTH).build();
        // An own role rather than AWSLambdaBasicExecutionRole: it may write to this function's log group only.
        var role = Role.Builder.create(this, handlerClass + "Role")
                .assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
                .description("Pulse " + handlerClass)
                .build();
        logs.grantWrite(role);
        return Function.Builder.create(this, handlerClass)
                .role(role)
                .description("Pulse " + handlerClass)
                .runtime(Runtime.JAVA_21)
                .architecture(Architecture.ARM_64)
                .memorySize(MEMORY_MB)
                .timeout(timeout)
                .handler(HANDLER_PACKAGE + handlerClass + "::handleRequest")
                .code(code)
                .environment(env)
                .logGroup(logs)
                .snapStart(SnapStartConf.ON_PUBLISHED_VERSIONS)
                .tracing(tracing)
                .build();
    }

    /** A rule's way to the fan-out: its queue, or the function itself; retries and dead letters alike either way. */
    private IRuleTarget fanOutTarget() {
        if (fanOutQueue != null) {
            return fanOutQueue.target(fanOutDeadLetterQueue, RULE_MAX_EVENT_AGE, RULE_RETRY_ATTEMPTS);
        }
        return LambdaFunction.Builder.create(fanOutAlias)
                .deadLetterQueue(fanOutDeadLetterQueue)
                .maxEventAge(RULE_MAX_EVENT_AGE)
                .retryAttempts(RULE_RETRY_ATTEMPTS)
                .build();
    }

    /** The alias callers invoke; {@code currentVersion} publishes a new version whenever the code or config changes. */
    private Alias.Builder alias(Function fn) {
        // The CDK warns that SnapStart needs published versions; currentVersion publishes them, so say so.
        Annotations.of(fn).acknowledgeWarning("@aws-cdk/aws-lambda:snapStartRequirePublish",
                "versions are published through currentVersion and invoked through the " + ALIAS_NAME + " alias");
        return Alias.Builder.create(this, fn.getNode().getId() + "Live")
                .aliasName(ALIAS_NAME)
                .version(fn.getCurrentVersion());
    }

    /**
     * {@code $connect}, behind the authorizer when there is one. No identity source: a token may come in the query
     * string, the Authorization header or the subprotocol, and API Gateway would refuse (401, without invoking the
     * authorizer) any upgrade lacking one of the sources named; the authorizer finds the token itself. The CDK grants
     * API Gateway the right to invoke it.
     */
    private WebSocketRouteOptions connectRoute(PulseRealtimeProps props) {
        var options = WebSocketRouteOptions.builder()
                .integration(new WebSocketLambdaIntegration("ConnectIntegration", connectAlias));
        if (authorizerAlias != null) {
            options.authorizer(new WebSocketLambdaAuthorizer("ConnectAuthorizer", authorizerAlias,
                    WebSocketLambdaAuthorizerProps.builder().identitySource(List.of()).build()));
        }
        return options.build();
    }

    private static WebSocketRouteOptions route(String integrationId, IFunction handler) {
        return WebSocketRouteOptions.builder()
                .integration(new WebSocketLambdaIntegration(integrationId, handler))
                .build();
    }

    /** {@code arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{method}/@connections/*}. */
    private PolicyStatement manageConnections(String method) {
        return PolicyStatement.Builder.create()
                .actions(List.of("execute-api:ManageConnections"))
                .resources(List.of(connectionsArn(method)))
                .build();
    }

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

    /** Flushes presence windows: SQS-triggered, posts presence.diff frames. */
    public Function getPresenceFlushFunction() {
        return presenceFlushFunction;
    }

    public Alias getPresenceFlushAlias() {
        return presenceFlushAlias;
    }

    /** The presence flush queue (messages delayed by one window) and its dead-letter queue. */
    public Queue getPresenceFlushQueue() {
        return presenceFlushes.queue();
    }

    public Queue getPresenceFlushDeadLetterQueue() {
        return presenceFlushes.deadLetters();
    }

    public software.amazon.awscdk.services.cloudwatch.Alarm getPresenceFlushAlarm() {
        return presenceFlushes.deadLettersAlarm();
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

    public Alias getConnectAlias() {
        return connectAlias;
    }

    public Alias getDisconnectAlias() {
        return disconnectAlias;
    }

    public Alias getDefaultAlias() {
        return defaultAlias;
    }

    /** The big rooms' shard worker (the shard queue's event source; docs/SCALING.md). */
    public Function getShardWorkerFunction() {
        return shardWorkerFunction;
    }

    public Alias getShardWorkerAlias() {
        return shardWorkerAlias;
    }

    /** The shard queue, its dead-letter queue and their alarms. */
    public BigRoomWorkers getBigRooms() {
        return bigRooms;
    }

    public Alias getFanOutAlias() {
        return fanOutAlias;
    }

    public Function getTokenExpiryFunction() {
        return tokenExpiryFunction;
    }

    public Alias getTokenExpiryAlias() {
        return tokenExpiryAlias;
    }

    public Rule getTokenExpirySchedule() {
        return tokenExpirySchedule;
    }

    public Function getPollFunction() {
        return pollFunction;
    }

    public Alias getPollAlias() {
        return pollAlias;
    }

    /** The query API's function (GET /rooms/members, /rooms/presence). */
    public Function getQueryFunction() {
        return queryFunction;
    }

    public Alias getQueryAlias() {
        return queryAlias;
    }

    public HttpApi getSyncApi() {
        return syncApi;
    }

    /** The aliases callers invoke, in the order of {@link #getFunctions()}. */
    public List<Alias> getAliases() {
        var aliases = new ArrayList<>(List.of(connectAlias, disconnectAlias, defaultAlias, fanOutAlias,
                tokenExpiryAlias, pollAlias, queryAlias, shardWorkerAlias, presenceFlushAlias));
        if (authorizerAlias != null) {
            aliases.add(authorizerAlias);
        }
        return List.copyOf(aliases);
    }

    /**
     * The eight functions (connect, disconnect, default, fan-out, token expiry, polling, query, shard worker), and the
     * authorizer if any.
     */
    public List<Function> getFunctions() {
        var functions = new ArrayList<>(List.of(connectFunction, disconnectFunction, defaultFunction,
                fanOutFunction, tokenExpiryFunction, pollFunction, queryFunction, shardWorkerFunction,
                presenceFlushFunction));
        if (authorizerFunction != null) {
            functions.add(authorizerFunction);
        }
        return List.copyOf(functions);
    }

    /**
     * Lets {@code grantee} (the app's backend role) call the query API: {@code execute-api:Invoke} on its two GET
     * routes of the HTTP API's stage, nothing else.
     */
    public Grant grantQuery(IGrantable grantee) {
        return Grant.addToPrincipal(GrantOnPrincipalOptions.builder()
                .grantee(grantee)
                .actions(List.of("execute-api:Invoke"))
                .resourceArns(List.of(QueryEndpoint.MEMBERS_PATH, QueryEndpoint.PRESENCE_PATH).stream()
                        .map(path -> Stack.of(this).formatArn(ArnComponents.builder()
                                .service("execute-api")
                                .resource(syncApi.getApiId())
                                .arnFormat(ArnFormat.SLASH_RESOURCE_NAME)
                                // The HTTP API's one stage, named: no wildcard in the grant.
                                .resourceName(syncApi.getDefaultStage().getStageName() + "/GET" + path)
                                .build()))
                        .toList())
                .build());
    }

    /** The {@code $connect} authorizer; null unless {@code connectAuthorizer}. */
    public Function getAuthorizerFunction() {
        return authorizerFunction;
    }

    public Queue getFanOutDeadLetterQueue() {
        return fanOutDeadLetterQueue;
    }

    /** The queue the rules send events to, when events reach the fan-out in batches (else null). */
    public FanOutQueue getFanOutQueue() {
        return fanOutQueue;
    }

    public Rule getFanOutRule() {
        return fanOutRule;
    }

    /** The routing rule of the catalog's routes; null without a catalog. */
    public Rule getRouteRule() {
        return routeRule;
    }

    public PulseAlarms getAlarms() {
        return alarms;
    }

    /** The operations dashboard (connections, events, refusals, latency, failed posts, DLQ, API Gateway errors). */
    public PulseDashboard getDashboard() {
        return dashboard;
    }
}
