package dev.pulse.infra;

import dev.pulse.support.metrics.Metric;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.eventsources.SqsEventSource;
import software.amazon.awscdk.services.sns.ITopic;
import software.amazon.awscdk.services.sqs.DeadLetterQueue;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * The big rooms' hand-off (docs/SCALING.md): the shard queue the fan-out sends a big room's shards to, its dead-letter
 * queue, the worker function's event source on it, and the alarms on failed shards. The worker function itself is made
 * like every other function ({@link PulseRealtime}); this wires it.
 *
 * <ul>
 *   <li>Batch size 1 with partial batch responses: one shard per invocation, so a failed shard is retried alone and
 *       the workers spread over as many concurrent invocations as there are shards (up to the maximum concurrency).</li>
 *   <li>Visibility timeout {@link #VISIBILITY_TIMEOUT}, longer than the worker's timeout and so than its claim's lease:
 *       a shard received again after a worker died finds the dead worker's claim run out.</li>
 *   <li>{@link #MAX_RECEIVES} receives, then the dead-letter queue (alarmed; kept 14 days, its bodies replayable as
 *       they are by sending them to the shard queue again).</li>
 * </ul>
 */
public class BigRoomWorkers extends Construct {
    /** The worker's timeout: a shard of 1,000 posts takes well under a second on AWS; retries and pauses fit. */
    static final Duration WORKER_TIMEOUT = Duration.seconds(20);
    static final Duration VISIBILITY_TIMEOUT = Duration.seconds(60);
    static final int MAX_RECEIVES = 3;

    private final Queue queue;
    private final Queue deadLetters;
    private final List<Alarm> alarms = new ArrayList<>();

    /**
     * @param fanOut the function that hands shards out (may send to the queue, nothing else)
     * @param worker the shard worker function and its live alias (the event source invokes the alias)
     */
    BigRoomWorkers(Construct scope, String id, Function fanOut, Function worker, Alias workerAlias,
                   BigRoomSettings settings, PulseMetrics metrics, ITopic topic) {
        super(scope, id);
        this.deadLetters = Queue.Builder.create(this, "ShardDeadLetters")
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .retentionPeriod(Duration.days(14))
                // Shards that failed every receive are deliveries some clients never got: kept for replay.
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        this.queue = Queue.Builder.create(this, "ShardQueue")
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .visibilityTimeout(VISIBILITY_TIMEOUT)
                // As long as the event log keeps events by default: SQS drops expired messages silently, and a shard
                // normally leaves within minutes (3 receives 60 s apart, then the dead-letter queue).
                .retentionPeriod(Duration.days(1))
                .deadLetterQueue(DeadLetterQueue.builder().queue(deadLetters).maxReceiveCount(MAX_RECEIVES).build())
                .build();
        queue.grantSendMessages(fanOut);
        workerAlias.addEventSource(SqsEventSource.Builder.create(queue)
                .batchSize(1)
                .reportBatchItemFailures(true)
                .maxConcurrency(settings.workerConcurrency())
                .build());

        add("ShardFailuresAlarm", metrics.pulse(Metric.SHARD_FAILURES, "Sum"), 1,
                ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                "Pulse big-room shards failed in a worker (they are retried; see ShardDeadLetters for those that gave up)",
                topic);
        add("ShardDeadLettersAlarm", deadLetters.metricApproximateNumberOfMessagesVisible(
                        MetricOptions.builder().period(PulseAlarms.PERIOD).statistic("Maximum").build()), 0,
                ComparisonOperator.GREATER_THAN_THRESHOLD,
                "Pulse big-room shards failed every receive: some members of a big room did not get an event", topic);
    }

    private void add(String id, IMetric metric, double threshold, ComparisonOperator comparison, String description,
                     ITopic topic) {
        alarms.add(PulseAlarms.alarm(this, id, metric, threshold, comparison, description, topic));
    }

    public Queue getQueue() {
        return queue;
    }

    public Queue getDeadLetterQueue() {
        return deadLetters;
    }

    /** ShardFailures, then the shard dead-letter queue's depth. */
    public List<Alarm> getAlarms() {
        return List.copyOf(alarms);
    }
}
