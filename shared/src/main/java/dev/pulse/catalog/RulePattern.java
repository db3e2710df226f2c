package dev.pulse.catalog;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pulse.protocol.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The EventBridge event pattern that takes exactly the domain events a catalog's routes match, for one rule on AWS
 * and on the local bus alike. Per source (or none), the exact names and prefixes the routes take; several sources
 * combine with {@code $or}, so an event matched by several routes still reaches the fan-out once. Every branch
 * requires that the detail has no {@code envelope}: enveloped events go through the fan-out rule with their own
 * targets, never twice.
 * <pre>{"source":["famly.tasks"],"detail-type":[{"prefix":"task."}],"detail":{"envelope":[{"exists":false}]}}</pre>
 */
public final class RulePattern {
    /** Name of the routing rule, next to {@code FanOutRule.RULE_NAME}. */
    public static final String RULE_NAME = "pulse-routes";

    private RulePattern() {
    }

    /** The pattern JSON, or empty when there are no routes. */
    public static Optional<String> of(List<Route> routes) {
        Map<String, List<Route>> bySource = new LinkedHashMap<>();
        for (Route route : routes) {
            bySource.computeIfAbsent(route.source() == null ? "" : route.source(), s -> new ArrayList<>()).add(route);
        }
        var branches = new ArrayList<ObjectNode>();
        bySource.forEach((source, group) -> branches.add(branch(source, group)));
        if (branches.isEmpty()) {
            return Optional.empty();
        }
        if (branches.size() == 1) {
            return Optional.of(branches.getFirst().toString());
        }
        ObjectNode pattern = Json.object();
        ArrayNode or = pattern.putArray("$or");
        branches.forEach(or::add);
        return Optional.of(pattern.toString());
    }

    private static ObjectNode branch(String source, List<Route> routes) {
        ObjectNode branch = Json.object();
        if (!source.isEmpty()) {
            branch.putArray("source").add(source);
        }
        var exact = new LinkedHashSet<String>();
        var prefixes = new LinkedHashSet<String>();
        for (Route route : routes) {
            if (route.detailType().exact() != null) {
                exact.add(route.detailType().exact());
            } else {
                prefixes.add(route.detailType().prefix());
            }
        }
        ArrayNode detailType = branch.putArray("detail-type");
        exact.forEach(detailType::add);
        prefixes.forEach(p -> detailType.addObject().put("prefix", p));
        branch.putObject("detail").putArray("envelope").addObject().put("exists", false);
        return branch;
    }
}
