package dev.pulse.catalog;

/**
 * One way a payload breaks its event's schema.
 *
 * @param path    where, as a JSON path into the payload ({@code $} is the payload itself, e.g. {@code $.task.status})
 * @param message what is wrong there, e.g. {@code required property 'title' not found}
 */
public record Violation(String path, String message) {
    @Override
    public String toString() {
        return path + ": " + message;
    }
}
