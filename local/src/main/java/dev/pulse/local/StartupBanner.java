package dev.pulse.local;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pulse.catalog.EventCatalog;
import dev.pulse.catalog.UnknownEvents;
import dev.pulse.envelope.EnvelopeCodec;
import dev.pulse.model.EventEnvelope;
import dev.pulse.model.Targets;
import dev.pulse.protocol.Json;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * What {@code ./pulse local} prints once it is up: where everything listens, which catalog validates events, and
 * copy-paste commands that work as printed (the sample event is HYVVE's, valid also when PULSE_CATALOG=hyvve
 * validates events).
 */
final class StartupBanner {
    /** The sample's user and workspace, the same as the demo page's defaults. */
    static final String USER = "alice";
    static final String WORKSPACE = "acme";
    /**
     * The local bus checks no signature, but the AWS CLI and every SDK refuse to send a request they cannot sign
     * ("Unable to locate credentials"): these dummy values are what the commands below carry (any would do).
     */
    static final String DUMMY_CREDENTIALS = "AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local";

    private StartupBanner() {
    }

    static String text(LocalSystem system, LocalSettings settings, Instant now) {
        String ws = system.webSocketUri().toString();
        String http = ws.replaceFirst("^ws", "http").replaceFirst("/" + settings.stage() + "$", "");
        String token = system.tokens().issue(USER, WORKSPACE, Duration.ofHours(8));
        return """

                Pulse local runtime is up.

                  Demo page            %s/
                  Admin page           %s/admin   (connections, rooms, events, refusals, metrics; local only)
                  WebSocket API        %s
                  @connections API     %s/@connections/{connectionId}
                                       (SigV4, service execute-api, region %s, access key "%s", secret "%s")
                  EventBridge endpoint %s   (bus "default")
                  DynamoDB Local       %s   (table %s)
                  Development tokens   %s/dev/token?user=%s&workspace=%s

                %s

                Connect (token for user %s in workspace %s, valid 8 h):
                  npx wscat -c '%s?token=%s'
                  > {"action":"room.join","id":"1","data":{"room":"chat:42"}}

                Publish with the stock AWS CLI (change eventId to publish again, as duplicates are dropped). The local
                bus checks no signature, but the CLI and the SDKs sign every request and stop with "Unable to locate
                credentials" without any: these dummy ones do.
                  %s aws events put-events --endpoint-url %s --region %s --entries '%s'
                Any SDK the same way, e.g. boto3:
                  boto3.client("events", endpoint_url="%s", region_name="%s",
                               aws_access_key_id="local", aws_secret_access_key="local")

                Ctrl-C stops everything (all state is in memory).
                """.formatted(http, http, ws, system.managementEndpoint(), settings.region(),
                LocalSystem.LOCAL_CREDENTIALS.resolveCredentials().accessKeyId(),
                LocalSystem.LOCAL_CREDENTIALS.resolveCredentials().secretAccessKey(), system.eventBridgeEndpoint(),
                system.dynamoDbEndpoint(), LocalSystem.CONNECTIONS_TABLE, http, USER, WORKSPACE,
                catalogNote(system.catalog().orElse(null)), USER, WORKSPACE, ws, token, DUMMY_CREDENTIALS,
                system.eventBridgeEndpoint(), settings.region(), putEventsEntries(now), system.eventBridgeEndpoint(),
                settings.region());
    }

    /** Which catalog checks events, what it does to a bad one, and the settings that change that. */
    static String catalogNote(EventCatalog catalog) {
        if (catalog == null) {
            return """
                    Event catalog: none, as in a deployment without -c catalog: events are delivered by their envelope,
                    unvalidated. PULSE_CATALOG=hyvve ./pulse local validates them (and routes HYVVE's raw domain events)
                    with the HYVVE catalog the demo page's payloads follow, as cdk deploy -c catalog=hyvve does.""";
        }
        String undeclared = catalog.unknownEvents() == UnknownEvents.STRICT
                ? "Undeclared event names are refused too (PULSE_UNKNOWN_EVENTS=permissive lets them through)."
                : "Undeclared event names pass unvalidated (unknownEvents is permissive).";
        // A shipped catalog has generated docs in the repository; any other is named by where it was read.
        String where = catalog.origin().startsWith("classpath:catalogs/") ? "docs/catalog/" + catalog.app() + ".md"
                : catalog.origin();
        return """
                Event catalog: %s (%s, %s). Every event's payload is validated against its schema:
                /dev/publish answers 400 naming the failing JSON path; an invalid event put on the bus reaches no
                client (it is dead-lettered). %s
                Without PULSE_CATALOG (as without -c catalog when deployed) nothing is validated; PULSE_CATALOG=<app> picks
                another catalog."""
                .formatted(catalog.app(), catalog.unknownEvents().value(), where, undeclared);
    }

    /** An {@code approval.created} item as HYVVE's approval service emits it: valid under the HYVVE catalog. */
    static ObjectNode sampleApproval(Instant now) {
        return Json.object()
                .put("id", "appr_1")
                .put("workspaceId", WORKSPACE)
                .put("type", "content")
                .put("title", "Budget review")
                .put("status", "pending")
                .put("priority", "high")
                .put("confidenceScore", 82)
                .put("createdAt", now.truncatedTo(ChronoUnit.SECONDS).toString());
    }

    /** The {@code --entries} JSON of the sample: one enveloped {@code approval.created} to the whole workspace. */
    static String putEventsEntries(Instant now) {
        String detail = EnvelopeCodec.toDetail(new EventEnvelope("evt-1", "approval.created", WORKSPACE,
                new Targets(true, List.of(), List.of()), null, null, now.truncatedTo(ChronoUnit.SECONDS),
                sampleApproval(now)));
        ArrayNode entries = Json.MAPPER.createArrayNode();
        entries.addObject()
                .put("Source", "com.hyvve.approvals")
                .put("DetailType", "approval.created")
                .put("EventBusName", "default")
                .put("Detail", detail);
        return entries.toString();
    }
}
