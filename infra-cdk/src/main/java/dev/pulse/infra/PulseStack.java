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
        // Checked here, in the context's own words: the construct's message names its props (jwtSigningSecret is an
        // ISecret there), which a cdk deploy -c user never sets.
        if (settings.jwtSecret() == null && settings.jwtSecretId() == null && settings.jwksUrl() == null) {
            throw new IllegalArgumentException("No JWT key source in the CDK context: pass -c jwtSecretId=<name or ARN of a "
                    + "Secrets Manager secret holding the HS256 key>, or -c jwksUrl=<JWKS URL> for RS256/ES256, or (for "
                    + "trials only: it lands in the template) -c jwtSecret=<HS256 key>");
        }
        var bus = settings.usesCustomBus() ? EventBus.fromEventBusName(this, "EventBus", settings.eventBusName()) : null;
        var alarmTopic = settings.alarmTopicArn() != null
                ? Topic.fromTopicArn(this, "AlarmTopic", settings.alarmTopicArn())
                : null;
        var signingSecret = settings.jwtSecretId() != null ? secret("JwtSigningSecret", settings.jwtSecretId()) : null;
        var hookSecret = settings.accessHookSecretId() != null
                ? secret("AccessHookSecret", settings.accessHookSecretId()) : null;
        this.realtime = new PulseRealtime(this, "Realtime", settings.toProps(bus, alarmTopic, signingSecret, hookSecret));
    }

    /** A full ARN (with Secrets Manager's 6-character suffix) is granted exactly; a name or partial ARN by prefix. */
    private ISecret secret(String constructId, String id) {
        if (COMPLETE_SECRET_ARN.matcher(id).matches()) {
            return Secret.fromSecretCompleteArn(this, constructId, id);
        }
        if (id.startsWith("arn:")) {
            return Secret.fromSecretPartialArn(this, constructId, id);
        }
        return Secret.fromSecretNameV2(this, constructId, id);
    }

    public PulseRealtime getRealtime() {
        return realtime;
    }
}
