package dev.pulse.infra;

import static dev.pulse.infra.PulseRealtimeTest.actions;
import static dev.pulse.infra.PulseRealtimeTest.roleId;
import static dev.pulse.infra.PulseRealtimeTest.statements;
import static dev.pulse.infra.Templates.logicalId;
import static dev.pulse.infra.Templates.render;
import static dev.pulse.infra.Templates.resources;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.sns.Topic;

/**
 * The big rooms' hand-off in the template (docs/SCALING.md): the shard queue and its dead-letter queue, the worker's
 * event source with the configured maximum concurrency, least privilege on both sides of the queue, and the alarms on
 * failed shards wired to the alarm topic; cdk-nag finds nothing.
 */
class BigRoomWorkersStackTest {
    @TempDir
    static Path dir;

    private static Stack stack;
    private static PulseRealtime realtime;
    private static JsonNode template;
    private static Topic topic;

    @BeforeAll
    static void synthesize() {
        stack = new Stack(new App(), "BigRooms");
        topic = Topic.Builder.create(stack, "Ops").enforceSsl(true).build();
        realtime = new PulseRealtime(stack, "Realtime", PulseRealtimeProps.builder()
                .lambdaJarPath(Templates.fakeLambdaJar(dir).toString())
                .jwtSecret("a-development-secret-of-32-bytes!!")
                .alarmTopic(topic)
                .bigRooms(new BigRoomSettings(5_000, 500, 100, 30))
                .build());
        Aspects.of(stack).add(new AwsSolutionsChecks());
        template = Templates.json(stack);
    }

    private static JsonNode properties(String type, Object construct) {
        return resources(template, type).get(logicalId((software.constructs.IConstruct) construct)).get("Properties");
    }

    @Test
    void theShardQueueRedrivesToARetainedEncryptedDeadLetterQueueAfterThreeReceives() {
        var queue = properties("AWS::SQS::Queue", realtime.getBigRooms().getQueue());
        assertTrue(queue.get("SqsManagedSseEnabled").asBoolean());
        assertEquals(60, queue.get("VisibilityTimeout").asInt(), "longer than the worker's 20 s timeout (its lease)");
        assertEquals(3, queue.at("/RedrivePolicy/maxReceiveCount").asInt());
        assertEquals(24 * 3600, queue.get("MessageRetentionPeriod").asInt(), "SQS drops expired messages silently");
        String deadLettersId = logicalId(realtime.getBigRooms().getDeadLetterQueue());
        assertEquals("${" + deadLettersId + ".Arn}", render(queue.at("/RedrivePolicy/deadLetterTargetArn")));
        var deadLetters = resources(template, "AWS::SQS::Queue").get(deadLettersId);
        assertEquals("Retain", deadLetters.get("DeletionPolicy").asText());
        assertEquals(14 * 24 * 3600, deadLetters.at("/Properties/MessageRetentionPeriod").asInt());
        assertEquals(20, properties("AWS::Lambda::Function", realtime.getShardWorkerFunction()).get("Timeout").asInt());
    }

    @Test
    void theWorkerAliasTakesOneShardPerInvocationWithPartialFailuresAndTheConfiguredMaximumConcurrency() {
        var mappings = Templates.eventSourceMappingsOf(template, realtime.getBigRooms().getQueue());
        assertEquals(1, mappings.size());
        var mapping = mappings.values().iterator().next().get("Properties");
        assertEquals("${" + logicalId(realtime.getBigRooms().getQueue()) + ".Arn}", render(mapping.get("EventSourceArn")));
        // The alias's name, as the CDK takes it from the alias's ARN.
        assertTrue(mapping.get("FunctionName").toString().contains("\"Ref\":\"" + logicalId(realtime.getShardWorkerAlias()) + "\""),
                mapping.get("FunctionName").toString());
        assertEquals(1, mapping.get("BatchSize").asInt());
        assertEquals("[\"ReportBatchItemFailures\"]", mapping.get("FunctionResponseTypes").toString());
        assertEquals(30, mapping.at("/ScalingConfig/MaximumConcurrency").asInt());
    }

    @Test
    void theFanOutGetsTheQueueAndTheSplitSettingsAndTheWorkerItsLease() {
        var fanOut = properties("AWS::Lambda::Function", realtime.getFanOutFunction()).at("/Environment/Variables");
        assertEquals("${" + logicalId(realtime.getBigRooms().getQueue()) + "}", render(fanOut.get("PULSE_SHARD_QUEUE_URL")));
        assertEquals("5000", fanOut.get("PULSE_BIG_ROOM_THRESHOLD").asText());
        assertEquals("500", fanOut.get("PULSE_SHARD_SIZE").asText());
        var worker = properties("AWS::Lambda::Function", realtime.getShardWorkerFunction()).at("/Environment/Variables");
        assertEquals("100", worker.get("PULSE_SHARD_CHECKPOINT").asText());
        assertEquals("20000", worker.get("PULSE_SHARD_LEASE_MS").asText());
        assertFalse(worker.has("PULSE_SHARD_QUEUE_URL"), "a worker hands nothing out");
        assertFalse(worker.has("PULSE_JWT_SECRET"));
        assertFalse(worker.has("PULSE_CATALOG"));
    }

