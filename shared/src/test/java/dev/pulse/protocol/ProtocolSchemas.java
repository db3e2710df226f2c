package dev.pulse.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.util.List;
import java.util.Set;

/** The v1 JSON Schemas from events-schema, loaded from the classpath by their $id. */
final class ProtocolSchemas {
    private static final String BASE = "https://pulse.dev/schemas/v1/";

    private final JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
            builder -> builder.schemaMappers(mappers -> mappers.mapPrefix(BASE, "classpath:schemas/v1/")));
    private final SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();

    JsonSchema schema(String name) {
        return factory.getSchema(SchemaLocation.of(BASE + name + ".json"), config);
    }

    Set<ValidationMessage> errors(String name, String json) {
        try {
            return schema(name).validate(Json.MAPPER.readTree(json));
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    /** Asserts that the frame is valid against the named schema and against the server-frame union. */
    void assertServerFrame(String name, String json) {
        assertEquals(List.of(), List.copyOf(errors(name, json)), json + " against " + name);
        assertEquals(List.of(), List.copyOf(errors("server-frame", json)), json + " against server-frame");
    }

    JsonNode schemaDocument(String name) {
        try (var in = ProtocolSchemas.class.getClassLoader().getResourceAsStream("schemas/v1/" + name + ".json")) {
            if (in == null) {
                throw new AssertionError("schema not on the classpath: " + name);
            }
            return Json.MAPPER.readTree(in);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
