package dev.pulse.connection;

/**
 * The single DynamoDB table that holds connections and room memberships (the CDK stack, the local runtime
 * and the stores all take their key names from here).
 *
 * <pre>
 * pk                         sk                  what
 * c#{connectionId}           #meta               the connection: userId, workspaceId, connectedAt, ttl
 * c#{connectionId}           r#{ws}#{room}       reverse membership: "all rooms of connection C" is one Query
 * r#{ws}#{room}              c#{connectionId}    membership: "all connections in room R" is one paged Query
 * </pre>
 *
 * Membership items carry userId so the fan-out never reads per connection.
 */
public final class ConnectionTable {
    public static final String PARTITION_KEY = "pk";
    public static final String SORT_KEY = "sk";
    /** Epoch seconds; DynamoDB's TTL attribute. Reads filter on it because deletion is late (or never, locally). */
    public static final String TTL_ATTRIBUTE = "ttl";

    private ConnectionTable() {
    }
}
