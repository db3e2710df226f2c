package dev.pulse.support.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.pulse.config.TracingConfig;
import java.net.InetSocketAddress;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The trace header as Lambda passes it, the daemon's address as Lambda sets it, and when tracing is on. */
class TraceHeaderTest {
    @Test
    void readsRootParentAndSampledInAnyOrder() {
        assertEquals(new TraceHeader("1-5759e988-bd862e3fe1be46a994272793", "53995c3f42cd8ad8", true),
                TraceHeader.parse("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"));
        assertEquals(new TraceHeader("1-a-b", "p", false), TraceHeader.parse("Sampled=0;Lineage=x:1;Parent=p;Root=1-a-b"));
        assertEquals(new TraceHeader("1-a-b", "p", false), TraceHeader.parse("Root=1-a-b;Parent=p"));
    }

    @Test
    void aHeaderWithoutRootOrParentIsNone() {
        assertNull(TraceHeader.parse(null));
        assertNull(TraceHeader.parse(""));
        assertNull(TraceHeader.parse("Root=1-a-b;Sampled=1"));
        assertNull(TraceHeader.parse("Parent=p;Sampled=1"));
        assertNull(TraceHeader.parse("garbage"));
    }

    @Test
    void tracingIsOnOnlyWhenAskedAndFindsTheDaemonsUdpAddress() {
        assertEquals(TracingConfig.OFF, TracingConfig.fromEnvironment(Map.of("AWS_XRAY_DAEMON_ADDRESS", "169.254.79.129:2000")));
        assertEquals("169.254.79.129:2000", TracingConfig.fromEnvironment(Map.of("PULSE_TRACING", "true",
                "AWS_XRAY_DAEMON_ADDRESS", "169.254.79.129:2000")).daemonAddress());
        assertEquals("127.0.0.1:2000", TracingConfig.fromEnvironment(Map.of("PULSE_TRACING", "true",
                "AWS_XRAY_DAEMON_ADDRESS", "tcp:127.0.0.1:2000 udp:127.0.0.1:2000")).daemonAddress());
        assertEquals(TracingConfig.DEFAULT_DAEMON_ADDRESS, TracingConfig.fromEnvironment(Map.of("PULSE_TRACING", "true"))
                .daemonAddress());
        assertEquals(new InetSocketAddress("169.254.79.129", 2000), XRayDaemonTracer.address("169.254.79.129:2000"));
    }
}
