package dev.pulse.local.eventbridge;

import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

/** The stock SDK client, configured as an application would point it at the local bus. */
final class BusClients {
    private BusClients() {
    }

    /** Counts HTTP calls the client actually makes (a stock SDK interceptor), to check batching. */
    static final class CallCounter implements ExecutionInterceptor {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
            calls.incrementAndGet();
        }
    }

    static EventBridgeClient client(LocalEventBus bus) {
        return client(bus, new CallCounter());
    }

    static EventBridgeClient client(LocalEventBus bus, CallCounter counter) {
        return EventBridgeClient.builder()
                .endpointOverride(bus.endpoint())
                .region(Region.of(bus.region()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(ApacheHttpClient.builder().build())
                .overrideConfiguration(c -> c.addExecutionInterceptor(counter))
                .build();
    }
}
