package dev.pulse.local.bench;

import java.util.List;
import java.util.concurrent.atomic.DoubleAdder;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * Sums the read and write units DynamoDB (here DynamoDB Local, which computes them as DynamoDB does) reports for the
 * handlers' calls: it asks every request for {@code ReturnConsumedCapacity=TOTAL} and adds up the answers. Failed
 * calls (a lost conditional round) report nothing here, so this is what the successful calls cost.
 */
public final class CapacityCounter implements ExecutionInterceptor {
    private final DoubleAdder reads = new DoubleAdder();
    private final DoubleAdder writes = new DoubleAdder();

    @Override
    public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
        var total = ReturnConsumedCapacity.TOTAL;
        return switch (context.request()) {
            case TransactWriteItemsRequest r -> r.toBuilder().returnConsumedCapacity(total).build();
            case PutItemRequest r -> r.toBuilder().returnConsumedCapacity(total).build();
            case UpdateItemRequest r -> r.toBuilder().returnConsumedCapacity(total).build();
            case BatchWriteItemRequest r -> r.toBuilder().returnConsumedCapacity(total).build();
            case GetItemRequest r -> r.toBuilder().returnConsumedCapacity(total).build();
            case BatchGetItemRequest r -> r.toBuilder().returnConsumedCapacity(total).build();
            case QueryRequest r -> r.toBuilder().returnConsumedCapacity(total).build();
            default -> context.request();
        };
    }

    @Override
    public void afterUnmarshalling(Context.AfterUnmarshalling context, ExecutionAttributes attributes) {
        SdkResponse response = context.response();
        switch (response) {
            case TransactWriteItemsResponse r -> add(writes, r.consumedCapacity());
            case PutItemResponse r -> add(writes, r.consumedCapacity());
            case UpdateItemResponse r -> add(writes, r.consumedCapacity());
            case BatchWriteItemResponse r -> add(writes, r.consumedCapacity());
            case GetItemResponse r -> add(reads, r.consumedCapacity());
            case BatchGetItemResponse r -> add(reads, r.consumedCapacity());
            case QueryResponse r -> add(reads, r.consumedCapacity());
            default -> { }
        }
    }

    private static void add(DoubleAdder sum, ConsumedCapacity capacity) {
        if (capacity != null && capacity.capacityUnits() != null) {
            sum.add(capacity.capacityUnits());
        }
    }

    private static void add(DoubleAdder sum, List<ConsumedCapacity> capacities) {
        capacities.forEach(c -> add(sum, c));
    }

    public double reads() {
        return reads.sum();
    }

    public double writes() {
        return writes.sum();
    }

    public void reset() {
        reads.reset();
        writes.reset();
    }
}
