package dev.pulse.publish;

import java.nio.charset.StandardCharsets;
import java.util.List;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;

/**
 * The size EventBridge charges a PutEvents entry against its limit, computed the way EventBridge documents it
 * ("Calculating PutEvents event entry size"): 14 bytes if {@code Time} is set, plus the UTF-8 bytes of
 * {@code Source}, {@code DetailType}, {@code Detail} and each of {@code Resources}. JSON quoting, field names
 * and {@code EventBusName} do not count.
 *
 * <p>The limit applies to the sum of all entries of one PutEvents request. EventBridge raised it from
 * 256 KB to 1 MB in January 2026; we keep the classic 256 KB because every Pulse event ends up in WebSocket
 * messages capped at 128 KB anyway, and code that fits 256 KB runs on every EventBridge region and emulator.
 */
public final class EntrySize {
    /** The classic PutEvents limit, 256 KB, for one entry and for the sum of one request's entries. */
    public static final int MAX_BYTES = 256 * 1024;

    private static final int TIME_BYTES = 14;

    private EntrySize() {
    }

    public static int of(PutEventsRequestEntry entry) {
        return of(entry.time() != null, entry.source(), entry.detailType(), entry.detail(),
                entry.hasResources() ? entry.resources() : List.of());
    }

    /** Size from raw fields; null strings count as zero bytes. */
    public static int of(boolean hasTime, String source, String detailType, String detail, List<String> resources) {
        int size = hasTime ? TIME_BYTES : 0;
        size += utf8(source) + utf8(detailType) + utf8(detail);
        for (String resource : resources) {
            size += utf8(resource);
        }
        return size;
    }

    private static int utf8(String s) {
        return s == null ? 0 : s.getBytes(StandardCharsets.UTF_8).length;
    }
}
