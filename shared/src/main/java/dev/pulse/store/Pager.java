package dev.pulse.store;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.Function;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * The one way the stores page through a Query: each response (at most 1 MB, or the request's limit) is requested
 * only when the iterator advances to it, so a caller can work on one page while deciding whether to read the
 * next, and stop early without paying for the rest. Each {@link #iterator()} starts a fresh read.
 */
final class Pager implements Iterable<QueryResponse> {
    private final DynamoDbClient dynamo;
    private final QueryRequest first;

    Pager(DynamoDbClient dynamo, QueryRequest first) {
        this.dynamo = dynamo;
        this.first = first;
    }

    @Override
    public Iterator<QueryResponse> iterator() {
        return new Iterator<>() {
            private Map<String, AttributeValue> startKey;
            private boolean done;

            @Override
            public boolean hasNext() {
                return !done;
            }

            @Override
            public QueryResponse next() {
                if (done) {
                    throw new NoSuchElementException();
                }
                var request = startKey == null ? first : first.toBuilder().exclusiveStartKey(startKey).build();
                var response = dynamo.query(request);
                if (response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()) {
                    startKey = response.lastEvaluatedKey();
                } else {
                    done = true;
                }
                return response;
            }
        };
    }

    /** Each page mapped item by item; pages whose items all mapped to nothing (all expired) are skipped. */
    <T> Iterable<List<T>> map(Function<Map<String, AttributeValue>, T> item) {
        return () -> {
            var pages = iterator();
            return new Iterator<>() {
                private List<T> next;

                @Override
                public boolean hasNext() {
                    while (next == null && pages.hasNext()) {
                        var mapped = pages.next().items().stream().map(item).toList();
                        next = mapped.isEmpty() ? null : mapped;
                    }
                    return next != null;
                }

                @Override
                public List<T> next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    var page = next;
                    next = null;
                    return page;
                }
            };
        };
    }

    /** Every item of every page, read to the end. */
    Iterable<Map<String, AttributeValue>> items() {
        return () -> {
            var pages = iterator();
            return new Iterator<>() {
                private Iterator<Map<String, AttributeValue>> current = java.util.Collections.emptyIterator();

                @Override
                public boolean hasNext() {
                    while (!current.hasNext() && pages.hasNext()) {
                        current = pages.next().items().iterator();
                    }
                    return current.hasNext();
                }

                @Override
                public Map<String, AttributeValue> next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    return current.next();
                }
            };
        };
    }
}
