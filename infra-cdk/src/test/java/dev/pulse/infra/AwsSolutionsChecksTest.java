package dev.pulse.infra;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Aspects;

/**
 * cdk-nag's AwsSolutions pack over the stack as the app builds it: no unsuppressed error or warning, and the
 * suppressions are the justified ones only (they are listed in the template's cdk_nag metadata).
 */
class AwsSolutionsChecksTest {
    @TempDir
    static Path dir;

    @Test
    void theDefaultStackPassesAwsSolutionsChecks() {
        var stack = checkedStack(Map.of());
        var suppressed = Templates.json(stack).toString();
        // The accepted findings, and no others, carry a reason.
        for (String rule : List.of("AwsSolutions-APIG4", "AwsSolutions-APIG1", "AwsSolutions-SQS3", "AwsSolutions-IAM5")) {
            assertTrue(suppressed.contains("\"" + rule + "\""), rule + " is suppressed with a reason");
        }
        assertTrue(!suppressed.contains("AwsSolutions-IAM4"), "no AWS managed policies, so nothing to suppress");
    }

    @Test
    void withAccessLogsAndACustomBusTheStackStillPasses() {
        var stack = checkedStack(Map.of("accessLogs", "true", "eventBusName", "orders",
                "alarmTopicArn", "arn:aws:sns:eu-west-1:123456789012:ops", "stageName", "dev"));
        var webSocketStage = Templates.resources(Templates.json(stack), "AWS::ApiGatewayV2::Stage")
                .get(Templates.logicalId(stack.getRealtime().getStage()));
        assertTrue(!webSocketStage.toString().contains("\"AwsSolutions-APIG1\""),
                "with access logs on, the WebSocket stage's APIG1 needs no suppression");
    }

    private static PulseStack checkedStack(Map<String, Object> extraContext) {
        var context = new HashMap<String, Object>(extraContext);
        context.put("lambdaJar", Templates.fakeLambdaJar(dir).toString());
        context.put("jwtSecret", "0123456789abcdef0123456789abcdef");
        var stack = PulseApp.stack(new App(AppProps.builder().context(context).build()));
        Aspects.of(stack).add(new AwsSolutionsChecks());
        Templates.assertNoAwsSolutionsFindings(stack);
        return stack;
    }
}
