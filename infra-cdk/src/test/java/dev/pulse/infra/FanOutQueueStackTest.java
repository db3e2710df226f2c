package dev.pulse.infra;

import static dev.pulse.infra.Templates.logicalId;
import static dev.pulse.infra.Templates.render;
import static dev.pulse.infra.Templates.resources;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pulse.config.Env;
import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Aspects;

/**
 * The fan-out queue (the default way events reach the fan-out): the rules send to an encrypted queue with a
 * dead-letter queue, the function takes batches with ReportBatchItemFailures, EventBridge may send only for these rules,
 * the function may only receive, delete and change visibility on this queue; cdk-nag finds nothing. Also the delivery
 * context keys and {@code $default}'s undelivered sink.
 */
class FanOutQueueStackTest {
    @TempDir
    static Path dir;

    private static PulseStack stack(Map<String, Object> extra) {
        var context = new HashMap<String, Object>(extra);
        context.put("lambdaJar", Templates.fakeLambdaJar(dir).toString());
        context.put("jwtSecret", "a-development-secret-of-32-bytes!!");
        var stack = PulseApp.stack(new App(AppProps.builder().context(context).build()));
        Aspects.of(stack).add(new AwsSolutionsChecks());
        return stack;
    }

    @Test
    void theRulesSendToAQueueTheFanOutTakesInBatchesReportingFailedItems() {
        var stack = stack(Map.of("catalog", "famly"));
        var template = Templates.json(stack);
        var realtime = stack.getRealtime();
        var fanOutQueue = realtime.getFanOutQueue();
        String queueId = logicalId(fanOutQueue.getQueue());
        String dlqId = logicalId(fanOutQueue.getDeadLetterQueue());

        // Both rules (envelopes, catalog routes) target the queue, with EventBridge's retries and dead letters.
        var ruleIds = List.of(logicalId(realtime.getFanOutRule()), logicalId(realtime.getRouteRule()));
        for (String ruleId : ruleIds) {
            var targets = resources(template, "AWS::Events::Rule").get(ruleId).at("/Properties/Targets");
            assertEquals(1, targets.size(), ruleId);
            assertEquals("${" + queueId + ".Arn}", render(targets.get(0).get("Arn")));
            assertEquals(PulseRealtime.RULE_RETRY_ATTEMPTS, targets.get(0).at("/RetryPolicy/MaximumRetryAttempts").asInt());
            assertEquals("${" + logicalId(realtime.getFanOutDeadLetterQueue()) + ".Arn}",
                    render(targets.get(0).at("/DeadLetterConfig/Arn")));
        }
        // Nothing invokes the function from EventBridge any more.
        String fanOutAlias = "${" + logicalId(realtime.getFanOutAlias()) + "}";
        assertTrue(resources(template, "AWS::Lambda::Permission").values().stream()
                .noneMatch(p -> p.at("/Properties/Principal").asText().equals("events.amazonaws.com")
                        && render(p.at("/Properties/FunctionName")).equals(fanOutAlias)));

        var queue = resources(template, "AWS::SQS::Queue").get(queueId).get("Properties");
        assertTrue(queue.get("SqsManagedSseEnabled").asBoolean());
        assertEquals(60 * FanOutQueue.VISIBILITY_TIMEOUTS, queue.get("VisibilityTimeout").asInt());
        assertEquals("${" + dlqId + ".Arn}", render(queue.at("/RedrivePolicy/deadLetterTargetArn")));
        assertEquals(FanOutQueueSettings.DEFAULT_MAX_RECEIVES, queue.at("/RedrivePolicy/maxReceiveCount").asInt());
        assertTrue(resources(template, "AWS::SQS::Queue").get(dlqId).at("/Properties/SqsManagedSseEnabled").asBoolean());

        var mappings = Templates.eventSourceMappingsOf(template, realtime.getFanOutQueue().getQueue());
        assertEquals(1, mappings.size());
        var mapping = mappings.values().iterator().next().get("Properties");
        // The alias's ARN, split for the function name by the CDK.
        assertTrue(mapping.get("FunctionName").toString().contains("\"Ref\":\"" + logicalId(realtime.getFanOutAlias()) + "\""),
                mapping.get("FunctionName").toString());
        assertEquals("${" + queueId + ".Arn}", render(mapping.get("EventSourceArn")));
        assertEquals(FanOutQueueSettings.DEFAULT_BATCH_SIZE, mapping.get("BatchSize").asInt());
        assertEquals("[\"ReportBatchItemFailures\"]", mapping.get("FunctionResponseTypes").toString());
        assertFalse(mapping.has("MaximumBatchingWindowInSeconds"), "no window by default: batches are what is waiting");

        // EventBridge may send only on behalf of the two rules; only TLS.
        var sends = new ArrayList<JsonNode>();
        resources(template, "AWS::SQS::QueuePolicy").values().stream()
                .filter(p -> p.at("/Properties/Queues").toString().contains(queueId))
                .flatMap(p -> StreamSupport.stream(p.at("/Properties/PolicyDocument/Statement").spliterator(), false))
                .filter(s -> s.get("Effect").asText().equals("Allow"))
                .forEach(sends::add);
        assertEquals(2, sends.size(), sends.toString());
        for (var send : sends) {
            assertEquals("events.amazonaws.com", send.at("/Principal/Service").asText());
            assertTrue(send.get("Action").toString().contains("sqs:SendMessage"));
            assertTrue(ruleIds.stream().anyMatch(id -> render(send.at("/Condition/ArnEquals/aws:SourceArn"))
                    .equals("${" + id + ".Arn}")), send.toString());
        }

        // The function's role reads this queue and nothing else of SQS but sending to its own dead-letter queue.
        String fanOutRole = logicalId(realtime.getFanOutFunction().getRole());
        var receive = resources(template, "AWS::IAM::Policy").values().stream()
                .filter(p -> p.at("/Properties/Roles").toString().contains(fanOutRole))
                .flatMap(p -> StreamSupport.stream(p.at("/Properties/PolicyDocument/Statement").spliterator(), false))
                .filter(s -> s.get("Action").toString().contains("sqs:ReceiveMessage"))
                .toList();
        assertEquals(1, receive.size(), receive.toString());
        assertEquals("${" + queueId + ".Arn}", render(receive.get(0).get("Resource")));
        assertFalse(receive.get(0).get("Action").toString().contains("sqs:SendMessage"));
        Templates.assertNoAwsSolutionsFindings(stack);
    }

