package dev.pulse.infra;

import static dev.pulse.infra.Templates.resources;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pulse.envelope.EnvelopeCodec;
import dev.pulse.model.Connection;
import dev.pulse.model.EventEnvelope;
import dev.pulse.model.Room;
import dev.pulse.model.Targets;
import dev.pulse.store.ConnectionStore;
import dev.pulse.store.MembershipStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.localstack.LocalStackContainer.Service;
import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Stack;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

/**
 * The deployed definitions against LocalStack's DynamoDB and EventBridge: the core's stores work on a table
 * created from the synthesized key schema and TTL, and LocalStack's EventBridge matches the rule's pattern
 * from the template exactly as the local bus does. Skipped without Docker, and without {@code
 * LOCALSTACK_AUTH_TOKEN}: the LocalStack image requires an auth token since March 2026.
 */
@Testcontainers(disabledWithoutDocker = true)
class LocalStackTest {
    /** Pinned: the suite must not change under us with LocalStack's latest tag. */
    static final DockerImageName IMAGE = DockerImageName.parse("localstack/localstack:4.7");

    @TempDir
    static Path dir;

    private static LocalStackContainer localstack;
    private static JsonNode template;
    private static DynamoDbClient dynamo;
    private static EventBridgeClient events;

    @BeforeAll
    static void start() {
        String token = System.getenv("LOCALSTACK_AUTH_TOKEN");
        assumeTrue(token != null && !token.isBlank(), "LOCALSTACK_AUTH_TOKEN is not set: the LocalStack image needs it");
        localstack = new LocalStackContainer(IMAGE)
                .withServices(Service.DYNAMODB, LocalStackContainer.EnabledService.named("events"))
                .withEnv("LOCALSTACK_AUTH_TOKEN", token)
                .withStartupTimeout(Duration.ofMinutes(3));
        localstack.start();
        var credentials = StaticCredentialsProvider.create(
                AwsBasicCredentials.create(localstack.getAccessKey(), localstack.getSecretKey()));
        var region = Region.of(localstack.getRegion());
        dynamo = DynamoDbClient.builder().endpointOverride(localstack.getEndpoint()).region(region)
                .credentialsProvider(credentials).httpClientBuilder(ApacheHttpClient.builder()).build();
        events = EventBridgeClient.builder().endpointOverride(localstack.getEndpoint()).region(region)
                .credentialsProvider(credentials).httpClientBuilder(ApacheHttpClient.builder()).build();

        var stack = new Stack(new App(), "LocalStack");
        new PulseRealtime(stack, "Realtime", PulseRealtimeProps.builder()
                .lambdaJarPath(Templates.fakeLambdaJar(dir).toString())
                .jwtSecret("0123456789abcdef0123456789abcdef")
                .build());
        template = Templates.json(stack);
    }

    @AfterAll
    static void stop() {
        if (dynamo != null) {
            dynamo.close();
            events.close();
        }
        if (localstack != null) {
            localstack.stop();
        }
    }

    @Test
    void theCoreStoresWorkOnTheTableAsTheTemplateDefinesIt() {
        var table = resources(template, "AWS::DynamoDB::Table").values().iterator().next().get("Properties");
        var keys = new ArrayList<KeySchemaElement>();
        table.get("KeySchema").forEach(k -> keys.add(KeySchemaElement.builder()
                .attributeName(k.get("AttributeName").asText()).keyType(k.get("KeyType").asText()).build()));
        var attributes = new ArrayList<AttributeDefinition>();
        table.get("AttributeDefinitions").forEach(a -> attributes.add(AttributeDefinition.builder()
                .attributeName(a.get("AttributeName").asText()).attributeType(a.get("AttributeType").asText()).build()));
        String name = "pulse-localstack";
        dynamo.createTable(r -> r.tableName(name).keySchema(keys).attributeDefinitions(attributes)
                .billingMode(table.get("BillingMode").asText()));
        dynamo.waiter().waitUntilTableExists(r -> r.tableName(name));
        String ttl = table.at("/TimeToLiveSpecification/AttributeName").asText();
        dynamo.updateTimeToLive(r -> r.tableName(name).timeToLiveSpecification(t -> t.attributeName(ttl).enabled(true)));
        assertEquals(ttl, dynamo.describeTimeToLive(r -> r.tableName(name)).timeToLiveDescription().attributeName());

        var clock = Clock.systemUTC();
        var connections = new ConnectionStore(dynamo, name, clock);
        var memberships = new MembershipStore(dynamo, name, clock);
        var now = clock.instant();
        var connection = Connection.builder().connectionId("c-1").userId("u-1").workspaceId("acme").connectedAt(now).expiresAt(now.plus(Duration.ofHours(2))).build();
        connections.open(connection, List.of(Room.workspace("acme")));
        var room = new Room("acme", "chat:42");
        assertTrue(memberships.join(connection, room));
        var members = new ArrayList<String>();
        memberships.members(room).forEach(page -> page.forEach(m -> members.add(m.connectionId())));
        assertEquals(List.of("c-1"), members);
        assertTrue(connections.close("c-1").contains(room));
        assertFalse(connections.find("c-1").isPresent());
    }

    @Test
    void localStackMatchesTheRulePatternFromTheTemplate() throws Exception {
        String pattern = resources(template, "AWS::Events::Rule").values().iterator().next()
                .at("/Properties/EventPattern").toString();
        var envelope = new EventEnvelope("e-1", "approval.created", "acme", new Targets(true, List.of(), List.of()),
                null, "e-1", Instant.parse("2026-01-01T00:00:00Z"), Templates.MAPPER.readTree("{\"id\":\"a1\"}"));
        assertTrue(matches(pattern, EnvelopeCodec.toDetail(envelope)));
        assertFalse(matches(pattern, "{\"orderId\":\"o-1\"}"), "events that are not Pulse envelopes stay off the fan-out");
        // The bus accepts a rule with exactly this pattern.
        events.createEventBus(r -> r.name("pulse-localstack"));
        events.putRule(r -> r.name("pulse-fanout-test").eventBusName("pulse-localstack").eventPattern(pattern));
        assertEquals(Templates.MAPPER.readTree(pattern), Templates.MAPPER.readTree(
                events.describeRule(r -> r.name("pulse-fanout-test").eventBusName("pulse-localstack")).eventPattern()));
    }

    private static boolean matches(String pattern, String detail) throws Exception {
        var event = Templates.MAPPER.createObjectNode()
                .put("id", "1").put("source", "com.acme.approvals").put("detail-type", "approval.created")
                .put("account", "000000000000").put("region", localstack.getRegion())
                .put("time", "2026-01-01T00:00:00Z");
        event.putArray("resources");
        event.set("detail", Templates.MAPPER.readTree(detail));
        return events.testEventPattern(r -> r.eventPattern(pattern).event(event.toString())).result();
    }
}
