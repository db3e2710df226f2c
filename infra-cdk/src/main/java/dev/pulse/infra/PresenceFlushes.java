package dev.pulse.infra;

import java.util.List;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.lambda.eventsources.SqsEventSource;
import software.amazon.awscdk.services.sns.ITopic;
import software.amazon.awscdk.services.sqs.DeadLetterQueue;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * Presence windows on AWS (PROTOCOL §4.9): the queue that delays each window's flush by the window (SQS DelaySeconds,
 * sent by whichever function made the window's first change), the flush function's event source, and the dead-letter
 * queue a flush lands in after {@link #MAX_RECEIVES} failed tries, whose depth is alarmed.
 *
 * <p>Why SQS: a per-message delay is AWS-native, costs one request per window and needs nothing running; a failed
 * flush is redelivered by the queue itself; a flush is idempotent (it diffs against what was told), so SQS's
 * at-least-once delivery is harmless. A one-off EventBridge Scheduler schedule per window would cost a create and a
 * delete per window; a Step Functions wait a state machine per window.
 */
final class PresenceFlushes extends Construct {
    /** Tries of one flush before it is dead-lettered; a later change in the room schedules a fresh one anyway. */
    static final int MAX_RECEIVES = 3;
    /** The flush function's timeout: one flush reads the room and posts a diff or a few to every member. */
    static final Duration FLUSH_TIMEOUT = Duration.seconds(30);

    private final Queue queue;
    private final Queue deadLetters;
    private Alarm deadLettersAlarm;

    PresenceFlushes(Construct scope, String id) {
        super(scope, id);
        this.deadLetters = Queue.Builder.create(this, "DeadLetters")
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .retentionPeriod(Duration.days(4))
                .build();
        this.queue = Queue.Builder.create(this, "Queue")
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                // At least the function's timeout, so a running flush's message is not handed to a second one.
                .visibilityTimeout(FLUSH_TIMEOUT.plus(Duration.seconds(30)))
                // A window is worth nothing after minutes: by then a later change has scheduled another.
                .retentionPeriod(Duration.hours(1))
                .deadLetterQueue(DeadLetterQueue.builder().queue(deadLetters).maxReceiveCount(MAX_RECEIVES).build())
                .build();
    }

    /** The queue's URL, as {@code PULSE_PRESENCE_FLUSH_QUEUE_URL} of every function. */
    String queueUrl() {
        return queue.getQueueUrl();
    }

    /**
     * The flush function reads the queue through its live alias; up to 10 windows per invocation, each room's failure
     * reported alone (partial batch response), and an alarm on any flush in the dead-letter queue.
     */
    void flushWith(Alias flushAlias, ITopic topic) {
        flushAlias.addEventSource(SqsEventSource.Builder.create(queue)
                .batchSize(10)
                .reportBatchItemFailures(true)
                .build());
        this.deadLettersAlarm = Alarm.Builder.create(this, "DeadLettersAlarm")
                .metric(deadLetters.metricApproximateNumberOfMessagesVisible(
                        MetricOptions.builder().period(PulseAlarms.PERIOD).statistic("Maximum").build()))
                .threshold(0)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
                .evaluationPeriods(1)
                .alarmDescription("Pulse presence flushes failed " + MAX_RECEIVES + " times: some rooms' members missed a "
                        + "presence.diff until their next presence.list (see the PresenceFlushHandler log)")
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .build();
        if (topic != null) {
            deadLettersAlarm.addAlarmAction(new SnsAction(topic));
            deadLettersAlarm.addOkAction(new SnsAction(topic));
        }
    }

    /** Only the functions that can make a presence change (and so open a window) may send to the queue. */
    void scheduledBy(List<? extends IFunction> functions) {
        functions.forEach(queue::grantSendMessages);
    }

    Queue queue() {
        return queue;
    }

    Queue deadLetters() {
        return deadLetters;
    }

    Alarm deadLettersAlarm() {
        return deadLettersAlarm;
    }
}
