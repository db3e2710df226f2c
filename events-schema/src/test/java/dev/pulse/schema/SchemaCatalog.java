package dev.pulse.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.util.List;
import java.util.Set;

/** Loads the v1 schemas by their $id from the classpath, the way any consumer resolves their cross-references. */
final class SchemaCatalog {
    static final String BASE = "https://pulse.dev/schemas/v1/";
    static final String META_2020_12 = "https://json-schema.org/draft/2020-12/schema";

    /** Every schema file, by name without ".json". */
    static final List<String> NAMES = List.of(
            "common", "client-frame", "server-event", "server-reply", "server-error", "server-sync", "server-sync-state",
            "server-frame", "eventbridge-detail", "catalog");

    private final JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
            builder -> builder.schemaMappers(mappers -> mappers.mapPrefix(BASE, "classpath:schemas/v1/")));

    // Format assertions are off by default in 2020-12; the protocol means "date-time" literally.
    private final SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();

    JsonSchema schema(String name) {
        JsonSchema schema = factory.getSchema(SchemaLocation.of(BASE + name + ".json"), config);
        schema.initializeValidators(); // resolves every $ref now, so a broken reference fails here
        return schema;
    }

    JsonSchema metaSchema() {
        return factory.getSchema(SchemaLocation.of(META_2020_12), config);
    }

    Set<ValidationMessage> validate(String name, JsonNode instance) {
        return schema(name).validate(instance);
    }
}