    @Test
    void onlyTheFanOutSendsToTheShardQueueAndOnlyTheWorkerConsumesIt() {
        String queueArn = "${" + logicalId(realtime.getBigRooms().getQueue()) + ".Arn}";
        assertEquals(Set.of("sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:SendMessage"),
                sqsActionsOn(realtime.getFanOutFunction(), queueArn));
        assertEquals(Set.of("sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes",
                "sqs:GetQueueUrl", "sqs:ReceiveMessage"), sqsActionsOn(realtime.getShardWorkerFunction(), queueArn));
        for (Function other : realtime.getFunctions()) {
            if (other != realtime.getFanOutFunction() && other != realtime.getShardWorkerFunction()) {
                assertEquals(Set.of(), sqsActionsOn(other, queueArn), other.getNode().getId());
            }
        }
    }

    private static Set<String> sqsActionsOn(Function fn, String queueArn) {
        var found = new TreeSet<String>();
        for (var statement : statements(resources(template, "AWS::IAM::Policy").values().stream()
                .filter(p -> p.at("/Properties/Roles/0/Ref").asText().equals(roleId(fn))).toList())) {
            var resource = statement.get("Resource");
            var arns = resource.isArray() ? resource : List.of(resource);
            boolean onQueue = false;
            for (JsonNode arn : arns) {
                onQueue |= render(arn).equals(queueArn);
            }
            if (onQueue) {
                actions(statement).stream().filter(a -> a.startsWith("sqs:")).forEach(found::add);
            }
        }
        return found;
    }

    @Test
    void failedShardsAndShardsLeftInTheDeadLetterQueueRaiseAlarmsOnTheTopic() {
        var alarms = realtime.getBigRooms().getAlarms();
        assertEquals(2, alarms.size());
        var byId = resources(template, "AWS::CloudWatch::Alarm");
        String topicRef = "${" + logicalId(topic) + "}";
        var failures = byId.get(logicalId(alarms.get(0))).get("Properties");
        assertEquals("ShardFailures", failures.get("MetricName").asText());
        assertEquals("Pulse/" + stack.getStackName(), failures.get("Namespace").asText(), "the stack's own namespace");
        assertEquals(1, failures.get("Threshold").asInt());
        var waiting = byId.get(logicalId(alarms.get(1))).get("Properties");
        assertEquals("ApproximateNumberOfMessagesVisible", waiting.get("MetricName").asText());
        assertEquals("${" + logicalId(realtime.getBigRooms().getDeadLetterQueue()) + ".QueueName}",
                render(waiting.at("/Dimensions/0/Value")));
        for (var alarm : List.of(failures, waiting)) {
            assertEquals(topicRef, render(alarm.at("/AlarmActions/0")));
            assertEquals(topicRef, render(alarm.at("/OKActions/0")));
        }
        // The worker's errors and throttles are watched like every function's.
        var watchedFunctions = new TreeSet<String>();
        byId.values().forEach(a -> a.at("/Properties/Dimensions").forEach(d -> {
            if (d.path("Name").asText().equals("FunctionName")) {
                watchedFunctions.add(d.at("/Value/Ref").asText());
            }
        }));
        assertTrue(watchedFunctions.contains(logicalId(realtime.getShardWorkerFunction())));
    }

    @Test
    void cdkNagFindsNothing() {
        Templates.assertNoAwsSolutionsFindings(stack);
    }

    @Test
    void badSplitSettingsFailTheSynthesisNamingTheSetting() {
        var shard = assertThrows(RuntimeException.class, () -> new BigRoomSettings(2_000, 5_000, 100, 50));
        assertTrue(shard.getMessage().contains("PULSE_SHARD_SIZE"), shard.getMessage());
        var checkpoint = assertThrows(RuntimeException.class, () -> new BigRoomSettings(2_000, 100, 200, 50));
        assertTrue(checkpoint.getMessage().contains("PULSE_SHARD_CHECKPOINT"), checkpoint.getMessage());
        var concurrency = assertThrows(IllegalArgumentException.class, () -> new BigRoomSettings(2_000, 100, 50, 1));
        assertTrue(concurrency.getMessage().contains("workerConcurrency"), concurrency.getMessage());
    }
}
