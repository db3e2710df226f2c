package dev.pulse.config;

import dev.pulse.catalog.EventCatalog;
import dev.pulse.catalog.UnknownEvents;
import java.util.Map;
import java.util.Optional;

/**
 * Settings of the event catalog, read from the environment like {@link PulseConfig} (kept apart, as
 * {@link EventLogConfig} is, so the contract record keeps its shape).
 *
 * @param catalog            the catalog to validate and route with ({@code PULSE_CATALOG}): a bare app name from
 *                           the classpath ({@code hyvve}), {@code classpath:…}, {@code file:…} or a path; null = none
 *                           (events are delivered by their envelope only, as without catalogs)
 * @param unknownEvents      overrides the catalog's policy for undeclared events ({@code PULSE_UNKNOWN_EVENTS}:
 *                           strict or permissive); null = the catalog's own
 * @param deadLetterQueueUrl SQS queue URL refused events are sent to ({@code PULSE_DEAD_LETTER_QUEUE_URL}); null =
 *                           kept in memory (local runtime)
 */
public record CatalogConfig(String catalog, UnknownEvents unknownEvents, String deadLetterQueueUrl) {

    public static CatalogConfig fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    public static CatalogConfig fromEnvironment(Map<String, String> env) {
        String mode = env.get("PULSE_UNKNOWN_EVENTS");
        return new CatalogConfig(blankToNull(env.get("PULSE_CATALOG")),
                mode == null || mode.isBlank() ? null : UnknownEvents.parse(mode),
                blankToNull(env.get("PULSE_DEAD_LETTER_QUEUE_URL")));
    }

    /**
     * The configured catalog, loaded and checked, with the override applied.
     *
     * @throws dev.pulse.catalog.CatalogException if it is missing or invalid: a bad catalog stops the function at
     *                                            start, before any event is delivered
     */
    public Optional<EventCatalog> load() {
        return catalog == null ? Optional.empty()
                : Optional.of(EventCatalog.load(catalog).withUnknownEvents(unknownEvents));
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
