package dev.pulse.infra;

import software.amazon.awscdk.services.events.IEventBus;
import software.amazon.awscdk.services.secretsmanager.ISecret;
import software.amazon.awscdk.services.sns.ITopic;

/**
 * What one deployment is configured with, read from CDK context ({@code cdk synth -c key=value} or
 * {@code cdk.json}). Plain values, so a stack can turn them into constructs in its own scope.
 *
 * @param stackName         CloudFormation stack name (context {@code stackName}, default {@code Pulse})
 * @param stageName         WebSocket stage (context {@code stageName}, default {@code prod})
 * @param lambdaJarPath     functions jar (context {@code lambdaJar}, default {@link #DEFAULT_LAMBDA_JAR})
 * @param jwtSecret         context {@code jwtSecret}, or null
 * @param jwtSecretId       context {@code jwtSecretId}: name or ARN of a Secrets Manager secret holding the HS256 key
 * @param jwksUrl           context {@code jwksUrl}, or null
 * @param jwtIssuer         context {@code jwtIssuer}, or null
 * @param jwtAudience       context {@code jwtAudience}, or null
 * @param eventBusName      context {@code eventBusName}; null or {@code default} = the account's default bus
 * @param fanoutConcurrency context {@code fanoutConcurrency}, default 64
 * @param alarmTopicArn     context {@code alarmTopicArn}: SNS topic for alarm notifications, or null
 * @param accessLogs        context {@code accessLogs} ({@code true}/{@code false}, default false): stage access logs
 * @param runtime           the handlers' behaviour from contexts {@code userClaim}, {@code workspaceClaim},
 *                          {@code eventRetentionHours}, {@code rateLimits}, {@code allowedOrigins} and
 *                          {@code clientEventPrefixes} (the last two comma-separated), {@code presenceNamespaces}
 *                          (comma-separated; an empty value turns presence off), {@code presenceSignalLimit}
 * @param catalog           context {@code catalog}: the event catalog's app name (e.g. {@code hyvve}), or null
 * @param stageRateLimit    context {@code stageRateLimit}: requests per second of each stage, default 500
 * @param stageBurstLimit   context {@code stageBurstLimit}: each stage's burst, default 1000
 * @param access            room access from contexts {@code roomAccess}, {@code accessHookUrl},
 *                          {@code accessHookTimeoutMs}, {@code accessHookCacheSeconds},
 *                          {@code accessHookDenyCacheSeconds}, {@code roomsClaim}
 * @param accessHookSecretId context {@code accessHookSecretId}: name or ARN of a Secrets Manager secret holding the
 *                          access hook's signing secret, or null
 * @param connectAuthorizer context {@code connectAuthorizer} ({@code true}/{@code false}, default false): a REQUEST
 *                          authorizer on {@code $connect}
 * @param tracing           context {@code tracing} ({@code true}/{@code false}, default false): X-Ray active tracing
 *                          on every function
 * @param fanOutQueue       contexts {@code fanOutQueue} ({@code true}/{@code false}, default true: events reach the
 *                          fan-out through an SQS queue in batches), {@code fanOutBatchSize} (default 10) and
 *                          {@code fanOutBatchWindowMs} (default 0)
 * @param delivery          contexts {@code postAttempts}, {@code postRetryMs} and {@code membersCacheMs}
 * @param bigRooms          contexts {@code bigRoomThreshold} (default 2,000 members), {@code shardSize} (1,000),
 *                          {@code shardCheckpoint} (250) and {@code shardWorkerConcurrency} (50): how big rooms are split
 *                          across the shard workers (docs/SCALING.md)
 */
