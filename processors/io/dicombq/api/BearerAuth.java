package io.dicombq.api;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;

/**
 * Checks {@code Authorization: Bearer TOKEN} against the configured tokens
 * (property {@code dicom.api.tokens}, comma-separated; empty turns authentication off).
 * Runs first in every API route, before a request body is read.
 */
public class BearerAuth implements Processor {
    private final List<byte[]> tokens;

    public BearerAuth(String commaSeparatedTokens) {
        this.tokens = commaSeparatedTokens == null ? List.of()
                : Arrays.stream(commaSeparatedTokens.split(","))
                        .map(String::trim).filter(t -> !t.isEmpty())
                        .map(t -> t.getBytes(StandardCharsets.UTF_8)).toList();
    }

    public boolean enabled() {
        return !tokens.isEmpty();
    }

    @Override
    public void process(Exchange exchange) {
        String header = exchange.getMessage().getHeader("Authorization", String.class);
        // the credential is not needed past this point: keep it out of logs and sub-routes
        exchange.getMessage().removeHeader("Authorization");
        if (!enabled()) {
            return;
        }
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new ApiException(401, "Request is missing required authentication credential."
                    + " Expected an OAuth 2 access token as 'Authorization: Bearer TOKEN'.");
        }
        byte[] offered = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        boolean ok = false;
        for (byte[] token : tokens) {
            ok |= MessageDigest.isEqual(token, offered); // constant time: no timing hints about tokens
        }
        if (!ok) {
            throw new ApiException(401, "Request had invalid authentication credentials.");
        }
    }
}
