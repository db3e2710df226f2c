package dev.pulse.catalog;

/**
 * Which event names a route takes: exactly one name, or every name starting with a prefix.
 *
 * @param exact  the one name, or null
 * @param prefix the prefix, or null; exactly one of the two is set
 */
public record DetailTypeMatch(String exact, String prefix) {
    public DetailTypeMatch {
        if ((exact == null) == (prefix == null)) {
            throw new IllegalArgumentException("a detail-type match is an exact name or a prefix");
        }
    }

    public static DetailTypeMatch exactly(String name) {
        return new DetailTypeMatch(name, null);
    }

    public static DetailTypeMatch prefix(String prefix) {
        return new DetailTypeMatch(null, prefix);
    }

    public boolean matches(String detailType) {
        return detailType != null && (exact != null ? exact.equals(detailType) : detailType.startsWith(prefix));
    }

    /** {@code approval.created}, or {@code approval.*} for the prefix {@code approval.}. */
    @Override
    public String toString() {
        return exact != null ? exact : prefix + "*";
    }
}
