package dev.pulse.local.gateway;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.server.Request;

/**
 * What {@code $connect} sees of the upgrade request: its headers and its decoded query string, in the
 * order received, repeated names kept.
 *
 * @param headers header name (as received) to values
 * @param query   decoded query parameter name to values
 */
record ConnectRequest(Map<String, List<String>> headers, Map<String, List<String>> query) {

    ConnectRequest {
        headers = Collections.unmodifiableMap(headers);
        query = Collections.unmodifiableMap(query);
    }

    /**
     * API Gateway adds X-Forwarded-For/-Port/-Proto to the {@code $connect} headers; handlers that read the
     * client address from them must find them here too.
     */
    static ConnectRequest of(Request request, String sourceIp) {
        var headers = new LinkedHashMap<String, List<String>>();
        for (HttpField field : request.getHeaders()) {
            headers.computeIfAbsent(field.getName(), name -> new ArrayList<>(1)).add(field.getValue());
        }
        addIfAbsent(headers, "X-Forwarded-For", sourceIp);
        addIfAbsent(headers, "X-Forwarded-Port", Integer.toString(Request.getLocalPort(request)));
        addIfAbsent(headers, "X-Forwarded-Proto", request.isSecure() ? "https" : "http");
        return new ConnectRequest(headers, parseQuery(request.getHttpURI().getQuery()));
    }

    private static void addIfAbsent(Map<String, List<String>> headers, String name, String value) {
        boolean present = headers.keySet().stream().anyMatch(name::equalsIgnoreCase);
        if (!present && value != null) {
            headers.put(name, List.of(value));
        }
    }

    /** Form-style decoding, as API Gateway does: '+' is a space, %XX are UTF-8 bytes; "a" alone means "a=". */
    static Map<String, List<String>> parseQuery(String rawQuery) {
        var query = new LinkedHashMap<String, List<String>>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return query;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            query.computeIfAbsent(name, n -> new ArrayList<>(1)).add(value);
        }
        return query;
    }

    /** Lenient: a malformed escape is kept literally rather than failing the whole connection. */
    private static String decode(String text) {
        if (text.indexOf('%') < 0 && text.indexOf('+') < 0) {
            return text;
        }
        var bytes = new ByteArrayOutputStream(text.length());
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '+') {
                bytes.write(' ');
                i++;
            } else if (c == '%' && i + 2 < text.length() && hex(text.charAt(i + 1)) >= 0 && hex(text.charAt(i + 2)) >= 0) {
                bytes.write(hex(text.charAt(i + 1)) * 16 + hex(text.charAt(i + 2)));
                i += 3;
            } else {
                int end = i + 1;
                while (end < text.length() && text.charAt(end) != '+' && text.charAt(end) != '%') {
                    end++;
                }
                bytes.writeBytes(text.substring(i, end).getBytes(StandardCharsets.UTF_8));
                i = end;
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    static int hex(char c) {
        return Character.digit(c, 16);
    }
}
