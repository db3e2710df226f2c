package dev.pulse.infra;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.services.events.CfnRule;
import software.amazon.awscdk.services.events.EventPattern;
import software.amazon.awscdk.services.events.Rule;

/**
 * Turns an EventBridge pattern written as JSON (as in {@code FanOutRule.PATTERN}, shared with the local bus)
 * into the CDK's {@link EventPattern}, so the deployed rule matches exactly what the local bus matches.
 */
final class EventPatterns {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private EventPatterns() {
    }

    static EventPattern fromJson(String json) {
        Map<String, Object> pattern;
        try {
            pattern = MAPPER.readValue(json, new TypeReference<Map<String, Object>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Event pattern is not a JSON object: " + json, e);
        }
        if (pattern == null || pattern.isEmpty()) {
            throw new IllegalArgumentException("Event pattern is empty: " + json);
        }
        var builder = EventPattern.builder();
        pattern.forEach((field, value) -> {
            switch (field) {
                case "detail" -> builder.detail(object(field, value));
                case "source" -> builder.source(strings(field, value));
                case "detail-type" -> builder.detailType(strings(field, value));
                case "account" -> builder.account(strings(field, value));
                case "region" -> builder.region(strings(field, value));
                case "resources" -> builder.resources(strings(field, value));
                case "id" -> builder.id(strings(field, value));
                case "time" -> builder.time(strings(field, value));
                case "version" -> builder.version(strings(field, value));
                default -> throw new IllegalArgumentException("Unsupported event pattern field '" + field + "' in " + json);
            }
        });
        return builder.build();
    }

    /**
     * Builds a rule whose pattern is the JSON exactly as written. For patterns the CDK's {@link EventPattern} cannot
     * type (content filters such as {@code prefix} on {@code detail-type}, or {@code $or}), as the catalog's routing
     * rule needs: the rule is built with a stand-in pattern, then its CloudFormation {@code EventPattern} is replaced.
     */
    static Rule ruleWithPattern(Rule.Builder builder, String json) {
        Map<String, Object> pattern;
        try {
            pattern = MAPPER.readValue(json, new TypeReference<Map<String, Object>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Event pattern is not a JSON object: " + json, e);
        }
        if (pattern == null || pattern.isEmpty()) {
            throw new IllegalArgumentException("Event pattern is empty: " + json);
        }
        Rule rule = builder.eventPattern(EventPattern.builder().source(List.of("pulse.replaced")).build()).build();
        var cfn = (CfnRule) rule.getNode().getDefaultChild();
        // Overrides merge into what the construct renders, so the stand-in's source must go unless replaced.
        cfn.addPropertyOverride("EventPattern", pattern);
        if (!pattern.containsKey("source")) {
            cfn.addPropertyDeletionOverride("EventPattern.source");
        }
        return rule;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(String field, Object value) {
        if (!(value instanceof Map<?, ?> map) || map.isEmpty()) {
            throw new IllegalArgumentException("Event pattern field '" + field + "' must be a non-empty object");
        }
        return (Map<String, Object>) map;
    }

    /** Envelope fields are typed as string lists in the CDK; content filters (prefix, …) only work in detail. */
    private static List<String> strings(String field, Object value) {
        if (!(value instanceof List<?> list) || list.isEmpty()) {
            throw new IllegalArgumentException("Event pattern field '" + field + "' must be a non-empty array");
        }
        var result = new ArrayList<String>(list.size());
        for (Object item : list) {
            if (!(item instanceof String s)) {
                throw new IllegalArgumentException("Event pattern field '" + field + "' supports only strings here: " + item);
            }
            result.add(s);
        }
        return result;
    }
}
