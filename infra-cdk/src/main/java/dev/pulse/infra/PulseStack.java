package dev.pulse.infra;

import java.util.regex.Pattern;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.events.EventBus;
import software.amazon.awscdk.services.secretsmanager.ISecret;
import software.amazon.awscdk.services.secretsmanager.Secret;
import software.amazon.awscdk.services.sns.Topic;
import software.constructs.Construct;

/** One Pulse deployment: a stack holding a single {@link PulseRealtime}. */
public class PulseStack extends Stack {
    /** Secrets Manager appends "-" and 6 characters to a secret's name in its ARN. */
    private static final Pattern COMPLETE_SECRET_ARN =
            Pattern.compile("arn:[^:]+:secretsmanager:[^:]+:\\d{12}:secret:.+-[A-Za-z0-9]{6}");

    private final PulseRealtime realtime;

    public PulseStack(Construct scope, String id, StackProps stackProps, DeploySettings settings) {
        super(scope, id, stackProps);
        var bus = settings.usesCustomBus() ? EventBus.fromEventBusName(this, "EventBus", settings.eventBusName()) : null;
        var alarmTopic = settings.alarmTopicArn() != null
                ? Topic.fromTopicArn(this, "AlarmTopic", settings.alarmTopicArn())
                : null;
        var signingSecret = settings.jwtSecretId() != null ? secret(settings.jwtSecretId()) : null;
        this.realtime = new PulseRealtime(this, "Realtime", settings.toProps(bus, alarmTopic, signingSecret));
    }

    /** A full ARN (with Secrets Manager's 6-character suffix) is granted exactly; a name or partial ARN by prefix. */
    private ISecret secret(String id) {
        if (COMPLETE_SECRET_ARN.matcher(id).matches()) {
            return Secret.fromSecretCompleteArn(this, "JwtSigningSecret", id);
        }
        if (id.startsWith("arn:")) {
            return Secret.fromSecretPartialArn(this, "JwtSigningSecret", id);
        }
        return Secret.fromSecretNameV2(this, "JwtSigningSecret", id);
    }

    public PulseRealtime getRealtime() {
        return realtime;
    }
}
