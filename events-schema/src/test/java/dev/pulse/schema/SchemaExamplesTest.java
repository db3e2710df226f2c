package dev.pulse.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every schema is a valid 2020-12 schema whose references resolve; every example under examples/valid passes the
 * schema its name starts with, and every example under examples/invalid fails it. Examples are named
 * {@code <schema>.<case>.json}; server-* examples are also checked against the server-frame union.
 */
class SchemaExamplesTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final SchemaCatalog catalog = new SchemaCatalog();

    @TestFactory
    Stream<DynamicTest> everySchemaIsValidAgainstTheMetaSchemaAndCompiles() {
        return SchemaCatalog.NAMES.stream().map(name -> dynamicTest(name, () -> {
            JsonNode schema = resource("schemas/v1/" + name + ".json");
            assertEquals(SchemaCatalog.META_2020_12, schema.path("$schema").asText(), "$schema of " + name);
            assertEquals(SchemaCatalog.BASE + name + ".json", schema.path("$id").asText(), "$id of " + name);
            assertEquals(List.of(), List.copyOf(catalog.metaSchema().validate(schema)), name + " against the meta-schema");
            catalog.schema(name);
        }));
    }

    @Test
    void everySchemaFileIsListed() throws Exception {
        try (Stream<Path> files = Files.list(directory("schemas/v1"))) {
            List<String> names = files.map(f -> f.getFileName().toString().replaceFirst("\\.json$", "")).sorted().toList();
            assertEquals(SchemaCatalog.NAMES.stream().sorted().toList(), names);
        }
    }

    @TestFactory
    Stream<DynamicTest> validExamplesValidate() throws Exception {
        return examples("valid").map(example -> dynamicTest(example.getFileName().toString(), () -> {
            JsonNode instance = MAPPER.readTree(example.toFile());
            String schema = schemaOf(example);
            assertEquals(List.of(), List.copyOf(catalog.validate(schema, instance)), example + " against " + schema);
            if (schema.startsWith("server-")) {
                assertEquals(List.of(), List.copyOf(catalog.validate("server-frame", instance)), example + " against server-frame");
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> invalidExamplesFail() throws Exception {
        return examples("invalid").map(example -> dynamicTest(example.getFileName().toString(), () -> {
            JsonNode instance = MAPPER.readTree(example.toFile());
            String schema = schemaOf(example);
            assertFalse(catalog.validate(schema, instance).isEmpty(), example + " should fail " + schema);
            if (schema.startsWith("server-")) {
                assertFalse(catalog.validate("server-frame", instance).isEmpty(), example + " should fail server-frame");
            }
        }));
    }

    @Test
    void everyExampleNamesAKnownSchemaAndEverySchemaHasBothKinds() throws Exception {
        for (String kind : List.of("valid", "invalid")) {
            List<String> schemas = examples(kind).map(SchemaExamplesTest::schemaOf).distinct().sorted().toList();
            assertTrue(SchemaCatalog.NAMES.containsAll(schemas), kind + " examples name unknown schemas: " + schemas);
            assertEquals(List.of("catalog", "client-frame", "eventbridge-detail", "server-error", "server-event", "server-reply",
                            "server-sync", "server-sync-state"),
                    schemas, kind + " examples cover every frame schema");
        }
    }

    @Test
    void aServerFrameMatchesExactlyOneKind() throws Exception {
        JsonNode event = resource("examples/valid/server-event.approval-created.json");
        assertTrue(catalog.validate("server-reply", event).size() > 0);
        assertTrue(catalog.validate("server-error", event).size() > 0);
        JsonNode reply = resource("examples/valid/server-reply.forbidden.json");
        assertTrue(catalog.validate("server-event", reply).size() > 0);
        assertTrue(catalog.validate("server-error", reply).size() > 0);
    }

    private static String schemaOf(Path example) {
        String file = example.getFileName().toString();
        return file.substring(0, file.indexOf('.'));
    }

    private static Stream<Path> examples(String kind) throws IOException, URISyntaxException {
        try (Stream<Path> files = Files.list(directory("examples/" + kind))) {
            List<Path> list = files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
            assertFalse(list.isEmpty(), "no " + kind + " examples");
            return list.stream();
        }
    }

    private static Path directory(String resource) throws URISyntaxException {
        URL url = Objects.requireNonNull(SchemaExamplesTest.class.getClassLoader().getResource(resource), resource);
        return Path.of(url.toURI());
    }

    private static JsonNode resource(String name) {
        try (InputStream in = Objects.requireNonNull(SchemaExamplesTest.class.getClassLoader().getResourceAsStream(name), name)) {
            return MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
