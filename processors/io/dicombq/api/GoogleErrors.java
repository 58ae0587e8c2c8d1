package io.dicombq.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.direct.DirectConsumerNotAvailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Answers a failed API call the way Google APIs do:
 * {@code {"error":{"code":400,"message":"...","status":"INVALID_ARGUMENT"}}}.
 * Used as the error handler of every API route; never leaks a stack trace to the caller.
 */
public class GoogleErrors implements Processor {
    private static final Logger LOG = LoggerFactory.getLogger(GoogleErrors.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public void process(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        int code;
        String message;
        ApiException api = find(cause, ApiException.class);
        DirectConsumerNotAvailableException missing = find(cause, DirectConsumerNotAvailableException.class);
        if (api != null) {
            code = api.httpStatus();
            message = api.getMessage();
        } else if (find(cause, IllegalArgumentException.class) != null) {
            // the bundle's validators (UIDs, table URIs, gcsSource.uri) throw this with a message naming the field
            code = 400;
            message = find(cause, IllegalArgumentException.class).getMessage();
        } else if (missing != null) {
            // an optional part of the bundle (import, export) is not deployed
            code = 501;
            message = "this operation is not available in this deployment";
        } else {
            code = 500;
            message = "internal error; see the server log";
            LOG.error("API call {} {} failed", exchange.getMessage().getHeader(Exchange.HTTP_METHOD),
                    exchange.getMessage().getHeader(Exchange.HTTP_PATH), cause);
        }
        RequestBodyStream.discard(exchange.getMessage().getBody());
        write(exchange.getMessage(), code, message);
    }

    /** Writes the error response into {@code message}: status, JSON content type, body. */
    public static void write(Message message, int code, String text) {
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, code);
        message.setHeader(Exchange.CONTENT_TYPE, "application/json; charset=utf-8");
        if (code == 401) {
            message.setHeader("WWW-Authenticate", "Bearer");
        }
        message.setBody(body(code, text));
    }

    public static String body(int code, String text) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code);
        error.put("message", text);
        error.put("status", status(code));
        try {
            return JSON.writeValueAsString(Map.of("error", error));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e); // a map of strings and ints always serialises
        }
    }

    /** Google's canonical status names for the HTTP codes this API uses. */
    static String status(int code) {
        return switch (code) {
            case 400, 415 -> "INVALID_ARGUMENT";
            case 401 -> "UNAUTHENTICATED";
            case 403 -> "PERMISSION_DENIED";
            case 404 -> "NOT_FOUND";
            case 405, 501 -> "UNIMPLEMENTED";
            case 409 -> "ALREADY_EXISTS";
            case 413, 429 -> "RESOURCE_EXHAUSTED";
            case 503 -> "UNAVAILABLE";
            default -> "INTERNAL";
        };
    }

    private static <T extends Throwable> T find(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }
}
