package dev.pulse.infra;

import static dev.pulse.infra.Templates.logicalId;
import static dev.pulse.infra.Templates.render;
import static dev.pulse.infra.Templates.resources;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Aspects;
import io.github.cdklabs.cdknag.AwsSolutionsChecks;

/** The presence windows' AWS side: the delay queue, the flush function reading it, who may send, the failure alarm. */
class PresenceFlushStackTest {
    @TempDir
    static Path dir;
    private static PulseStack stack;
    private static PulseRealtime realtime;
    private static JsonNode template;

    @BeforeAll
    static void synth() {
        var context = new HashMap<String, Object>();
        context.put("lambdaJar", Templates.fakeLambdaJar(dir).toString());
        context.put("jwtSecret", "a-development-secret-of-32-bytes!!");
        stack = PulseApp.stack(new App(AppProps.builder().context(context).build()));
        Aspects.of(stack).add(new AwsSolutionsChecks());
        realtime = stack.getRealtime();
        template = Templates.json(stack);
    }

    @Test
    void theQueueIsEncryptedTlsOnlyAndDeadLettersAFlushAfterThreeTries() {
        var queues = resources(template, "AWS::SQS::Queue");
        var queue = queues.get(logicalId(realtime.getPresenceFlushQueue())).get("Properties");
        assertTrue(queue.get("SqsManagedSseEnabled").asBoolean());
        assertEquals(PresenceFlushes.MAX_RECEIVES, queue.at("/RedrivePolicy/maxReceiveCount").asInt());
        assertEquals("${" + logicalId(realtime.getPresenceFlushDeadLetterQueue()) + ".Arn}",
                render(queue.at("/RedrivePolicy/deadLetterTargetArn")));
        assertFalse(queue.has("DelaySeconds"), "each message carries its window's delay");
        assertTrue(queue.get("VisibilityTimeout").asInt() >= 30, "no flush handed to a second invocation while it runs");
        var policies = resources(template, "AWS::SQS::QueuePolicy").values().stream()
                .filter(p -> p.toString().contains(logicalId(realtime.getPresenceFlushQueue()))).toList();
        assertEquals(1, policies.size());
        assertTrue(policies.get(0).toString().contains("aws:SecureTransport"), "TLS only");
    }

    @Test
    void theFlushFunctionReadsTheQueueThroughItsAliasWithPartialBatchFailures() {
        var mappings = Templates.eventSourceMappingsOf(template, realtime.getPresenceFlushQueue()).values().stream()
                .map(m -> m.get("Properties")).toList();
        assertEquals(1, mappings.size());
        var mapping = mappings.get(0);
        assertEquals("${" + logicalId(realtime.getPresenceFlushQueue()) + ".Arn}", render(mapping.get("EventSourceArn")));
        // The alias's ARN, split for its function name and qualifier.
        assertTrue(mapping.get("FunctionName").toString().contains("\"" + logicalId(realtime.getPresenceFlushAlias()) + "\""),
                mapping.get("FunctionName").toString());
        assertEquals(10, mapping.get("BatchSize").asInt());
        assertEquals("[\"ReportBatchItemFailures\"]", mapping.get("FunctionResponseTypes").toString());
    }

    @Test
    void everyFunctionKnowsTheQueueAndOnlyThoseThatChangePresenceMaySendToIt() {
        String queueId = logicalId(realtime.getPresenceFlushQueue());
        resources(template, "AWS::Lambda::Function").forEach((id, fn) -> assertEquals(queueId,
                fn.at("/Properties/Environment/Variables/PULSE_PRESENCE_FLUSH_QUEUE_URL/Ref").asText(),
                id + ": without it a function would flush by a timer a frozen Lambda never runs"));
        var senders = new HashSet<String>();
        var receivers = new HashSet<String>();
        resources(template, "AWS::IAM::Policy").values().forEach(policy -> {
            for (var statement : policy.at("/Properties/PolicyDocument/Statement")) {
                var actions = statement.get("Action").isArray()
                        ? StreamSupport.stream(statement.get("Action").spliterator(), false).map(JsonNode::asText).toList()
                        : java.util.List.of(statement.get("Action").asText());
                var resource = statement.get("Resource").isArray() ? statement.get("Resource").get(0) : statement.get("Resource");
                if (!resource.has("Fn::GetAtt") || !render(resource).equals("${" + queueId + ".Arn}")) {
                    continue;
                }
                var roles = new HashSet<String>();
                policy.at("/Properties/Roles").forEach(role -> roles.add(role.get("Ref").asText()));
                if (actions.contains("sqs:SendMessage")) {
                    senders.addAll(roles);
                }
                if (actions.contains("sqs:ReceiveMessage")) {
                    receivers.addAll(roles);
                }
            }
        });
        assertEquals(Set.of(roleId(realtime.getConnectFunction()), roleId(realtime.getDisconnectFunction()),
                roleId(realtime.getDefaultFunction()), roleId(realtime.getFanOutFunction()),
                roleId(realtime.getPresenceFlushFunction())), senders);
        assertEquals(Set.of(roleId(realtime.getPresenceFlushFunction())), receivers);
    }

    @Test
    void aFlushInTheDeadLetterQueueRaisesAnAlarmAndTheStackPassesCdkNag() {
        var alarm = resources(template, "AWS::CloudWatch::Alarm").get(logicalId(realtime.getPresenceFlushAlarm()))
                .get("Properties");
        assertEquals("ApproximateNumberOfMessagesVisible", alarm.get("MetricName").asText());
        assertEquals("${" + logicalId(realtime.getPresenceFlushDeadLetterQueue()) + ".QueueName}",
                render(alarm.at("/Dimensions/0/Value")));
        assertEquals(0, alarm.get("Threshold").asInt());
        assertEquals("GreaterThanThreshold", alarm.get("ComparisonOperator").asText());
        Templates.assertNoAwsSolutionsFindings(stack);
    }

    private static String roleId(software.amazon.awscdk.services.lambda.Function fn) {
        return logicalId(fn.getRole());
    }
}
