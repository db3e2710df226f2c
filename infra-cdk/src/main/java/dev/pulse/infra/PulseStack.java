package dev.pulse.infra;

import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.events.EventBus;
import software.amazon.awscdk.services.sns.Topic;
import software.constructs.Construct;

/** One Pulse deployment: a stack holding a single {@link PulseRealtime}. */
public class PulseStack extends Stack {
    private final PulseRealtime realtime;

    public PulseStack(Construct scope, String id, StackProps stackProps, DeploySettings settings) {
        super(scope, id, stackProps);
        var bus = settings.usesCustomBus() ? EventBus.fromEventBusName(this, "EventBus", settings.eventBusName()) : null;
        var alarmTopic = settings.alarmTopicArn() != null
                ? Topic.fromTopicArn(this, "AlarmTopic", settings.alarmTopicArn())
                : null;
        this.realtime = new PulseRealtime(this, "Realtime", settings.toProps(bus, alarmTopic));
    }

    public PulseRealtime getRealtime() {
        return realtime;
    }
}
