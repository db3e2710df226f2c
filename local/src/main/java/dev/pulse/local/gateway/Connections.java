package dev.pulse.local.gateway;

import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;

/** The open connections by id: what {@code @connections} can reach. A connection is here only after $connect accepted it. */
final class Connections {
    private final ConcurrentHashMap<String, GatewayConnection> byId = new ConcurrentHashMap<>();

    void add(GatewayConnection connection) {
        byId.put(connection.id(), connection);
    }

    boolean contains(String id) {
        return byId.containsKey(id);
    }

    GatewayConnection get(String id) {
        return byId.get(id);
    }

    /** Removes the id so that further calls answer 410 at once, even while the close handshake runs. */
    GatewayConnection remove(String id) {
        return byId.remove(id);
    }

    void remove(GatewayConnection connection) {
        byId.remove(connection.id(), connection);
    }

    Collection<GatewayConnection> all() {
        return byId.values();
    }

    int size() {
        return byId.size();
    }
}
