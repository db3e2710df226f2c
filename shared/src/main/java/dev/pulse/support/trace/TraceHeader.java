package dev.pulse.support.trace;

/**
 * X-Ray's trace header, {@code Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1}: the trace,
 * the segment new subsegments belong to (on Lambda: the function's), and whether the trace is recorded.
 */
public record TraceHeader(String root, String parent, boolean sampled) {
    /** The header's fields, or null when it lacks a root or a parent (nothing can be attached to it). */
    public static TraceHeader parse(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String root = null;
        String parent = null;
        boolean sampled = false;
        for (String part : header.split(";")) {
            int eq = part.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String key = part.substring(0, eq).strip();
            String value = part.substring(eq + 1).strip();
            switch (key) {
                case "Root" -> root = value;
                case "Parent" -> parent = value;
                case "Sampled" -> sampled = value.equals("1");
                default -> { }
            }
        }
        return root == null || root.isEmpty() || parent == null || parent.isEmpty() ? null
                : new TraceHeader(root, parent, sampled);
    }
}
