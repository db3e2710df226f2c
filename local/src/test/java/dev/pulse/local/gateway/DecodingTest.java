package dev.pulse.local.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The two decodings that differ: paths keep '+', query strings turn it into a space. */
class DecodingTest {

    @Test
    void pathIdsDecodeEscapesOnceAndKeepPlus() {
        assertEquals("R0o+Adf/0kwCH6w=", ManagementApi.percentDecode("R0o%2BAdf%2F0kwCH6w%3D"));
        assertEquals("a+b=", ManagementApi.percentDecode("a+b="));
        assertEquals("%2B", ManagementApi.percentDecode("%252B"));
        assertNull(ManagementApi.percentDecode("bad%zz"));
        assertNull(ManagementApi.percentDecode("bad%2"));
    }

    @Test
    void queryStringsDecodeLikeForms() {
        Map<String, List<String>> query = ConnectRequest.parseQuery("a=1&a=2&b=x+y%20z&c&d=%E2%9C%93&e=%zz&&=v");
        assertEquals(List.of("1", "2"), query.get("a"));
        assertEquals(List.of("x y z"), query.get("b"));
        assertEquals(List.of(""), query.get("c"));
        assertEquals(List.of("✓"), query.get("d"));
        assertEquals(List.of("%zz"), query.get("e"), "a malformed escape is kept, not fatal");
        assertEquals(List.of("v"), query.get(""));
        assertEquals(Map.of(), ConnectRequest.parseQuery(null));
    }
}