    @Test
    void batchSizeAndWindowComeFromContextAndTheDirectPathStaysSelectable() {
        var batched = stack(Map.of("fanOutBatchSize", "100", "fanOutBatchWindowMs", "1000"));
        var template = Templates.json(batched);
        var mapping = Templates.eventSourceMappingsOf(template, batched.getRealtime().getFanOutQueue().getQueue())
                .values().iterator().next().get("Properties");
        assertEquals(100, mapping.get("BatchSize").asInt());
        assertEquals(1, mapping.get("MaximumBatchingWindowInSeconds").asInt());

        var direct = stack(Map.of("fanOutQueue", "false"));
        // Event sources still feed the shard workers and the presence flush then, none the fan-out.
        var directTemplate = Templates.json(direct);
        assertTrue(Templates.eventSourceMappingsFor(directTemplate, direct.getRealtime().getFanOutAlias()).isEmpty());
        assertEquals(1, Templates.eventSourceMappingsOf(directTemplate, direct.getRealtime().getBigRooms().getQueue()).size());
        assertEquals(null, direct.getRealtime().getFanOutQueue());
        Templates.assertNoAwsSolutionsFindings(direct);

        assertThrows(IllegalArgumentException.class, () -> new FanOutQueueSettings(true, 11, java.time.Duration.ZERO, 5),
                "more than 10 per batch needs a batching window");
    }

