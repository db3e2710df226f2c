package dev.pulse.infra;

import static dev.pulse.infra.Templates.logicalId;
import static dev.pulse.infra.Templates.render;
import static dev.pulse.infra.Templates.resources;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.services.secretsmanager.Secret;

/** The HS256 key from Secrets Manager: only its ARN reaches the functions that verify tokens, and only they may read it. */
class JwtSigningSecretTest {
    private static final String SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:pulse/jwt-AbC123";

    @TempDir
    static Path dir;

    @Test
    void aCompleteArnIsPassedToConnectAndGrantedExactly() {
        var stack = PulseApp.stack(app(SECRET_ARN));
        var template = Templates.json(stack);
        var realtime = stack.getRealtime();
        String connectId = logicalId(realtime.getConnectFunction());
        resources(template, "AWS::Lambda::Function").forEach((id, fn) -> {
            var env = fn.at("/Properties/Environment/Variables");
            assertFalse(env.has("PULSE_JWT_SECRET"), "the key's value is never in the template");
            if (id.equals(connectId) || id.equals(logicalId(realtime.getDefaultFunction()))
                    || id.equals(logicalId(realtime.getPollFunction()))) {
                assertEquals(SECRET_ARN, env.get("PULSE_JWT_SECRET_ARN").asText());
            } else {
                assertFalse(env.has("PULSE_JWT_SECRET_ARN"));
            }
        });
        // $connect, $default (it verifies the tokens auth.refresh brings) and polling (bearer tokens).
        assertEquals(Map.of(logicalId(realtime.getConnectFunction().getRole()), List.of(SECRET_ARN),
                logicalId(realtime.getDefaultFunction().getRole()), List.of(SECRET_ARN),
                logicalId(realtime.getPollFunction().getRole()), List.of(SECRET_ARN)), secretReaders(template));
        assertNoAwsSolutionsFindings(stack);
    }

    @Test
    void aNameIsGrantedWithTheSixCharacterSuffixWildcard() {
        var stack = PulseApp.stack(app("pulse/jwt"));
        var template = Templates.json(stack);
        var readers = secretReaders(template);
        var byName = List.of("arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:pulse/jwt-??????");
        assertEquals(Map.of(logicalId(stack.getRealtime().getConnectFunction().getRole()), byName,
                logicalId(stack.getRealtime().getDefaultFunction().getRole()), byName,
                logicalId(stack.getRealtime().getPollFunction().getRole()), byName), readers);
        // The wildcard is justified in code (AwsSolutions-IAM5 with a reason), so the checks still pass.
        assertNoAwsSolutionsFindings(stack);
    }

    @Test
    void aPlainSecretAndASecretsManagerSecretTogetherAreRejected() {
        var stack = new Stack(new App(), "Both");
        var builder = PulseRealtimeProps.builder().lambdaJarPath("f.jar")
                .jwtSecret("0123456789abcdef0123456789abcdef")
                .jwtSigningSecret(Secret.fromSecretCompleteArn(stack, "S", SECRET_ARN));
        var error = assertThrows(IllegalArgumentException.class, builder::build);
        assertTrue(error.getMessage().contains("not both"), error.getMessage());
    }

    private static App app(String secretId) {
        return new App(AppProps.builder().context(Map.of(
                "lambdaJar", Templates.fakeLambdaJar(dir).toString(),
                "jwtSecretId", secretId)).build());
    }

    /** Role logical id to the resources it may call secretsmanager:GetSecretValue on. */
    private static Map<String, List<String>> secretReaders(JsonNode template) {
        var readers = new java.util.HashMap<String, List<String>>();
        resources(template, "AWS::IAM::Policy").values().forEach(policy -> {
            for (var statement : policy.at("/Properties/PolicyDocument/Statement")) {
                var actions = new HashSet<String>();
                statement.get("Action").forEach(a -> actions.add(a.asText()));
                if (statement.get("Action").isTextual()) {
                    actions.add(statement.get("Action").asText());
                }
                if (actions.contains("secretsmanager:GetSecretValue")) {
                    var roles = StreamSupport.stream(policy.at("/Properties/Roles").spliterator(), false)
                            .map(r -> r.get("Ref").asText()).toList();
                    roles.forEach(role -> readers.put(role, List.of(render(statement.get("Resource")))));
                }
            }
        });
        return readers;
    }

    private static void assertNoAwsSolutionsFindings(Stack stack) {
        Aspects.of(stack).add(new AwsSolutionsChecks());
        var annotations = Annotations.fromStack(stack);
        assertEquals(0, annotations.findError("*", Match.stringLikeRegexp("AwsSolutions-.*")).size(),
                annotations.findError("*", Match.stringLikeRegexp("AwsSolutions-.*")).toString());
        assertEquals(0, annotations.findWarning("*", Match.stringLikeRegexp("AwsSolutions-.*")).size());
    }
}
