package dev.pulse.room;

import dev.pulse.model.Room;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The access mode of each room namespace, declared once ({@code PULSE_ROOM_ACCESS}, the CDK prop {@code roomAccess},
 * or an event catalog's {@code access}): e.g. {@code chat=room-token,project=hook,channel=grant,*=open}, where
 * {@code *} is the mode of every namespace not named. {@code user:} and {@code workspace:} rooms are not governed by
 * it: they keep their fixed rules (only one's own).
 *
 * <p>Without a {@code *} entry, undeclared namespaces are {@link AccessMode#OPEN}: a deployment that declares nothing
 * behaves as v1 did, so existing apps keep working; declare {@code *=grant} (or another closed mode) to make every
 * namespace private unless said otherwise (PROTOCOL §5.1 discusses the choice).
 *
 * @param modes    namespace → mode
 * @param fallback the mode of namespaces not in {@code modes}
 */
public record AccessPolicy(Map<String, AccessMode> modes, AccessMode fallback) {
    public static final String FALLBACK = "*";
    public static final AccessMode DEFAULT_FALLBACK = AccessMode.OPEN;
    private static final Pattern NAMESPACE = Pattern.compile("[a-z][a-z0-9_-]{0,31}");

    public AccessPolicy {
        modes = Map.copyOf(modes);
        for (String namespace : modes.keySet()) {
            if (Room.USER_NAMESPACE.equals(namespace) || Room.WORKSPACE_NAMESPACE.equals(namespace)) {
                throw new IllegalArgumentException(namespace + ": rooms keep their fixed rules; they take no access mode");
            }
        }
    }

    /** Every namespace open, as v1. */
    public static AccessPolicy open() {
        return new AccessPolicy(Map.of(), AccessMode.OPEN);
    }

    /** Reads {@code namespace=mode,…,*=mode}; blank = {@link #open()}. */
    public static AccessPolicy parse(String spec) {
        var modes = new LinkedHashMap<String, AccessMode>();
        AccessMode fallback = DEFAULT_FALLBACK;
        if (spec == null || spec.isBlank()) {
            return open();
        }
        for (String entry : spec.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            int eq = entry.indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException("room access entry must be <namespace>=<mode>, got '" + entry.trim() + "'");
            }
            String namespace = entry.substring(0, eq).trim();
            AccessMode mode = AccessMode.parse(entry.substring(eq + 1));
            if (FALLBACK.equals(namespace)) {
                fallback = mode;
            } else if (!NAMESPACE.matcher(namespace).matches()) {
                throw new IllegalArgumentException("'" + namespace + "' is not a room namespace (a-z0-9_-)");
            } else if (modes.put(namespace, mode) != null) {
                throw new IllegalArgumentException("namespace " + namespace + " is declared twice");
            }
        }
        return new AccessPolicy(modes, fallback);
    }

    /** This policy with the other's entries on top (its fallback too, when it declares one). */
    public AccessPolicy with(Map<String, AccessMode> more) {
        var merged = new LinkedHashMap<>(modes);
        merged.putAll(more);
        return new AccessPolicy(merged, fallback);
    }

    public AccessMode modeOf(Room room) {
        return modes.getOrDefault(room.namespace(), fallback);
    }

    public boolean uses(AccessMode mode) {
        return fallback == mode || modes.containsValue(mode);
    }

    /** The policy as it is written, e.g. {@code chat=room-token,*=open}. */
    public String spec() {
        var out = new StringBuilder();
        modes.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> out.append(e.getKey()).append('=').append(e.getValue().wire()).append(','));
        return out.append(FALLBACK).append('=').append(fallback.wire()).toString();
    }
}