    @Test
    void bigRoomContextKeysSetTheSplitAndTheShardWorkersConcurrency() {
        var stack = stack(Map.of("bigRoomThreshold", "5000", "shardSize", "500", "shardCheckpoint", "100",
                "shardWorkerConcurrency", "30"));
        var template = Templates.json(stack);
        var realtime = stack.getRealtime();
        var functions = resources(template, "AWS::Lambda::Function");
        var fanOut = functions.get(logicalId(realtime.getFanOutFunction())).at("/Properties/Environment/Variables");
        assertEquals("5000", fanOut.get(Env.BIG_ROOM_THRESHOLD).asText());
        assertEquals("500", fanOut.get(Env.SHARD_SIZE).asText());
        var worker = functions.get(logicalId(realtime.getShardWorkerFunction())).at("/Properties/Environment/Variables");
        assertEquals("100", worker.get(Env.SHARD_CHECKPOINT).asText());
        var mapping = Templates.eventSourceMappingsOf(template, realtime.getBigRooms().getQueue()).values().iterator()
                .next().get("Properties");
        assertEquals(30, mapping.at("/ScalingConfig/MaximumConcurrency").asInt());
        var refused = assertThrows(IllegalArgumentException.class, () -> stack(Map.of("shardWorkerConcurrency", "1")));
        assertTrue(refused.getMessage().contains("workerConcurrency"), refused.getMessage());
    }

    @Test
    void deliveryContextKeysBecomeTheFunctionsEnvironmentAndDefaultRecordsWhatItCouldNotDeliver() {
        var stack = stack(Map.of("postAttempts", "6", "postRetryMs", "50", "membersCacheMs", "250"));
        var template = Templates.json(stack);
        var realtime = stack.getRealtime();
        for (var fn : List.of(realtime.getFanOutFunction(), realtime.getDefaultFunction())) {
            var env = resources(template, "AWS::Lambda::Function").get(logicalId(fn)).at("/Properties/Environment/Variables");
            assertEquals("6", env.get(Env.POST_ATTEMPTS).asText(), fn.getNode().getId());
            assertEquals("50", env.get(Env.POST_RETRY_MS).asText());
            assertEquals("250", env.get(Env.MEMBERS_CACHE_MS).asText());
            // Both post events (room.publish from $default), so both record undelivered posts on the dead-letter queue.
            assertEquals("${" + logicalId(realtime.getFanOutDeadLetterQueue()) + "}",
                    render(env.get(Env.DEAD_LETTER_QUEUE_URL)));
        }
        String defaultRole = logicalId(realtime.getDefaultFunction().getRole());
        var sends = resources(template, "AWS::IAM::Policy").values().stream()
                .filter(p -> p.at("/Properties/Roles").toString().contains(defaultRole))
                .flatMap(p -> StreamSupport.stream(p.at("/Properties/PolicyDocument/Statement").spliterator(), false))
                .filter(s -> s.get("Action").toString().contains("sqs:"))
                .toList();
        // The dead-letter queue (undelivered room.publish posts) and the presence flushes' queue (presence.update), no other.
        var queues = new java.util.TreeSet<String>();
        for (var send : sends) {
            var actions = new java.util.TreeSet<String>();
            send.get("Action").forEach(a -> actions.add(a.asText()));
            assertEquals(java.util.Set.of("sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:SendMessage"), actions);
            queues.add(render(send.get("Resource")));
        }
        assertEquals(java.util.Set.of("${" + logicalId(realtime.getFanOutDeadLetterQueue()) + ".Arn}",
                "${" + logicalId(realtime.getPresenceFlushQueue()) + ".Arn}"), queues);
        // Unset, the core's defaults stand: nothing is set.
        var plain = Templates.json(stack(Map.of()));
        var env = resources(plain, "AWS::Lambda::Function").get(logicalId(realtime.getFanOutFunction()))
                .at("/Properties/Environment/Variables");
        assertFalse(env.has(Env.POST_ATTEMPTS) || env.has(Env.POST_RETRY_MS) || env.has(Env.MEMBERS_CACHE_MS), env.toString());
    }
}
