package dev.pulse.local.dynamodb;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/** DynamoDB Local needs a port number up front; ask the OS for a free one. */
final class FreePort {
    private FreePort() {
    }

    static int find() {
        try (var socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
