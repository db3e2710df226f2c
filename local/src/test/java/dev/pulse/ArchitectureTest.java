package dev.pulse;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering of the code, kept one-way (README, "Layout"). From the bottom:
 * <pre>
 * support      the project's small helpers (backoff, the log lines and their context)  imports nothing of ours
 * model        values: Connection, Room, Position, EventEnvelope, …           support
 * protocol     the wire: client frames, server frames, action and signal names; envelope: the EventBridge detail
 * store        the single-table layout and every DynamoDB read and write      model, support
 * delivery     posting frames: the fan-out hub, broadcast (log, deliver, prune)
 * ratelimit    per-connection limits over the store's counters
 * action       the $default dispatch: handler contract and router
 * capabilities auth, room, presence, sync, connection, catalog, publish     everything below, one way among them
 * config       the one typed configuration, read from the environment
 * wiring       functions (Lambda handlers, Services), local (the local runtime)
 * </pre>
 * This module's test classpath holds every layer, so the rules see all of them.
 */
class ArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        // The other modules arrive as jars (or class folders, in an IDE); their test jars are left out.
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("-tests.jar"))
                .importPackages("dev.pulse");
    }

    @Test
    void layersDependOnlyDownward() {
        layeredArchitecture()
                .consideringOnlyDependenciesInLayers()
                .layer("Support").definedBy("dev.pulse.support..")
                .layer("Model").definedBy("dev.pulse.model..")
                .layer("Protocol").definedBy("dev.pulse.protocol..", "dev.pulse.envelope..")
                .layer("Store").definedBy("dev.pulse.store..")
                .layer("Delivery").definedBy("dev.pulse.delivery..")
                .layer("RateLimit").definedBy("dev.pulse.ratelimit..")
                .layer("Action").definedBy("dev.pulse.action..")
                .layer("Capabilities").definedBy("dev.pulse.auth..", "dev.pulse.room..", "dev.pulse.presence..",
                        "dev.pulse.sync..", "dev.pulse.connection..", "dev.pulse.catalog..", "dev.pulse.publish..")
                .layer("Config").definedBy("dev.pulse.config..")
                .layer("Wiring").definedBy("dev.pulse.functions..", "dev.pulse.local..")
                .whereLayer("Support").mayNotAccessAnyLayer()
                .whereLayer("Model").mayOnlyAccessLayers("Support")
                .whereLayer("Protocol").mayOnlyAccessLayers("Model", "Support")
                .whereLayer("Store").mayOnlyAccessLayers("Model", "Support")
                .whereLayer("Delivery").mayOnlyAccessLayers("Store", "Protocol", "Model", "Support")
                .whereLayer("RateLimit").mayOnlyAccessLayers("Store", "Protocol", "Model", "Support")
                .whereLayer("Action").mayOnlyAccessLayers("RateLimit", "Delivery", "Store", "Protocol", "Model", "Support")
                .whereLayer("Capabilities").mayOnlyAccessLayers("Action", "RateLimit", "Delivery", "Store", "Protocol",
                        "Model", "Support")
                .whereLayer("Config").mayOnlyAccessLayers("Capabilities", "RateLimit", "Model", "Support")
                .check(classes);
    }

    @Test
    void noPackageCycles() {
        slices().matching("dev.pulse.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void capabilitiesDependOneWayAmongThemselves() {
        // room is below presence (presence listens to memberships); auth is below connection and sync.
        noClasses().that().resideInAnyPackage("dev.pulse.room..", "dev.pulse.auth..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.pulse.presence..", "dev.pulse.connection..",
                        "dev.pulse.sync..")
                .check(classes);
        noClasses().that().resideInAnyPackage("dev.pulse.catalog..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.pulse.publish..")
                .check(classes);
    }

    @Test
    void onlyTheStoreKnowsDynamoDb() {
        // The wiring builds the client and, locally, the tables; everything else goes through the store layer.
        noClasses().that().resideOutsideOfPackages("dev.pulse.store..", "dev.pulse.functions..", "dev.pulse.local..")
                .should().dependOnClassesThat().resideInAPackage("software.amazon.awssdk.services.dynamodb..")
                .check(classes);
    }
}
