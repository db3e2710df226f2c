package dev.pulse.local.eventbridge;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pulse.protocol.Json;
import dev.pulse.publish.EntrySize;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * PutEvents with EventBridge's semantics: whole-request checks (1–10 entries, total size) fail the call;
 * per-entry checks fail only that entry ({@code ErrorCode}/{@code ErrorMessage} in its result slot,
 * counted in {@code FailedEntryCount}); every accepted entry becomes the event EventBridge delivers,
 * matched against the rules and handed to {@link Deliveries}. Error codes and messages are EventBridge's.
 *
 * <p>One deliberate difference: real EventBridge accepts entries for a bus that does not exist and silently
 * drops them (a long-standing complaint, aws/aws-sdk#186). Locally such an entry fails with
 * {@code ResourceNotFoundException}, so a misconfigured bus name shows up on the laptop instead of as
 * missing events in production.
 */
final class PutEventsOperation {
    static final String ACCOUNT = "000000000000";
    static final int MAX_ENTRIES = 10;
    private static final DateTimeFormatter EVENT_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
    // A Detail of '{}garbage' is not JSON; the default reader would stop after '{}' and accept it.
    private static final ObjectReader STRICT = Json.MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private record Entry(String source, String detailType, String detail, String eventBusName,
                         List<String> resources, Instant time) {
        int size() {
            return EntrySize.of(time != null, source, detailType, detail, resources);
        }
    }

    private final String busName;
    private final String region;
    private final EventRules rules;
    private final Deliveries deliveries;
    private final Clock clock;

    PutEventsOperation(String busName, String region, EventRules rules, Deliveries deliveries, Clock clock) {
        this.busName = busName;
        this.region = region;
        this.rules = rules;
        this.deliveries = deliveries;
        this.clock = clock;
    }

    ObjectNode handle(JsonNode request) throws AwsError {
        if (request == null || !request.isObject()) {
            throw AwsError.serialization("Request body must be a JSON object");
        }
        JsonNode entriesNode = request.get("Entries");
        if (entriesNode == null || entriesNode.isNull()) {
            throw AwsError.validation("1 validation error detected: Value null at 'entries' failed to satisfy "
                    + "constraint: Member must not be null");
        }
        if (!entriesNode.isArray()) {
            throw AwsError.serialization("Entries must be a list");
        }
        if (entriesNode.isEmpty()) {
            throw AwsError.validation("1 validation error detected: Value '[]' at 'entries' failed to satisfy "
                    + "constraint: Member must have length greater than or equal to 1");
        }
        if (entriesNode.size() > MAX_ENTRIES) {
            throw AwsError.validation("1 validation error detected: Value at 'entries' failed to satisfy "
                    + "constraint: Member must have length less than or equal to " + MAX_ENTRIES);
        }
        List<Entry> entries = new ArrayList<>(entriesNode.size());
        long total = 0;
        for (JsonNode node : entriesNode) {
            Entry entry = parse(node);
            entries.add(entry);
            total += entry.size();
        }
        // EventBridge limits the sum of the entries of one request, so one oversized entry fails the call.
        if (total > EntrySize.MAX_BYTES) {
            throw AwsError.validation("Total size of the entries in the request is over the limit.");
        }
        ObjectNode response = Json.object();
        ArrayNode results = Json.MAPPER.createArrayNode();
        int failed = 0;
        for (Entry entry : entries) {
            ObjectNode result = accept(entry);
            if (result.has("ErrorCode")) {
                failed++;
            }
            results.add(result);
        }
        response.put("FailedEntryCount", failed);
        response.set("Entries", results);
        return response;
    }

    private ObjectNode accept(Entry entry) {
        if (blank(entry.source())) {
            return requiredArgument("Source");
        }
        if (blank(entry.detailType())) {
            return requiredArgument("DetailType");
        }
        if (blank(entry.detail())) {
            return requiredArgument("Detail");
        }
        JsonNode detail;
        try {
            detail = STRICT.readTree(entry.detail());
        } catch (JsonProcessingException e) {
            detail = null;
        }
        if (detail == null || !detail.isObject()) {
            return error("MalformedDetail", "Detail is malformed.");
        }
        if (entry.source().startsWith("aws.")) {
            return error("NotAuthorizedForSourceException", "Not authorized for the source.");
        }
        String bus = busNameOf(entry.eventBusName());
        if (!bus.equals(busName)) {
            return error("ResourceNotFoundException", "Event bus " + bus + " does not exist.");
        }
        String eventId = UUID.randomUUID().toString();
        ObjectNode event = deliveredEvent(eventId, entry, detail);
        String eventJson = event.toString();
        for (EventRules.Rule rule : rules.match(event)) {
            deliveries.submit(rule.name(), rule.target(), eventId, eventJson);
        }
        ObjectNode result = Json.object();
        result.put("EventId", eventId);
        return result;
    }

    /** The event exactly as EventBridge hands it to targets: detail parsed, time to the second. */
    private ObjectNode deliveredEvent(String eventId, Entry entry, JsonNode detail) {
        ObjectNode event = Json.object();
        event.put("version", "0");
        event.put("id", eventId);
        event.put("detail-type", entry.detailType());
        event.put("source", entry.source());
        event.put("account", ACCOUNT);
        event.put("time", EVENT_TIME.format(entry.time() != null ? entry.time() : clock.instant()));
        event.put("region", region);
        ArrayNode resources = event.putArray("resources");
        entry.resources().forEach(resources::add);
        event.set("detail", detail);
        return event;
    }

    /** EventBusName may be a name or an ARN ({@code arn:aws:events:region:account:event-bus/name}). */
    private static String busNameOf(String eventBusName) {
        if (blank(eventBusName)) {
            return "default";
        }
        int slash = eventBusName.lastIndexOf("event-bus/");
        return eventBusName.startsWith("arn:") && slash >= 0
                ? eventBusName.substring(slash + "event-bus/".length())
                : eventBusName;
    }

    private static Entry parse(JsonNode node) throws AwsError {
        if (!node.isObject()) {
            throw AwsError.serialization("Each entry must be a JSON object");
        }
        List<String> resources = new ArrayList<>();
        JsonNode resourcesNode = node.get("Resources");
        if (resourcesNode != null && !resourcesNode.isNull()) {
            if (!resourcesNode.isArray()) {
                throw AwsError.serialization("Resources must be a list of strings");
            }
            for (JsonNode resource : resourcesNode) {
                if (!resource.isTextual()) {
                    throw AwsError.serialization("Resources must be a list of strings");
                }
                resources.add(resource.asText());
            }
        }
        return new Entry(text(node, "Source"), text(node, "DetailType"), text(node, "Detail"),
                text(node, "EventBusName"), resources, time(node.get("Time")));
    }

    /** The AWS JSON protocol sends timestamps as epoch seconds (fractional); ISO-8601 strings are accepted too. */
    private static Instant time(JsonNode node) throws AwsError {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isNumber()) {
            BigDecimal seconds = node.decimalValue();
            long whole = seconds.longValue();
            int nanos = seconds.subtract(BigDecimal.valueOf(whole)).movePointRight(9).intValue();
            return Instant.ofEpochSecond(whole, nanos).truncatedTo(ChronoUnit.SECONDS);
        }
        if (node.isTextual()) {
            try {
                return Instant.parse(node.asText()).truncatedTo(ChronoUnit.SECONDS);
            } catch (DateTimeParseException e) {
                throw AwsError.serialization("Time is not a valid timestamp: " + node.asText());
            }
        }
        throw AwsError.serialization("Time must be a timestamp");
    }

    private static String text(JsonNode entry, String field) throws AwsError {
        JsonNode value = entry.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw AwsError.serialization(field + " must be a string");
        }
        return value.asText();
    }

    private static ObjectNode requiredArgument(String field) {
        return error("InvalidArgument",
                "Parameter " + field + " is not valid. Reason: " + field + " is a required argument.");
    }

    private static ObjectNode error(String code, String message) {
        ObjectNode result = Json.object();
        result.put("ErrorCode", code);
        result.put("ErrorMessage", message);
        return result;
    }

    private static boolean blank(String s) {
        return s == null || s.isEmpty();
    }
}
