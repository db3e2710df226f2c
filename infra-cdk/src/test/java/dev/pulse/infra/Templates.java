package dev.pulse.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import software.amazon.awscdk.CfnElement;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.cxapi.SynthesisMessage;
import software.constructs.IConstruct;

/** Reads synthesized templates as JSON trees, so tests compare whole values rather than fragments. */
final class Templates {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private Templates() {
    }

    static JsonNode json(Stack stack) {
        return MAPPER.valueToTree(Template.fromStack(stack).toJSON());
    }

    static Map<String, JsonNode> resources(JsonNode template, String type) {
        var result = new LinkedHashMap<String, JsonNode>();
        template.path("Resources").properties().forEach(e -> {
            if (type.equals(e.getValue().path("Type").asText())) {
                result.put(e.getKey(), e.getValue());
            }
        });
        return result;
    }

    /** The logical id of a construct's CloudFormation resource (its default child). */
    /** The event source mappings that read the given queue (the fan-out queue's, the big rooms' shard queue's). */
    static Map<String, JsonNode> eventSourceMappingsOf(JsonNode template, IConstruct queue) {
        String arn = "${" + logicalId(queue) + ".Arn}";
        var mappings = new java.util.LinkedHashMap<String, JsonNode>();
        resources(template, "AWS::Lambda::EventSourceMapping").forEach((id, mapping) -> {
            if (render(mapping.at("/Properties/EventSourceArn")).equals(arn)) {
                mappings.put(id, mapping);
            }
        });
        return mappings;
    }

    /** The event source mappings that invoke the given function alias (e.g. the fan-out's, from its queue). */
    static Map<String, JsonNode> eventSourceMappingsFor(JsonNode template, IConstruct alias) {
        String ref = "\"Ref\":\"" + logicalId(alias) + "\"";
        var mappings = new java.util.LinkedHashMap<String, JsonNode>();
        resources(template, "AWS::Lambda::EventSourceMapping").forEach((id, mapping) -> {
            if (mapping.at("/Properties/FunctionName").toString().contains(ref)) {
                mappings.put(id, mapping);
            }
        });
        return mappings;
    }

    static String logicalId(IConstruct construct) {
        return Stack.of(construct).getLogicalId((CfnElement) construct.getNode().getDefaultChild());
    }

    /** Renders Fn::Join / Ref / Fn::GetAtt as one string with ${Ref} placeholders, to compare ARNs and URLs. */
    static String render(JsonNode value) {
        if (value.isTextual()) {
            return value.asText();
        }
        if (value.has("Ref")) {
            return "${" + value.get("Ref").asText() + "}";
        }
        if (value.has("Fn::GetAtt")) {
            return "${" + value.get("Fn::GetAtt").get(0).asText() + "." + value.get("Fn::GetAtt").get(1).asText() + "}";
        }
        if (value.has("Fn::Join")) {
            var parts = new StringBuilder();
            String separator = value.get("Fn::Join").get(0).asText();
            var items = value.get("Fn::Join").get(1);
            for (int i = 0; i < items.size(); i++) {
                parts.append(i == 0 ? "" : separator).append(render(items.get(i)));
            }
            return parts.toString();
        }
        throw new IllegalArgumentException("Cannot render " + value);
    }

    /**
     * Role logical id to every resource its policies allow {@code secretsmanager:GetSecretValue} on (rendered as by
     * {@link #render}); roles without such a grant are absent.
     */
    static Map<String, java.util.Set<String>> secretReaders(JsonNode template) {
        var readers = new java.util.TreeMap<String, java.util.Set<String>>();
        resources(template, "AWS::IAM::Policy").values().forEach(policy -> {
            for (JsonNode statement : policy.at("/Properties/PolicyDocument/Statement")) {
                JsonNode action = statement.get("Action");
                boolean reads = action.isTextual() ? action.asText().equals("secretsmanager:GetSecretValue")
                        : java.util.stream.StreamSupport.stream(action.spliterator(), false)
                                .anyMatch(a -> a.asText().equals("secretsmanager:GetSecretValue"));
                if (!reads) {
                    continue;
                }
                JsonNode resource = statement.get("Resource");
                var rendered = new java.util.TreeSet<String>();
                if (resource.isArray()) {
                    resource.forEach(r -> rendered.add(render(r)));
                } else {
                    rendered.add(render(resource));
                }
                policy.at("/Properties/Roles").forEach(role ->
                        readers.computeIfAbsent(role.get("Ref").asText(), r -> new java.util.TreeSet<>()).addAll(rendered));
            }
        });
        return readers;
    }

    /** cdk-nag's AwsSolutions pack (already added to the stack's aspects) found nothing: no error, no warning. */
    static void assertNoAwsSolutionsFindings(Stack stack) {
        var annotations = Annotations.fromStack(stack);
        org.junit.jupiter.api.Assertions.assertEquals(List.of(),
                describe(annotations.findError("*", Match.stringLikeRegexp("AwsSolutions-.*"))));
        org.junit.jupiter.api.Assertions.assertEquals(List.of(),
                describe(annotations.findWarning("*", Match.stringLikeRegexp("AwsSolutions-.*"))));
    }

    /** Each finding as {@code path: first line of its message}. */
    static List<String> describe(List<SynthesisMessage> messages) {
        return messages.stream()
                .map(m -> m.getId() + ": " + String.valueOf(m.getEntry().getData()).lines().findFirst().orElse(""))
                .toList();
    }

    /** A tiny stand-in for the functions jar: the CDK only hashes and copies it. */
    static Path fakeLambdaJar(Path dir) {
        Path jar = dir.resolve("functions-test-lambda.jar");
        try (var zip = new ZipOutputStream(Files.newOutputStream(jar))) {
            zip.putNextEntry(new ZipEntry("README"));
            zip.write("not a real handler".getBytes());
            zip.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return jar;
    }
}
