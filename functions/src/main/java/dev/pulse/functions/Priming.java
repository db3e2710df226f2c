package dev.pulse.functions;

import dev.pulse.delivery.Delivery;
import dev.pulse.delivery.Shard;
import dev.pulse.envelope.EnvelopeCodec;
import dev.pulse.envelope.InvalidEnvelopeException;
import dev.pulse.model.EventEnvelope;
import dev.pulse.model.Member;
import dev.pulse.model.Position;
import dev.pulse.model.Targets;
import dev.pulse.protocol.FrameParser;
import dev.pulse.protocol.Json;
import dev.pulse.protocol.ProtocolException;
import dev.pulse.protocol.ServerFrames;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.crac.Context;
import org.crac.Resource;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.PostToConnectionRequest;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

/**
 * SnapStart priming: before Lambda snapshots an initialized environment, run the code every request runs
 * (JSON reading and writing of frames and envelopes, building the SDK's request objects) so those classes are
 * loaded and initialized in the snapshot. Nothing here calls AWS: a snapshot must not hold connections or
 * credentials-dependent state. Outside a CRaC JVM (tests, the local runtime) the hook is simply never called.
 */
final class Priming implements Resource {

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        prime();
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        // Nothing to restore: SDK clients open connections lazily, credentials come from the restored environment.
    }

    /** Runs the warm-up paths; returns the event frame it built (so a test can see the paths really ran). */
    static String prime() {
        try {
            FrameParser.parse("{\"action\":\"room.join\",\"id\":\"prime\",\"data\":{\"room\":\"prime:warm\"}}");
            var data = Json.object().put("primed", true);
            var envelope = new EventEnvelope("prime-1", "pulse.prime", "prime",
                    new Targets(false, List.of(), List.of("prime:warm")), null, "prime-1", Instant.EPOCH, data);
            var event = Json.object().put("version", "0").put("id", "prime").put("detail-type", envelope.event())
                    .put("source", "pulse.prime").put("time", Instant.EPOCH.toString());
            event.set("detail", Json.MAPPER.readTree(EnvelopeCodec.toDetail(envelope)));
            var received = EnvelopeCodec.fromEventBridgeEvent(event);
            String frame = ServerFrames.event(received.content(), received.rooms().get(0).name(),
                    new Position(1, "prime"), Map.of());
            ServerFrames.replyOk("prime", data);
            // A big room's shard message, written as the fan-out writes it and read back as the shard worker reads it.
            var delivery = new Delivery(received.rooms(), List.of(new Position(1, "prime")), received.content(), null);
            Shard.fromJson(Json.MAPPER.readTree(new Shard(delivery, 0, 0, List.of(new Member("prime", "prime")))
                    .toJson().toString()));

            var key = Map.of("pk", AttributeValue.fromS("prime"), "sk", AttributeValue.fromS("prime"));
            PutItemRequest.builder().tableName("prime").item(key).build();
            DeleteItemRequest.builder().tableName("prime").key(key).build();
            QueryRequest.builder().tableName("prime").keyConditionExpression("pk = :pk")
                    .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("prime"))).build();
            PostToConnectionRequest.builder().connectionId("prime").data(SdkBytes.fromUtf8String(frame)).build();
            return frame;
        } catch (ProtocolException | InvalidEnvelopeException | com.fasterxml.jackson.core.JsonProcessingException e) {
            // The samples are fixed: failing here is a bug in this class, not a reason to refuse to start.
            throw new IllegalStateException("Priming sample rejected: " + e.getMessage(), e);
        }
    }
}
