package dev.pulse.local;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/** {@code ./pulse local}: starts the whole system on this machine and prints how to use it. */
public final class LocalRuntime {
    private LocalRuntime() {
    }

    public static void main(String[] args) throws InterruptedException {
        var settings = LocalSettings.fromEnvironment(System.getenv());
        var system = LocalSystem.start(settings);
        var stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            system.close();
            stopped.countDown();
        }));

        String ws = system.webSocketUri().toString();
        String http = ws.replaceFirst("^ws", "http").replaceFirst("/" + settings.stage() + "$", "");
        String token = system.tokens().issue("alice", "acme", Duration.ofHours(8));
        System.out.printf("""

                Pulse local runtime is up.

                  Demo page            %s/
                  WebSocket API        %s
                  @connections API     %s/@connections/{connectionId}
                  EventBridge endpoint %s   (bus "default")
                  DynamoDB Local       %s   (table %s)
                  Development tokens   %s/dev/token?user=alice&workspace=acme

                Connect (token for user alice in workspace acme, valid 8 h):
                  npx wscat -c '%s?token=%s'
                  > {"action":"room.join","id":"1","data":{"room":"chat:42"}}

                Publish with the stock AWS CLI (any SDK works the same way):
                  aws events put-events --endpoint-url %s --region %s --entries '[{"Source":"com.acme.approvals","DetailType":"approval.created","EventBusName":"default","Detail":"{\\"envelope\\":\\"pulse.v1\\",\\"eventId\\":\\"evt-1\\",\\"workspaceId\\":\\"acme\\",\\"targets\\":{\\"workspace\\":true},\\"data\\":{\\"id\\":\\"a1\\",\\"title\\":\\"Budget\\"}}"}]'

                Ctrl-C stops everything (all state is in memory).
                """, http, ws, system.managementEndpoint(), system.eventBridgeEndpoint(), system.dynamoDbEndpoint(),
                LocalSystem.CONNECTIONS_TABLE, http, ws, token, system.eventBridgeEndpoint(), settings.region());
        stopped.await();
    }
}
