package dev.pulse.store;

import dev.pulse.support.Backoff;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Multi-item writes to one table, done the way DynamoDB requires: batches split into chunks of 25 with
 * unprocessed items retried after a jittered, growing pause, and transactions retried when they lose a
 * race ({@code TransactionConflict}), which the SDK's retry policy does not cover.
 */
public final class TableWriter {
    /** BatchWriteItem's limit per request. */
    public static final int BATCH_LIMIT = 25;
    /** TransactWriteItems' limit per request. */
    public static final int TRANSACTION_LIMIT = 100;

    private static final int MAX_ATTEMPTS = 8;
    private static final Backoff BACKOFF = new Backoff(Duration.ofMillis(25), Duration.ofSeconds(1));

    private final DynamoDbClient dynamo;
    private final String tableName;

    public TableWriter(DynamoDbClient dynamo, String tableName) {
        this.dynamo = Objects.requireNonNull(dynamo, "dynamo");
        this.tableName = ConnectionTable.requireText(tableName, "tableName");
    }

    /**
     * Writes all requests (puts and deletes, in order of chunks) and returns once every one is processed.
     *
     * @throws IllegalStateException if DynamoDB still leaves items unprocessed after all retries
     */
    public void batchWrite(List<WriteRequest> requests) {
        for (int from = 0; from < requests.size(); from += BATCH_LIMIT) {
            writeChunk(requests.subList(from, Math.min(from + BATCH_LIMIT, requests.size())));
        }
    }

    private void writeChunk(List<WriteRequest> chunk) {
        Map<String, List<WriteRequest>> pending = Map.of(tableName, List.copyOf(chunk));
        for (int attempt = 1; ; attempt++) {
            var response = dynamo.batchWriteItem(BatchWriteItemRequest.builder().requestItems(pending).build());
            var unprocessed = response.unprocessedItems().getOrDefault(tableName, List.of());
            if (unprocessed.isEmpty()) {
                return;
            }
            if (attempt == MAX_ATTEMPTS) {
                throw new IllegalStateException(unprocessed.size() + " items still unprocessed after "
                        + MAX_ATTEMPTS + " BatchWriteItem attempts on " + tableName);
            }
            BACKOFF.pause(attempt);
            pending = Map.of(tableName, new ArrayList<>(unprocessed));
        }
    }

    /**
     * Runs one transaction, retrying it when it was cancelled only because of a concurrent transaction on
     * the same items. Any other cancellation (a failed condition, say) is thrown to the caller.
     */
    public void transact(List<TransactWriteItem> items) {
        if (items.isEmpty()) {
            return;
        }
        if (items.size() > TRANSACTION_LIMIT) {
            throw new IllegalArgumentException("a transaction holds at most " + TRANSACTION_LIMIT
                    + " actions, got " + items.size());
        }
        var request = TransactWriteItemsRequest.builder().transactItems(items).build();
        for (int attempt = 1; ; attempt++) {
            try {
                dynamo.transactWriteItems(request);
                return;
            } catch (TransactionCanceledException e) {
                if (!isConflictOnly(e) || attempt == MAX_ATTEMPTS) {
                    throw e;
                }
                BACKOFF.pause(attempt);
            }
        }
    }

    private static boolean isConflictOnly(TransactionCanceledException e) {
        var reasons = e.cancellationReasons();
        if (reasons == null || reasons.isEmpty()) {
            return false;
        }
        boolean conflict = false;
        for (CancellationReason reason : reasons) {
            var code = reason.code();
            if ("TransactionConflict".equals(code)) {
                conflict = true;
            } else if (code != null && !"None".equals(code)) {
                return false;
            }
        }
        return conflict;
    }
}
