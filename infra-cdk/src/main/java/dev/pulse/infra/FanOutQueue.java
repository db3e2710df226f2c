package dev.pulse.infra;

import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.events.IRuleTarget;
import software.amazon.awscdk.services.events.targets.SqsQueue;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.lambda.eventsources.SqsEventSource;
import software.amazon.awscdk.services.lambda.eventsources.SqsEventSourceProps;
import software.amazon.awscdk.services.sqs.DeadLetterQueue;
import software.amazon.awscdk.services.sqs.IQueue;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sns.ITopic;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * The queue between the fan-out rules and the fan-out function ({@link FanOutQueueSettings}): a standard SQS queue
 * (encrypted, TLS only) the rules send each event to, an event source mapping that hands the function batches and
 * reads which messages failed ({@code ReportBatchItemFailures}: only those come back), and a dead-letter queue for
 * messages that failed {@code maxReceives} times, with an alarm on it (notifying the alarm topic, if any). Standard, not FIFO: the fan-out needs no order (per-room sequences
 * come from the log, clients order by {@code seq}), and a FIFO message group per room would let one room's events be
 * handled by one batch at a time, where a standard queue lets any invocation take any room's events.
 *
 * <p>Least privilege comes from the CDK's own grants: the rules' targets add a queue policy letting
 * {@code events.amazonaws.com} send only on behalf of those rules ({@code aws:SourceArn}); the event source mapping
 * gives the function's role receive, delete and change-visibility on this queue only.
 */
public final class FanOutQueue extends Construct {
    /** SQS's advice: at least six times the function's timeout, so a batch still running is not handed out again. */
    static final int VISIBILITY_TIMEOUTS = 6;

    private final Queue queue;
    private final Queue deadLetters;
    private final Alarm deadLettersAlarm;

    /**
     * @param fanOut          the function (its alias) that takes the batches
     * @param functionTimeout its timeout
     */
    public FanOutQueue(Construct scope, String id, IFunction fanOut, Duration functionTimeout,
                       FanOutQueueSettings settings, ITopic alarmTopic) {
        super(scope, id);
        this.deadLetters = Queue.Builder.create(this, "DeadLetters")
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .retentionPeriod(Duration.days(14))
                // Events that could not be delivered are what an operator redrives (SQS's redrive to source).
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        this.queue = Queue.Builder.create(this, "Queue")
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .visibilityTimeout(Duration.seconds(functionTimeout.toSeconds().doubleValue() * VISIBILITY_TIMEOUTS))
                .retentionPeriod(Duration.days(4))
                .deadLetterQueue(DeadLetterQueue.builder().queue(deadLetters).maxReceiveCount(settings.maxReceives()).build())
                .build();
        var source = SqsEventSourceProps.builder()
                .batchSize(settings.batchSize())
                .reportBatchItemFailures(true);
        if (!settings.batchingWindow().isZero()) {
            source.maxBatchingWindow(Duration.millis(settings.batchingWindow().toMillis()));
        }
        fanOut.addEventSource(new SqsEventSource(queue, source.build()));
        // A message here is an event no client of its rooms got: as loud as the fan-out's own dead-letter queue.
        this.deadLettersAlarm = Alarm.Builder.create(this, "DeadLettersAlarm")
                .metric(deadLetters.metricApproximateNumberOfMessagesVisible(MetricOptions.builder()
                        .period(PulseAlarms.PERIOD).statistic("Maximum").build()))
                .threshold(0)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
                .evaluationPeriods(1)
                .alarmDescription("Pulse events failed in the fan-out queue " + settings.maxReceives()
                        + " times and wait in its dead-letter queue (redrive them to the queue once fixed)")
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .build();
        if (alarmTopic != null) {
            deadLettersAlarm.addAlarmAction(new SnsAction(alarmTopic));
            deadLettersAlarm.addOkAction(new SnsAction(alarmTopic));
        }
    }

    public Alarm getDeadLettersAlarm() {
        return deadLettersAlarm;
    }

    /**
     * A rule's target: the event, as EventBridge would hand it to the function, becomes the message body. A send
     * EventBridge cannot make is retried by it and then parked on {@code ruleDeadLetters}, as with the direct target.
     */
    IRuleTarget target(IQueue ruleDeadLetters, Duration maxEventAge, int retryAttempts) {
        return SqsQueue.Builder.create(queue)
                .deadLetterQueue(ruleDeadLetters)
                .maxEventAge(maxEventAge)
                .retryAttempts(retryAttempts)
                .build();
    }

    public Queue getQueue() {
        return queue;
    }

    public Queue getDeadLetterQueue() {
        return deadLetters;
    }
}
