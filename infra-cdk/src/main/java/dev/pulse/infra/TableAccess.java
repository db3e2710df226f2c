package dev.pulse.infra;

import java.util.List;
import java.util.Map;

/**
 * The DynamoDB actions each function's code calls, per table: what {@link PulseRealtime} grants, and nothing more
 * (no Scan, no DescribeTable, no BatchGetItem: nothing calls them). IAM has no TransactWriteItems action: each item of
 * a transaction is authorized as its own action (Put as PutItem, Update as UpdateItem, Delete as DeleteItem,
 * ConditionCheck as ConditionCheckItem). Read from the core, by the handler's entry point:
 *
 * <ul>
 *   <li>{@code ConnectHandler}: ConnectionLifecycle.connect → ConnectionStore.open (a transaction of Puts), presence
 *       join (PresenceStore UpdateItem) and the room's window (PresenceWindows UpdateItem); it posts nothing.</li>
 *   <li>{@code DisconnectHandler}: ConnectionStore.closeConnection (DeleteItem of the record, Query of its items,
 *       BatchWriteItem deleting them), presence leave (UpdateItem) and the room's window (UpdateItem).</li>
 *   <li>{@code DefaultHandler}: ActionRouter (GetItem of the connection, the rate limiter's UpdateItem, presence
 *       renewal); room.join (ConditionCheck + Puts), room.leave (Deletes), membership checks (GetItem), rooms and
 *       presence lists (Query), auth.refresh (Update + Put), presence.update (UpdateItem); on the event log,
 *       sync.request (GetItem of the head and claims, Query of events) and room.publish, which appends like the
 *       fan-out (GetItem of the head, then Update of the head and Puts of the claim and event).</li>
 *   <li>{@code FanOutHandler}: the event log append (GetItem of the head, Update of it and Puts; a redelivery's claim
 *       GetItem), the delivery mark (PutItem; GetItem on a redelivery) and the members Query; it never queries the
 *       log. Control commands (PROTOCOL §10.6) act on connections: GetItem of records and memberships, room.join's
 *       ConditionCheck + Puts, room.remove's Deletes.</li>
 *   <li>{@code TokenExpiryHandler}: TokenExpirySweeper: the expiry index (Query, DeleteItem), the connection (GetItem).</li>
 *   <li>{@code PollHandler}: PollingEndpoint: the event log only (GetItem of heads and claims, Query of events).</li>
 *   <li>{@code QueryHandler}: QueryEndpoint: the members and presence Queries, nothing else.</li>
 *   <li>{@code ShardWorkerHandler}: ShardWorker: the shard's claim and progress (UpdateItem on the event log); the
 *       members come in the message, so it reads no membership itself, and only pruning (below) touches connections.</li>
 *   <li>{@code PresenceFlushHandler}: PresenceFlusher: closes the window (DeleteItem), reads the room's presence and
 *       what was told (Query), records what it tells (BatchWriteItem), the signal limit's and the members' Queries.</li>
 * </ul>
 *
 * Every function that delivers to a room (the fan-out, $default, the presence flush) prunes the connections the delivery found gone
 * (410): a conditional DeleteItem of the record, the Query and BatchWriteItem of its items, and the presence leave
 * (UpdateItem) that follows.
 */
final class TableAccess {
    private static final String BATCH_WRITE = "dynamodb:BatchWriteItem";
    private static final String CONDITION_CHECK = "dynamodb:ConditionCheckItem";
    private static final String DELETE = "dynamodb:DeleteItem";
    private static final String GET = "dynamodb:GetItem";
    private static final String PUT = "dynamodb:PutItem";
    private static final String QUERY = "dynamodb:Query";
    private static final String UPDATE = "dynamodb:UpdateItem";

    /** Handler class → actions on the connections table. */
    static final Map<String, List<String>> CONNECTIONS = Map.of(
            "ConnectHandler", List.of(PUT, UPDATE),
            "DisconnectHandler", List.of(BATCH_WRITE, DELETE, QUERY, UPDATE),
            "DefaultHandler", List.of(BATCH_WRITE, CONDITION_CHECK, DELETE, GET, PUT, QUERY, UPDATE),
            "FanOutHandler", List.of(BATCH_WRITE, CONDITION_CHECK, DELETE, GET, PUT, QUERY, UPDATE),
            "TokenExpiryHandler", List.of(DELETE, GET, QUERY),
            "QueryHandler", List.of(QUERY),
            "ShardWorkerHandler", List.of(BATCH_WRITE, DELETE, QUERY, UPDATE),
            "PresenceFlushHandler", List.of(BATCH_WRITE, DELETE, QUERY, UPDATE));

    /** Handler class → actions on the event log table. */
    static final Map<String, List<String>> EVENTS = Map.of(
            "DefaultHandler", List.of(GET, PUT, QUERY, UPDATE),
            "FanOutHandler", List.of(GET, PUT, UPDATE),
            "PollHandler", List.of(GET, QUERY),
            "ShardWorkerHandler", List.of(UPDATE));

    private TableAccess() {
    }
}
