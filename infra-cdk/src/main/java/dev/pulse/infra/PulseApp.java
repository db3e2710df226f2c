package dev.pulse.infra;

import software.amazon.awscdk.App;
import software.amazon.awscdk.StackProps;

/**
 * The CDK app ({@code cdk synth} / {@code cdk deploy} from infra-cdk/, see cdk.json). Settings come from
 * context, e.g. {@code cdk deploy -c jwksUrl=https://issuer.example/.well-known/jwks.json -c jwtIssuer=...}.
 * The stack is environment-agnostic: the account and region are the ones the CDK CLI deploys to.
 */
public final class PulseApp {
    private PulseApp() {
    }

    public static void main(String[] args) {
        var app = new App();
        stack(app);
        app.synth();
    }

    /** Adds the Pulse stack configured by the app's context (see {@link DeploySettings}). */
    public static PulseStack stack(App app) {
        var settings = DeploySettings.fromContext(app.getNode()::tryGetContext);
        return new PulseStack(app, settings.stackName(), StackProps.builder()
                .description("Pulse: serverless real-time events (stage " + settings.stageName() + ")")
                .build(), settings);
    }
}
