package dev.pulse.local.gateway;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed SigV4 {@code Authorization} header:
 * {@code AWS4-HMAC-SHA256 Credential=KEY/20260101/us-east-1/execute-api/aws4_request, SignedHeaders=host;x-amz-date, Signature=hex}.
 *
 * @param accessKeyId   the key id the caller signed with
 * @param scopeDate     {@code yyyyMMdd} of the credential scope
 * @param region        region of the credential scope
 * @param service       service of the credential scope (API Gateway's is {@code execute-api})
 * @param terminator    last scope element, {@code aws4_request}
 * @param signedHeaders lower-case header names, in the order given
 * @param signature     lower-case hex HMAC-SHA256
 */
record SigV4Header(String accessKeyId, String scopeDate, String region, String service, String terminator,
                   List<String> signedHeaders, String signature) {
    static final String ALGORITHM = "AWS4-HMAC-SHA256";

    SigV4Header {
        signedHeaders = List.copyOf(signedHeaders);
    }

    /** The header as sent back in a signature, for comparing signed-header lists. */
    String signedHeadersValue() {
        return String.join(";", signedHeaders);
    }

    /**
     * @throws SignatureRefused IncompleteSignatureException for anything that is not a complete SigV4 header,
     *                          naming each missing part as API Gateway does
     */
    static SigV4Header parse(String header) throws SignatureRefused {
        String value = header.strip();
        int space = value.indexOf(' ');
        String algorithm = space < 0 ? value : value.substring(0, space);
        if (!ALGORITHM.equals(algorithm)) {
            throw SignatureRefused.incomplete("Authorization header must use Signature Version 4 ('" + ALGORITHM
                    + " Credential=…, SignedHeaders=…, Signature=…').");
        }
        Map<String, String> parameters = parameters(space < 0 ? "" : value.substring(space + 1));
        var missing = new StringBuilder();
        for (String name : List.of("Credential", "Signature", "SignedHeaders")) {
            if (!parameters.containsKey(name) || parameters.get(name).isEmpty()) {
                missing.append("Authorization header requires '").append(name).append("' parameter. ");
            }
        }
        if (!missing.isEmpty()) {
            throw SignatureRefused.incomplete(missing.toString().strip());
        }
        String credential = parameters.get("Credential");
        String[] scope = credential.split("/", -1);
        if (scope.length != 5) {
            throw SignatureRefused.incomplete("Credential should have exactly 5 slash-delimited elements, e.g. "
                    + "keyid/date/region/service/term, got '" + credential + "'");
        }
        List<String> signed = List.of(parameters.get("SignedHeaders").split(";", -1));
        return new SigV4Header(scope[0], scope[1], scope[2], scope[3], scope[4], signed, parameters.get("Signature"));
    }

    /** {@code Name=value} pairs separated by commas; the last occurrence of a name wins. */
    private static Map<String, String> parameters(String text) {
        var parameters = new LinkedHashMap<String, String>();
        for (String part : text.split(",")) {
            int equals = part.indexOf('=');
            if (equals > 0) {
                parameters.put(part.substring(0, equals).strip(), part.substring(equals + 1).strip());
            }
        }
        return parameters;
    }
}
