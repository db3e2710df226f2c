package dev.pulse.functions;

import dev.pulse.config.Env;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Secrets kept in Secrets Manager: the stack gives a function only a secret's ARN, in a variable named like the one
 * the core reads plus {@value #ARN_SUFFIX} ({@code PULSE_JWT_SECRET_ARN} for the HS256 key {@code PULSE_JWT_SECRET},
 * {@code PULSE_ACCESS_HOOK_SECRET_ARN} for the access hook's signing secret), and the value is read once per
 * execution environment, before the first request (with SnapStart: before the snapshot, so restored environments do
 * not call Secrets Manager at all). Any {@code PULSE_*_SECRET_ARN} variable is resolved so, the next secret included.
 */
final class SigningSecret {
    static final String ARN_VARIABLE = Env.JWT_SECRET_ARN;
    static final String VALUE_VARIABLE = Env.JWT_SECRET;
    static final String ARN_SUFFIX = "_ARN";

    private SigningSecret() {
    }

    /**
     * The environment with each {@code PULSE_<NAME>_SECRET} filled from the secret named by {@code PULSE_<NAME>_SECRET_ARN};
     * unchanged when no such ARN is set.
     *
     * @param read returns a secret's SecretString given its ARN
     * @throws IllegalStateException when a value is set both plainly and by ARN, or a secret holds no text
     */
    static Map<String, String> resolve(Map<String, String> env, UnaryOperator<String> read) {
        Map<String, String> resolved = null;
        for (String arnVariable : new java.util.TreeSet<>(env.keySet())) {
            if (!arnVariable.startsWith("PULSE_") || !arnVariable.endsWith("_SECRET" + ARN_SUFFIX)) {
                continue;
            }
            String arn = env.get(arnVariable);
            if (arn == null || arn.isBlank()) {
                continue;
            }
            String valueVariable = arnVariable.substring(0, arnVariable.length() - ARN_SUFFIX.length());
            String plain = env.get(valueVariable);
            if (plain != null && !plain.isBlank()) {
                throw new IllegalStateException("Set " + valueVariable + " or " + arnVariable + ", not both");
            }
            String value = read.apply(arn.trim());
            if (value == null || value.isBlank()) {
                throw new IllegalStateException("Secret " + arn + " (" + arnVariable + ") has no SecretString (the "
                        + valueVariable + " value must be text)");
            }
            if (resolved == null) {
                resolved = new HashMap<>(env);
            }
            resolved.put(valueVariable, value);
        }
        return resolved == null ? env : resolved;
    }

    /**
     * {@link #resolve(Map, UnaryOperator)} with Secrets Manager in the environment's region. The region is read on its
     * own: the whole configuration cannot be read before the secrets are in it (a {@code hook} namespace without the
     * hook's secret is a configuration error).
     */
    static Map<String, String> resolve(Map<String, String> env, AwsCredentialsProvider credentials, URI endpointOverride) {
        // Lambda always sets AWS_REGION; the fallback is PulseConfig's.
        var region = Region.of(env.getOrDefault(Env.REGION, "us-east-1"));
        return resolve(env, reader(region, credentials, endpointOverride));
    }

    /** Reads a secret with a short-lived client (used once, at start). */
    static UnaryOperator<String> reader(Region region, AwsCredentialsProvider credentials, URI endpointOverride) {
        return arn -> {
            try (var http = ApacheHttpClient.create()) {
                var builder = SecretsManagerClient.builder().region(region).credentialsProvider(credentials).httpClient(http);
                if (endpointOverride != null) {
                    builder.endpointOverride(endpointOverride);
                }
                try (var client = builder.build()) {
                    return client.getSecretValue(r -> r.secretId(arn)).secretString();
                }
            }
        };
    }
}
