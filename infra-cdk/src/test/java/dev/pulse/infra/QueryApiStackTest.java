package dev.pulse.infra;

import static dev.pulse.infra.Templates.logicalId;
import static dev.pulse.infra.Templates.resources;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.services.iam.AccountRootPrincipal;
import software.amazon.awscdk.services.iam.Role;

/**
 * The query API in the template: GET /rooms/members and /rooms/presence on the HTTP API behind IAM authorization
 * (the polling route keeps its own token check), served by the query function; grantQuery lets a backend role invoke
 * exactly those two routes; cdk-nag clean.
 */
class QueryApiStackTest {
    @TempDir
    static Path dir;

    @Test
    void theQueryRoutesNeedIamAndGrantQueryAllowsExactlyThem() {
        var app = new App(AppProps.builder().context(Map.of("lambdaJar", Templates.fakeLambdaJar(dir).toString(),
                "jwtSecret", "0123456789abcdef0123456789abcdef")).build());
        var stack = PulseApp.stack(app);
        var backend = Role.Builder.create(stack, "Backend").assumedBy(new AccountRootPrincipal()).build();
        stack.getRealtime().grantQuery(backend);
        Aspects.of(stack).add(new AwsSolutionsChecks());
        var template = Templates.json(stack);

        var authorization = new TreeMap<String, String>();
        resources(template, "AWS::ApiGatewayV2::Route").values().stream().map(r -> r.get("Properties"))
                .filter(p -> p.get("RouteKey").asText().contains("/"))
                .forEach(p -> authorization.put(p.get("RouteKey").asText(), p.path("AuthorizationType").asText("NONE")));
        assertEquals(Map.of("GET /rooms/members", "AWS_IAM", "GET /rooms/presence", "AWS_IAM", "POST /sync", "NONE"),
                authorization);

        var invokes = resources(template, "AWS::IAM::Policy").values().stream()
                .filter(p -> p.at("/Properties/Roles/0/Ref").asText().equals(logicalId(backend)))
                .flatMap(p -> java.util.stream.StreamSupport.stream(p.at("/Properties/PolicyDocument/Statement")
                        .spliterator(), false))
                .toList();
        assertEquals(1, invokes.size(), invokes.toString());
        assertEquals("execute-api:Invoke", invokes.get(0).get("Action").asText());
        var arns = java.util.stream.StreamSupport.stream(invokes.get(0).get("Resource").spliterator(), false)
                .map(Templates::render).toList();
        String api = logicalId(stack.getRealtime().getSyncApi());
        assertEquals(List.of(
                "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${" + api + "}/$default/GET/rooms/members",
                "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${" + api + "}/$default/GET/rooms/presence"),
                arns);
        assertTrue(Templates.render(resources(template, "AWS::Lambda::Function")
                .get(logicalId(stack.getRealtime().getQueryFunction())).at("/Properties/Handler")).endsWith("QueryHandler::handleRequest"));
        Templates.assertNoAwsSolutionsFindings(stack);
    }
}
