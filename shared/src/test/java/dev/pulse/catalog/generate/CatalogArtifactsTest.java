package dev.pulse.catalog.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generated catalog docs and TypeScript declarations in the repository are what the catalogs generate now. With
 * {@code -Dpulse.generate=true} (what {@code ./pulse generate} runs) this test rewrites them instead.
 */
class CatalogArtifactsTest {
    /** The repository root: surefire runs in the module's folder (shared/). */
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    @Test
    void checkedInArtifactsAreCurrent() {
        if (Boolean.getBoolean("pulse.generate")) {
            CatalogArtifacts.write(ROOT);
        }
        List<String> stale = CatalogArtifacts.stale(ROOT);
        assertEquals(List.of(), stale, "generated catalog files are out of date; regenerate them with "
                + CatalogArtifacts.REGENERATE + " and commit the result");
    }

    @Test
    void aChangedCatalogMakesItsFilesStaleAndWriteFixesThem(@TempDir Path root) throws Exception {
        Path catalogs = Files.createDirectories(root.resolve(CatalogArtifacts.CATALOGS));
        Files.copy(ROOT.resolve(CatalogArtifacts.CATALOGS).resolve("eva.catalog.json"), catalogs.resolve("eva.catalog.json"));
        assertEquals(List.of("clients/web/types/eva-events.d.ts (missing)", "docs/catalog/README.md (missing)",
                "docs/catalog/eva.md (missing)"), CatalogArtifacts.stale(root));
        CatalogArtifacts.write(root);
        assertEquals(List.of(), CatalogArtifacts.stale(root));

        Path eva = catalogs.resolve("eva.catalog.json");
        Files.writeString(eva, Files.readString(eva).replace("A message to everyone in the workspace.", "To all."));
        // The event's description is in both the page and the TypeScript doc comment.
        assertEquals(List.of("clients/web/types/eva-events.d.ts (differs)", "docs/catalog/eva.md (differs)"),
                CatalogArtifacts.stale(root));
        Files.writeString(root.resolve("docs/catalog/old.md"), "# gone\n");
        assertTrue(CatalogArtifacts.stale(root).contains("docs/catalog/old.md (no catalog generates it)"));
        CatalogArtifacts.write(root);
        assertEquals(List.of(), CatalogArtifacts.stale(root));
        assertTrue(Files.notExists(root.resolve("docs/catalog/old.md")));
    }

    @Test
    void pagesAndTheIndexShowEachCatalogsRoomAccess() {
        var files = CatalogArtifacts.render(ROOT);
        String worklamp = files.get("docs/catalog/worklamp.md");
        assertTrue(worklamp.contains("## Room access\n"), worklamp);
        assertTrue(worklamp.contains("| `project:` | `hook` | whoever the app's access hook allows (asked per action, cached) |\n"
                + "| `channel:` | `hook` |"), worklamp);
        assertTrue(worklamp.contains("| any other (`*`) | `grant` | a connection whose token's rooms claim grants the room |"),
                worklamp);
        assertTrue(files.get("docs/catalog/famly.md").contains("| `chat:` | `grant` |"));
        assertTrue(files.get("docs/catalog/hyvve.md").contains("None declared: every namespace is `open`"));
        String index = files.get("docs/catalog/README.md");
        assertTrue(index.contains("| permissive | `channel=hook,project=hook,*=grant` |"), index);
        assertTrue(index.contains("| strict | none declared (open) |"), index);
    }

    @Test
    void typeScriptHasAPayloadTypePerEventAndTheNameMap() throws Exception {
        String ts = CatalogArtifacts.render(ROOT).get("clients/web/types/famly-events.d.ts");
        assertTrue(ts.contains("export interface FamlyEvents {\n  \"task.created\": TaskCreatedPayload;\n"), ts);
        assertTrue(ts.contains("export type TaskCreatedPayload = TaskEvent;"), ts);
        assertTrue(ts.contains("  \"approval_task.created\": ApprovalTaskCreatedPayload;"), ts);
        assertTrue(ts.contains("  memberIds: string[];"), ts);
        assertTrue(ts.contains("  status: \"pending\" | \"approved\" | \"completed\" | \"cancelled\";"), ts);
        assertTrue(ts.contains("  dueDate?: string | null;"), ts);
        assertTrue(ts.contains("export type FamlyEventName = keyof FamlyEvents;"), ts);
    }
}
