package dev.pulse.infra;

import static dev.pulse.infra.Templates.logicalId;
import static dev.pulse.infra.Templates.resources;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Aspects;

/**
 * {@code -c connectAuthorizer=true}: a REQUEST authorizer function on {@code $connect} with no identity source (the
 * token may come three ways), API Gateway allowed to invoke it, the key material on it and no table or
 * {@code @connections} rights, every function told to trust {@code requestContext.authorizer}; cdk-nag clean. Off, the
 * template has none of it.
 */
class ConnectAuthorizerStackTest {
    private static final String SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:pulse/jwt-AbC123";

    @TempDir
    static Path dir;

    private static PulseStack stack(Map<String, Object> extra) {
        var context = new HashMap<String, Object>(extra);
        context.put("lambdaJar", Templates.fakeLambdaJar(dir).toString());
        var stack = PulseApp.stack(new App(AppProps.builder().context(context).build()));
        Aspects.of(stack).add(new AwsSolutionsChecks());
        return stack;
    }

    @Test
    void theAuthorizerGuardsConnectAndEveryFunctionTrustsItsContext() {
        var stack = stack(Map.of("connectAuthorizer", "true", "jwtSecretId", SECRET_ARN));
        JsonNode template = Templates.json(stack);
        var authorizerFunction = stack.getRealtime().getAuthorizerFunction();
        assertEquals("dev.pulse.functions.AuthorizerHandler::handleRequest", resources(template, "AWS::Lambda::Function")
                .get(logicalId(authorizerFunction)).at("/Properties/Handler").asText());

        var authorizers = resources(template, "AWS::ApiGatewayV2::Authorizer");
        assertEquals(1, authorizers.size());
        var authorizer = authorizers.values().iterator().next().get("Properties");
        assertEquals("REQUEST", authorizer.get("AuthorizerType").asText());
        assertTrue(!authorizer.has("IdentitySource") || authorizer.get("IdentitySource").isEmpty(),
                "no identity source: " + authorizer.get("IdentitySource"));
        // API Gateway invokes the published alias, as for every route (SnapStart runs on published versions only).
        var authorizerAlias = stack.getRealtime().getAliases().stream()
                .filter(a -> a.getNode().getId().equals("AuthorizerHandlerLive")).findFirst().orElseThrow();
        String authorizerUri = Templates.render(authorizer.get("AuthorizerUri"));
        assertTrue(authorizerUri.contains(logicalId(authorizerAlias)), authorizerUri);

        var routes = resources(template, "AWS::ApiGatewayV2::Route");
        for (JsonNode route : routes.values()) {
            var properties = route.get("Properties");
            if (!properties.get("RouteKey").asText().startsWith("$")) {
                continue; // the HTTP API's routes (polling, the query API)
            }
            boolean connect = properties.get("RouteKey").asText().equals("$connect");
            assertEquals(connect ? "CUSTOM" : "NONE", properties.path("AuthorizationType").asText("NONE"),
                    properties.get("RouteKey").asText());
        }

        boolean apiGatewayMayInvoke = resources(template, "AWS::Lambda::Permission").values().stream()
                .map(p -> p.get("Properties"))
                .anyMatch(p -> p.get("Principal").asText().equals("apigateway.amazonaws.com")
                        && Templates.render(p.get("FunctionName")).contains(logicalId(authorizerAlias)));
        assertTrue(apiGatewayMayInvoke, "API Gateway must be allowed to invoke the authorizer");

        var functions = resources(template, "AWS::Lambda::Function");
        for (var fn : stack.getRealtime().getFunctions()) {
            var env = functions.get(logicalId(fn)).at("/Properties/Environment/Variables");
            assertEquals("true", env.path("PULSE_CONNECT_AUTHORIZER").asText(), fn.getNode().getId());
        }
        var authorizerEnv = functions.get(logicalId(authorizerFunction)).at("/Properties/Environment/Variables");
        assertTrue(authorizerEnv.has("PULSE_JWT_SECRET_ARN"), "the authorizer verifies tokens: " + authorizerEnv);
        var readers = Templates.secretReaders(template);
        assertTrue(readers.containsKey(logicalId(authorizerFunction.getRole())), readers.toString());

        // Least privilege: the authorizer only checks tokens, so its role may touch no table and post nothing.
        String authorizerRole = logicalId(authorizerFunction.getRole());
        resources(template, "AWS::IAM::Policy").values().stream()
                .filter(p -> p.at("/Properties/Roles").toString().contains("\"" + authorizerRole + "\""))
                .flatMap(p -> java.util.stream.StreamSupport.stream(p.at("/Properties/PolicyDocument/Statement")
                        .spliterator(), false))
                .forEach(statement -> {
                    String actions = statement.get("Action").toString();
                    assertFalse(actions.contains("dynamodb:") || actions.contains("execute-api:"), actions);
                });
        Templates.assertNoAwsSolutionsFindings(stack);
    }

    @Test
    void withoutItThereIsNoAuthorizerAndNoTrust() {
        var stack = stack(Map.of("jwtSecret", "0123456789abcdef0123456789abcdef"));
        JsonNode template = Templates.json(stack);
        assertNull(stack.getRealtime().getAuthorizerFunction());
        assertTrue(resources(template, "AWS::ApiGatewayV2::Authorizer").isEmpty());
        assertEquals(9, stack.getRealtime().getFunctions().size());
        resources(template, "AWS::Lambda::Function").values().forEach(fn ->
                assertFalse(fn.at("/Properties/Environment/Variables").has("PULSE_CONNECT_AUTHORIZER")));
    }
}
