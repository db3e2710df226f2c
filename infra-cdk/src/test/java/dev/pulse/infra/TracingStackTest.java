package dev.pulse.infra;

import static dev.pulse.infra.Templates.resources;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Aspects;
import io.github.cdklabs.cdknag.AwsSolutionsChecks;

/** {@code -c tracing=true}: X-Ray active tracing on every function, with the rights to send segments; off, none. */
class TracingStackTest {
    @TempDir
    static Path dir;

    private static PulseStack stack(Map<String, Object> extra) {
        var context = new HashMap<String, Object>(extra);
        context.put("lambdaJar", Templates.fakeLambdaJar(dir).toString());
        context.put("jwtSecret", "a-development-secret-of-32-bytes!!");
        var stack = PulseApp.stack(new App(AppProps.builder().context(context).build()));
        Aspects.of(stack).add(new AwsSolutionsChecks());
        return stack;
    }

    private static com.fasterxml.jackson.databind.JsonNode template(Map<String, Object> extra) {
        return Templates.json(stack(extra));
    }

    @Test
    void tracingOnTracesEveryFunctionActively() {
        var stack = stack(Map.of("tracing", "true"));
        var template = Templates.json(stack);
        var functions = resources(template, "AWS::Lambda::Function");
        assertFalse(functions.isEmpty());
        functions.forEach((id, fn) -> assertEquals("Active", fn.at("/Properties/TracingConfig/Mode").asText(), id));
        // And they send their calls' subsegments (DynamoDB, the @connections posts) to the daemon.
        functions.forEach((id, fn) -> assertEquals("true",
                fn.at("/Properties/Environment/Variables/PULSE_TRACING").asText(), id));
        String policies = resources(template, "AWS::IAM::Policy").toString();
        assertTrue(policies.contains("xray:PutTraceSegments"), "the functions may send their segments");
        Templates.assertNoAwsSolutionsFindings(stack);
    }

    @Test
    void tracingIsOffByDefault() {
        var template = template(Map.of());
        resources(template, "AWS::Lambda::Function").forEach((id, fn) ->
                assertTrue(fn.at("/Properties/TracingConfig").isMissingNode()
                        && fn.at("/Properties/Environment/Variables/PULSE_TRACING").isMissingNode(), id + " traced: " + fn));
        assertFalse(resources(template, "AWS::IAM::Policy").toString().contains("xray:"));
    }
}
