package dev.pulse.connection;

import dev.pulse.model.Identity;

/**
 * The answer to a {@code $connect}: a status for API Gateway (2xx accepts the upgrade, anything else
 * refuses it with that status), the subprotocol to answer, and who connected.
 */
public record ConnectOutcome(int status, String subprotocol, Identity identity, String reason) {

    public static ConnectOutcome accepted(Identity identity, String subprotocol) {
        return new ConnectOutcome(200, subprotocol, identity, null);
    }

    public static ConnectOutcome refused(int status, String reason) {
        return new ConnectOutcome(status, null, null, reason);
    }

    public boolean isAccepted() {
        return status >= 200 && status < 300;
    }
}
