package dev.pulse.catalog;

import java.util.Locale;

/** What happens to an event whose name the catalog does not declare. */
public enum UnknownEvents {
    /** Refused: the publisher throws, the fan-out dead-letters the event. */
    STRICT,
    /** Delivered without validation. */
    PERMISSIVE;

    /** The catalog's spelling: {@code strict} or {@code permissive}. */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException for anything but strict or permissive (any case) */
    public static UnknownEvents parse(String value) {
        if (value != null) {
            for (UnknownEvents mode : values()) {
                if (mode.value().equalsIgnoreCase(value.trim())) {
                    return mode;
                }
            }
        }
        throw new IllegalArgumentException("unknownEvents must be strict or permissive: " + value);
    }
}
