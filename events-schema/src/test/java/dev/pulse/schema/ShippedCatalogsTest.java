package dev.pulse.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every catalog shipped in catalogs/ is valid against the catalog meta-schema (catalog.json) and is named for its
 * app. The deeper checks (payload schemas compile, examples validate, routes name declared fields) are the catalog
 * loader's, tested in shared (dev.pulse.catalog).
 */
class ShippedCatalogsTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final SchemaCatalog schemas = new SchemaCatalog();

    @TestFactory
    Stream<DynamicTest> everyShippedCatalogMatchesTheMetaSchema() throws Exception {
        URL url = Objects.requireNonNull(getClass().getClassLoader().getResource("catalogs"), "catalogs");
        List<Path> files;
        try (Stream<Path> list = Files.list(Path.of(url.toURI()))) {
            files = list.filter(f -> f.toString().endsWith(".catalog.json")).sorted().toList();
        }
        assertEquals(List.of("eva.catalog.json", "famly.catalog.json", "hyvve.catalog.json", "worklamp.catalog.json"),
                files.stream().map(f -> f.getFileName().toString()).toList());
        return files.stream().map(file -> dynamicTest(file.getFileName().toString(), () -> {
            JsonNode catalog = MAPPER.readTree(file.toFile());
            assertEquals(List.of(), List.copyOf(schemas.validate("catalog", catalog)), file.toString());
            assertEquals(catalog.path("app").asText() + ".catalog.json", file.getFileName().toString(), "file named for its app");
            assertFalse(catalog.path("routes").isEmpty(), file + " declares routes");
        }));
    }
}