public record DeploySettings(
        String stackName,
        String stageName,
        String lambdaJarPath,
        String jwtSecret,
        String jwtSecretId,
        String jwksUrl,
        String jwtIssuer,
        String jwtAudience,
        String eventBusName,
        int fanoutConcurrency,
        String alarmTopicArn,
        boolean accessLogs,
        RuntimeSettings runtime,
        String catalog,
        int stageRateLimit,
        int stageBurstLimit,
        RoomAccessSettings access,
        String accessHookSecretId,
        boolean connectAuthorizer,
        boolean tracing,
        FanOutQueueSettings fanOutQueue,
        DeliverySettings delivery,
        BigRoomSettings bigRooms) {

    public static final String DEFAULT_STACK_NAME = "Pulse";
    /** Relative to infra-cdk/, where cdk runs; built by {@code mvn package} in functions/. */
    public static final String DEFAULT_LAMBDA_JAR = "../functions/target/functions-0.1.0-SNAPSHOT-lambda.jar";

    /** @param context looks a context key up; returns null when absent (e.g. {@code app.getNode()::tryGetContext}) */
    public static DeploySettings fromContext(java.util.function.Function<String, Object> context) {
        return new DeploySettings(
                text(context, "stackName", DEFAULT_STACK_NAME),
                text(context, "stageName", PulseRealtimeProps.DEFAULT_STAGE),
                text(context, "lambdaJar", DEFAULT_LAMBDA_JAR),
                text(context, "jwtSecret", null),
                text(context, "jwtSecretId", null),
                text(context, "jwksUrl", null),
                text(context, "jwtIssuer", null),
                text(context, "jwtAudience", null),
                text(context, "eventBusName", null),
                integer(context, "fanoutConcurrency", PulseRealtimeProps.DEFAULT_FANOUT_CONCURRENCY),
                text(context, "alarmTopicArn", null),
                bool(context, "accessLogs"),
                new RuntimeSettings(
                        text(context, "userClaim", null),
                        text(context, "workspaceClaim", null),
                        text(context, "eventRetentionHours", null) == null ? null
                                : java.time.Duration.ofHours(integer(context, "eventRetentionHours", 24)),
                        text(context, "rateLimits", null),
                        list(context, "allowedOrigins"),
                        list(context, "clientEventPrefixes"),
                        context.apply("presenceNamespaces") == null ? null : list(context, "presenceNamespaces"),
                        text(context, "presenceSignalLimit", null) == null ? null
                                : Integer.valueOf(text(context, "presenceSignalLimit", null))),
                text(context, "catalog", null),
                integer(context, "stageRateLimit", PulseRealtimeProps.DEFAULT_STAGE_RATE_LIMIT),
                integer(context, "stageBurstLimit", PulseRealtimeProps.DEFAULT_STAGE_BURST_LIMIT),
                new RoomAccessSettings(
                        text(context, "roomAccess", null),
                        text(context, "accessHookUrl", null),
                        text(context, "accessHookTimeoutMs", null) == null ? null
                                : java.time.Duration.ofMillis(integer(context, "accessHookTimeoutMs", 0)),
                        text(context, "accessHookCacheSeconds", null) == null ? null
                                : java.time.Duration.ofSeconds(integer(context, "accessHookCacheSeconds", 0)),
                        text(context, "accessHookDenyCacheSeconds", null) == null ? null
                                : java.time.Duration.ofSeconds(integer(context, "accessHookDenyCacheSeconds", 0)),
                        text(context, "roomsClaim", null)),
                text(context, "accessHookSecretId", null),
                bool(context, "connectAuthorizer"),
                bool(context, "tracing"),
                new FanOutQueueSettings(
                        bool(context, "fanOutQueue", true),
                        integer(context, "fanOutBatchSize", FanOutQueueSettings.DEFAULT_BATCH_SIZE),
                        java.time.Duration.ofMillis(integer(context, "fanOutBatchWindowMs", 0)),
                        FanOutQueueSettings.DEFAULT_MAX_RECEIVES),
                new DeliverySettings(
                        text(context, "postAttempts", null) == null ? null : integer(context, "postAttempts", 0),
                        text(context, "postRetryMs", null) == null ? null
                                : java.time.Duration.ofMillis(integer(context, "postRetryMs", 0)),
                        text(context, "membersCacheMs", null) == null ? null
                                : java.time.Duration.ofMillis(integer(context, "membersCacheMs", 0))),
                new BigRoomSettings(
                        integer(context, "bigRoomThreshold", BigRoomSettings.DEFAULTS.threshold()),
                        integer(context, "shardSize", BigRoomSettings.DEFAULTS.shardSize()),
                        integer(context, "shardCheckpoint", BigRoomSettings.DEFAULTS.checkpointEvery()),
                        integer(context, "shardWorkerConcurrency", BigRoomSettings.DEFAULTS.workerConcurrency())));
    }

    /**
     * The construct's props; {@code eventBus}, {@code alarmTopic}, {@code signingSecret} and {@code accessHookSecret}
     * are resolved by the caller in its scope (null = the default bus, no alarm actions, no Secrets Manager key, no
     * hook secret).
     */
    public PulseRealtimeProps toProps(IEventBus eventBus, ITopic alarmTopic, ISecret signingSecret, ISecret accessHookSecret) {
        return PulseRealtimeProps.builder()
                .stageName(stageName)
                .lambdaJarPath(lambdaJarPath)
                .jwtSecret(jwtSecret)
                .jwtSigningSecret(signingSecret)
                .jwksUrl(jwksUrl)
                .jwtIssuer(jwtIssuer)
                .jwtAudience(jwtAudience)
                .eventBus(eventBus)
                .fanoutConcurrency(fanoutConcurrency)
                .alarmTopic(alarmTopic)
                .accessLogs(accessLogs)
                .runtime(runtime)
                .catalog(catalog)
                .stageRateLimit(stageRateLimit)
                .stageBurstLimit(stageBurstLimit)
                .access(access)
                .accessHookSecret(accessHookSecret)
                .connectAuthorizer(connectAuthorizer)
                .tracing(tracing)
                .fanOutQueue(fanOutQueue)
                .delivery(delivery)
                .bigRooms(bigRooms)
                .build();
    }

    /** True when the rule should listen on a named bus rather than the account's default one. */
    public boolean usesCustomBus() {
        return eventBusName != null && !eventBusName.equals("default");
    }

    private static String text(java.util.function.Function<String, Object> context, String key, String fallback) {
        Object value = context.apply(key);
        if (value == null || value.toString().isBlank()) {
            return fallback;
        }
        return value.toString().trim();
    }

    private static java.util.List<String> list(java.util.function.Function<String, Object> context, String key) {
        String value = text(context, key, null);
        return value == null ? java.util.List.of()
                : java.util.Arrays.stream(value.split(",")).map(String::trim).filter(v -> !v.isEmpty()).toList();
    }

    private static boolean bool(java.util.function.Function<String, Object> context, String key) {
        return bool(context, key, false);
    }

    private static boolean bool(java.util.function.Function<String, Object> context, String key, boolean fallback) {
        String value = text(context, key, Boolean.toString(fallback));
        return switch (value.toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("Context '" + key + "' must be true or false: " + value);
        };
    }

    private static int integer(java.util.function.Function<String, Object> context, String key, int fallback) {
        String value = text(context, key, null);
        if (value == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Context '" + key + "' must be an integer: " + value, e);
        }
    }
}
