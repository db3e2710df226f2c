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
 * The HS256 key kept in Secrets Manager: the stack gives {@code $connect} only the secret's ARN
 * ({@value #ARN_VARIABLE}), and the value is read once per execution environment, before the first request
 * (with SnapStart: before the snapshot, so restored environments do not call Secrets Manager at all).
 */
final class SigningSecret {
    static final String ARN_VARIABLE = Env.JWT_SECRET_ARN;
    static final String VALUE_VARIABLE = Env.JWT_SECRET;

    private SigningSecret() {
    }

    /**
     * The environment with {@value #VALUE_VARIABLE} filled from the secret named by {@value #ARN_VARIABLE};
     * unchanged when no ARN is set.
     *
     * @param read returns a secret's SecretString given its ARN
     */
    static Map<String, String> resolve(Map<String, String> env, UnaryOperator<String> read) {
        String arn = env.get(ARN_VARIABLE);
        if (arn == null || arn.isBlank()) {
            return env;
        }
        String plain = env.get(VALUE_VARIABLE);
        if (plain != null && !plain.isBlank()) {
            throw new IllegalStateException("Set " + VALUE_VARIABLE + " or " + ARN_VARIABLE + ", not both");
        }
        String value = read.apply(arn.trim());
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("Secret " + arn + " has no SecretString (the HS256 key must be text)");
        }
        var resolved = new HashMap<>(env);
        resolved.put(VALUE_VARIABLE, value);
        return resolved;
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
