package dev.pulse.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Keeps PROTOCOL.md honest: every frame and envelope it shows (JSON code blocks, the CLI entry's Detail string and
 * the sample session transcript) validates against the schema it illustrates.
 */
class ProtocolDocExamplesTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern BLOCK = Pattern.compile("```(json|text)\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern TRANSCRIPT_LINE = Pattern.compile("^[→←] (\\{.*})$", Pattern.MULTILINE);

    private final SchemaCatalog catalog = new SchemaCatalog();

    /** A JSON value shown in the document and the schema it must satisfy. */
    private record Shown(String schema, JsonNode value) {
    }

    @TestFactory
    Stream<DynamicTest> everyFrameInTheDocumentValidates() throws Exception {
        List<Shown> shown = shownInDocument();
        return shown.stream().map(s -> dynamicTest(s.schema() + " " + s.value(), () ->
                assertEquals(List.of(), List.copyOf(catalog.validate(s.schema(), s.value())), s.value().toString())));
    }

    @Test
    void theDocumentShowsEveryKindOfFrame() throws Exception {
        List<String> schemas = shownInDocument().stream().map(Shown::schema).distinct().sorted().toList();
        assertEquals(List.of("client-frame", "eventbridge-detail", "server-frame"), schemas);
        List<String> types = shownInDocument().stream().filter(s -> s.schema().equals("server-frame"))
                .map(s -> s.value().get("type").asText()).distinct().sorted().toList();
        assertEquals(List.of("error", "event", "reply", "sync", "sync.state"), types);
    }

    @Test
    void theDocumentStatesTheRulePatternTheFanOutUses() throws Exception {
        // FanOutRule.PATTERN lives in shared (which depends on this module), so the literal is compared here.
        assertTrue(document().contains("{\"detail\": {\"envelope\": [\"pulse.v1\"]}}"));
    }

    private static String document() throws Exception {
        return Files.readString(Path.of("PROTOCOL.md")); // surefire runs in the module directory
    }

    private static List<Shown> shownInDocument() throws Exception {
        List<Shown> shown = new ArrayList<>();
        Matcher block = BLOCK.matcher(document());
        while (block.find()) {
            if (block.group(1).equals("text")) {
                Matcher line = TRANSCRIPT_LINE.matcher(block.group(2));
                while (line.find()) {
                    classify(MAPPER.readTree(line.group(1)), shown);
                }
            } else {
                classify(MAPPER.readTree(block.group(2)), shown);
            }
        }
        return shown;
    }

    private static void classify(JsonNode value, List<Shown> shown) throws Exception {
        if (value.isArray()) { // PutEvents entries: the Detail string is the envelope
            for (JsonNode entry : value) {
                shown.add(new Shown("eventbridge-detail", MAPPER.readTree(entry.get("Detail").textValue())));
            }
        } else if (value.has("type")) {
            shown.add(new Shown("server-frame", value));
        } else if (value.has("action")) {
            shown.add(new Shown("client-frame", value));
        } else if (value.has("envelope")) {
            shown.add(new Shown("eventbridge-detail", value));
        } else if (!value.has("detail")) { // the rule pattern is the one block that is none of these
            throw new AssertionError("unclassified JSON block in PROTOCOL.md: " + value);
        }
    }
}
