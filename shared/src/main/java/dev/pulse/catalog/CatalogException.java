package dev.pulse.catalog;

import java.util.List;

/**
 * A catalog that cannot be loaded: not JSON, not valid against the catalog meta-schema, a payload schema that does
 * not compile, an example that fails its schema, or a route that names a field its events do not declare. Raised
 * at load time, so a bad catalog never reaches delivery. The message lists every problem found.
 */
public final class CatalogException extends RuntimeException {
    private final String origin;
    private final List<String> problems;

    public CatalogException(String origin, List<String> problems) {
        super("event catalog " + origin + " is invalid:\n  - " + String.join("\n  - ", problems));
        this.origin = origin;
        this.problems = List.copyOf(problems);
    }

    public CatalogException(String origin, String problem, Throwable cause) {
        super("event catalog " + origin + " is invalid: " + problem, cause);
        this.origin = origin;
        this.problems = List.of(problem);
    }

    /** Where the catalog came from, e.g. {@code classpath:catalogs/hyvve.catalog.json}. */
    public String origin() {
        return origin;
    }

    public List<String> problems() {
        return problems;
    }
}
