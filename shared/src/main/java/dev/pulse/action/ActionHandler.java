package dev.pulse.action;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pulse.model.Connection;
import dev.pulse.protocol.ClientFrame;
import dev.pulse.protocol.ProtocolException;

/** One client action ({@code room.join}, {@code ping}, …). Returns the reply's data. */
@FunctionalInterface
public interface ActionHandler {
    JsonNode handle(Connection connection, ClientFrame frame) throws ActionException, ProtocolException;
}
