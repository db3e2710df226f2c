package dev.pulse.config;

import java.util.Map;

/**
 * Whether the functions trace their calls (README, "Traces"): {@code PULSE_TRACING=true}, which the construct sets with
 * its {@code tracing} prop, and the X-Ray daemon's address, which Lambda sets. Read apart from {@link PulseConfig}
 * because only the deployed wiring uses it (locally nothing is traced).
 *
 * @param daemonAddress {@code host:port} of the daemon, or null when tracing is off
 */
public record TracingConfig(String daemonAddress) {
    public static final TracingConfig OFF = new TracingConfig(null);
    /** The daemon's address when Lambda names none (its documented default). */
    public static final String DEFAULT_DAEMON_ADDRESS = "127.0.0.1:2000";

    public boolean enabled() {
        return daemonAddress != null;
    }

    public static TracingConfig fromEnvironment(Map<String, String> environment) {
        if (!"true".equalsIgnoreCase(environment.getOrDefault(Env.TRACING, "").strip())) {
            return OFF;
        }
        String address = environment.getOrDefault(Env.XRAY_DAEMON_ADDRESS, "").strip();
        // The variable may list a UDP and a TCP address ("udp:host:port tcp:host:port"): subsegments go over UDP.
        for (String part : address.split("\\s+")) {
            if (part.startsWith("udp:")) {
                address = part.substring(4);
            }
        }
        return new TracingConfig(address.isEmpty() ? DEFAULT_DAEMON_ADDRESS : address);
    }
}
