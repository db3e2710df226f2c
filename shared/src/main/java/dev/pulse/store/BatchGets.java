package dev.pulse.store;

import dev.pulse.support.Backoff;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

/** Strongly consistent BatchGetItem of up to 100 keys of one table, asking again for what DynamoDB left unprocessed. */
final class BatchGets {
    private BatchGets() {
    }

    /** The items found (in no particular order; keys with no item are simply absent). */
    static List<Map<String, AttributeValue>> consistent(DynamoDbClient dynamo, String tableName,
                                                        List<Map<String, AttributeValue>> keys, Backoff backoff) {
        var found = new ArrayList<Map<String, AttributeValue>>();
        Map<String, KeysAndAttributes> pending = Map.of(tableName,
                KeysAndAttributes.builder().keys(keys).consistentRead(true).build());
        for (int attempt = 1; !pending.isEmpty(); attempt++) {
            var request = pending;
            var response = dynamo.batchGetItem(b -> b.requestItems(request));
            found.addAll(response.responses().getOrDefault(tableName, List.of()));
            pending = response.unprocessedKeys();
            if (!pending.isEmpty()) {
                backoff.pause(attempt);
            }
        }
        return found;
    }
}
