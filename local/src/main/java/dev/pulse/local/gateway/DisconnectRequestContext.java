package dev.pulse.local.gateway;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;

/**
 * The request context of a {@code $disconnect} event. API Gateway sends {@code disconnectStatusCode} and
 * {@code disconnectReason}, but aws-lambda-java-events 3.16.1 has no such fields; this subclass carries them
 * so a handler that serialises the event (or casts) can still see them, while handlers typed on the
 * stock class are unaffected.
 */
public final class DisconnectRequestContext extends APIGatewayV2WebSocketEvent.RequestContext {
    private static final long serialVersionUID = 1L;

    private int disconnectStatusCode;
    private String disconnectReason;

    public int getDisconnectStatusCode() {
        return disconnectStatusCode;
    }

    public void setDisconnectStatusCode(int disconnectStatusCode) {
        this.disconnectStatusCode = disconnectStatusCode;
    }

    public String getDisconnectReason() {
        return disconnectReason;
    }

    public void setDisconnectReason(String disconnectReason) {
        this.disconnectReason = disconnectReason;
    }
}
