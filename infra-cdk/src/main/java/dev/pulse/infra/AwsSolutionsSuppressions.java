package dev.pulse.infra;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import io.github.cdklabs.cdknag.RegexAppliesTo;
import java.util.List;
import software.amazon.awscdk.CfnElement;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.apigatewayv2.WebSocketRoute;
import software.amazon.awscdk.services.lambda.Function;
import software.constructs.IConstruct;

/**
 * The cdk-nag AwsSolutions findings Pulse accepts, each on the one resource it concerns and with the reason.
 * Anything not listed here is a finding to fix, which the AwsSolutions test reports.
 */
final class AwsSolutionsSuppressions {
    private AwsSolutionsSuppressions() {
    }

    static void apply(PulseRealtime realtime, List<WebSocketRoute> routes, boolean accessLogs, boolean signingSecret,
                      boolean accessHookSecret) {
        // $default and polling read the JWT key and the access hook's secret; $connect only the JWT key.
        if (signingSecret || accessHookSecret) {
            for (Function fn : List.of(realtime.getDefaultFunction(), realtime.getPollFunction())) {
                NagSuppressions.addResourceSuppressions(fn.getRole(), List.of(NagPackSuppression.builder()
                        .id("AwsSolutions-IAM5")
                        .appliesTo(List.of(RegexAppliesTo.builder()
                                .regex("/^Resource::arn:<AWS::Partition>:secretsmanager:.*:secret:.*-\\?{6}$/").build()))
                        .reason("A secret named without its full ARN is matched by name plus Secrets Manager's "
                                + "6-character suffix (one secret each).")
                        .build()), true);
            }
        }
        if (signingSecret) {
            // Only when the secret is given by name: its ARN then ends in a suffix the CDK cannot know.
            NagSuppressions.addResourceSuppressions(realtime.getConnectFunction().getRole(), List.of(
                    NagPackSuppression.builder()
                            .id("AwsSolutions-IAM5")
                            .appliesTo(List.of(RegexAppliesTo.builder()
                                    .regex("/^Resource::arn:<AWS::Partition>:secretsmanager:.*:secret:.*-\\?{6}$/").build()))
                            .reason("A secret named without its full ARN is matched by name plus Secrets Manager's "
                                    + "6-character suffix (one secret).")
                            .build()), true);
        }
        for (WebSocketRoute route : routes) {
            suppress(route, "AwsSolutions-APIG4", route.getRouteKey().equals("$connect")
                    ? "$connect authenticates in ConnectHandler: it verifies the JWT (query string or "
                      + "Sec-WebSocket-Protocol, as browsers cannot set headers) and rejects the upgrade with 401/403."
                    : "API Gateway allows authorizers only on $connect; later frames ride on the connection "
                      + "that $connect authenticated, and the handlers check room permissions per frame.");
        }
        if (!accessLogs) {
            suppress(realtime.getStage(), "AwsSolutions-APIG1",
                    "Access logs need the account-wide API Gateway CloudWatch role, which a construct must not set; "
                    + "enable them with accessLogs=true once the account has it. Function logs and alarms cover errors.");
        }
        NagSuppressions.addResourceSuppressions(realtime.getSyncApi(), List.of(
                NagPackSuppression.builder().id("AwsSolutions-APIG4")
                        .reason("POST /sync authenticates in PollHandler: it verifies the bearer JWT with the same "
                                + "verifier as $connect and answers 401/403 itself.").build(),
                NagPackSuppression.builder().id("AwsSolutions-APIG1")
                        .reason("Access logs need the account-wide API Gateway CloudWatch role, which a construct must "
                                + "not set; PollHandler logs every refusal and its alarms cover errors.").build()), true);
        suppress(realtime.getEventsTable(), "AwsSolutions-DDB3",
                "The event log is a replay buffer whose items expire after the retention (24 h by default); "
                + "restoring it from a backup would replay stale positions. Losing it is reported to clients "
                + "explicitly (sync.state 'lost', new epoch) and they refetch. The connections table has PITR.");
        suppress(realtime.getFanOutDeadLetterQueue(), "AwsSolutions-SQS3",
                "This queue is itself the dead-letter queue (of the fan-out rule target and of the fan-out alias's "
                + "asynchronous invocations); cdk-nag recognizes only SQS redrive as DLQ use.");
        String apiId = Stack.of(realtime).getLogicalId((CfnElement) realtime.getApi().getNode().getDefaultChild());
        String connections = "Resource::arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<" + apiId + ">/"
                + realtime.getStage().getStageName() + "/%s/@connections/*";
        for (Function fn : List.of(realtime.getDefaultFunction(), realtime.getFanOutFunction(),
                realtime.getTokenExpiryFunction(), realtime.getPresenceFlushFunction(), realtime.getShardWorkerFunction())) {
            NagSuppressions.addResourceSuppressions(fn.getRole(), List.of(NagPackSuppression.builder()
                    .id("AwsSolutions-IAM5")
                    .appliesTo(List.of(connections.formatted("POST"), connections.formatted("DELETE")))
                    .reason("Connection ids are known only at run time; the grant is limited to POST (send) and "
                            + "DELETE (close) on @connections of this API's stage.")
                    .build()), true);
        }
    }

    /** With tracing on: X-Ray's PutTraceSegments and PutTelemetryRecords take no resource, so their policy says "*". */
    static void tracing(List<Function> functions) {
        for (Function fn : functions) {
            NagSuppressions.addResourceSuppressions(fn.getRole(), List.of(NagPackSuppression.builder()
                    .id("AwsSolutions-IAM5")
                    .appliesTo(List.of("Resource::*"))
                    .reason("X-Ray's xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level "
                            + "permissions; the CDK grants them on * when active tracing is on, and nothing else.")
                    .build()), true);
        }
    }

    private static void suppress(IConstruct construct, String rule, String reason) {
        NagSuppressions.addResourceSuppressions(construct,
                List.of(NagPackSuppression.builder().id(rule).reason(reason).build()));
    }
}
