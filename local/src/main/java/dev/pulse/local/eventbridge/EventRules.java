package dev.pulse.local.eventbridge;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.event.ruler.Machine;

/**
 * The rules of the bus, matched with event-ruler, the matcher EventBridge itself uses, against the whole
 * event as delivered ({@code source}, {@code detail-type}, {@code detail.…}), so patterns behave as on AWS.
 * Filled once while the bus is built; matching is then thread-safe.
 */
final class EventRules {
    record Rule(String name, EventTarget target) {
    }

    private final Machine machine = Machine.builder().build();
    private final Map<String, EventTarget> targets = new LinkedHashMap<>();

    /** @throws IllegalArgumentException for a blank or duplicate name, a null target or an invalid pattern */
    void add(String name, String patternJson, EventTarget target) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("rule name must not be blank");
        }
        if (targets.containsKey(name)) {
            throw new IllegalArgumentException("duplicate rule name: " + name);
        }
        if (target == null) {
            throw new IllegalArgumentException("rule " + name + " needs a target");
        }
        if (patternJson == null) {
            throw new IllegalArgumentException("rule " + name + " needs an event pattern");
        }
        try {
            machine.addRule(name, patternJson);
        } catch (Exception e) {
            throw new IllegalArgumentException("invalid event pattern for rule " + name + ": " + e.getMessage(), e);
        }
        targets.put(name, target);
    }

    List<Rule> match(JsonNode event) {
        List<String> names = machine.rulesForJSONEvent(event);
        List<Rule> matched = new ArrayList<>(names.size());
        for (String name : names) {
            matched.add(new Rule(name, targets.get(name)));
        }
        return matched;
    }
}
