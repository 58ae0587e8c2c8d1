package io.dicombq.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dicombq.stream.StreamConfig;
import io.dicombq.stream.StreamConfigs;
import io.dicombq.warehouse.TableRef;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The store resource as JSON, shaped like the Healthcare API's DicomStore:
 * {@code {name, streamConfigs:[{bigqueryDestination:{tableUri, includeSourceStore}}]}}.
 * PATCH bodies are checked field by field here so that a mistake is a 400 naming the field
 * ({@code streamConfigs[5]: ...}); {@link StreamConfigs#replace} checks again before it applies them.
 */
public class StreamConfigsJson {
    static final int MAX_CONFIGS = 5;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String storeName;

    public StreamConfigsJson(String storeName) {
        this.storeName = storeName;
    }

    /** GET: the store with its current stream configs. */
    public Map<String, Object> store(Exchange exchange) {
        List<Object> configs = new ArrayList<>();
        for (StreamConfig c : streamConfigs(exchange).list()) {
            Map<String, Object> destination = new LinkedHashMap<>();
            destination.put("tableUri", c.table().uri());
            if (c.includeSourceStore()) {
                destination.put("includeSourceStore", true);
            }
            configs.add(Map.of("bigqueryDestination", destination));
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", storeName);
        json.put("streamConfigs", configs);
        return json;
    }

    /** PATCH {@code ?updateMask=streamConfigs}: replaces the stream configs, answers the updated store. */
    public Map<String, Object> patch(Exchange exchange) throws Exception {
        Message in = exchange.getMessage();
        String mask = in.getHeader("updateMask", String.class);
        if (mask == null || mask.isBlank()) {
            throw ApiException.badRequest("updateMask is required; the only updatable field is streamConfigs");
        }
        for (String field : mask.split(",")) {
            if (!"streamConfigs".equals(field.trim())) {
                throw ApiException.badRequest("updateMask: field '" + StorePath.printable(field.trim())
                        + "' cannot be updated; the only updatable field is streamConfigs");
            }
        }
        List<StreamConfig> configs = parse(readJson(in.getBody(String.class)));
        try {
            streamConfigs(exchange).replace(configs);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage()); // StreamConfigs names the field itself
        }
        return store(exchange);
    }

    /** The lead's bean, looked up per call so the route files do not depend on bean creation order. */
    private static StreamConfigs streamConfigs(Exchange exchange) {
        StreamConfigs bean = exchange.getContext().getRegistry().lookupByNameAndType("streamConfigs", StreamConfigs.class);
        if (bean == null) {
            throw new IllegalStateException("no bean 'streamConfigs' of type " + StreamConfigs.class.getName());
        }
        return bean;
    }

    private static Object readJson(String body) {
        if (body == null || body.isBlank()) {
            throw ApiException.badRequest("request body is empty; expected a DicomStore JSON object");
        }
        try {
            return JSON.readValue(body, Object.class);
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("request body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    /** Reads and checks the {@code streamConfigs} of a PATCH body already parsed as JSON. */
    static List<StreamConfig> parse(Object body) {
        if (!(body instanceof Map<?, ?> store)) {
            throw ApiException.badRequest("request body must be a JSON object (a DicomStore)");
        }
        for (Object key : store.keySet()) {
            if (!"streamConfigs".equals(key) && !"name".equals(key)) {
                throw ApiException.badRequest("unknown or read-only field '" + key + "' in DicomStore");
            }
        }
        Object list = store.get("streamConfigs");
        if (list == null) {
            return List.of(); // updateMask names streamConfigs and the body has none: clear the list
        }
        if (!(list instanceof List<?> items)) {
            throw ApiException.badRequest("streamConfigs: must be a list");
        }
        if (items.size() > MAX_CONFIGS) {
            throw ApiException.badRequest("streamConfigs[" + MAX_CONFIGS + "]: at most " + MAX_CONFIGS
                    + " stream configs are allowed, got " + items.size());
        }
        List<StreamConfig> configs = new ArrayList<>();
        Set<TableRef> seen = new HashSet<>();
        for (int i = 0; i < items.size(); i++) {
            StreamConfig config = parseOne("streamConfigs[" + i + "]", items.get(i));
            if (!seen.add(config.table())) {
                throw ApiException.badRequest("streamConfigs[" + i + "].bigqueryDestination.tableUri: "
                        + config.table().uri() + " is already the destination of another stream config");
            }
            configs.add(config);
        }
        return configs;
    }

    private static StreamConfig parseOne(String field, Object item) {
        if (!(item instanceof Map<?, ?> config)) {
            throw ApiException.badRequest(field + ": must be an object");
        }
        for (Object key : config.keySet()) {
            if (!"bigqueryDestination".equals(key)) {
                throw ApiException.badRequest(field + ": unknown field '" + key + "'");
            }
        }
        if (!(config.get("bigqueryDestination") instanceof Map<?, ?> destination)) {
            throw ApiException.badRequest(field + ".bigqueryDestination: required, must be an object");
        }
        for (Object key : destination.keySet()) {
            if (!"tableUri".equals(key) && !"includeSourceStore".equals(key)) {
                throw ApiException.badRequest(field + ".bigqueryDestination: unknown field '" + key + "'");
            }
        }
        Object uri = destination.get("tableUri");
        if (!(uri instanceof String tableUri)) {
            throw ApiException.badRequest(field + ".bigqueryDestination.tableUri: required, must be a string");
        }
        TableRef table;
        try {
            table = TableRef.parse(tableUri);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(field + ".bigqueryDestination.tableUri: " + e.getMessage());
        }
        Object include = destination.get("includeSourceStore");
        if (include != null && !(include instanceof Boolean)) {
            throw ApiException.badRequest(field + ".bigqueryDestination.includeSourceStore: must be true or false");
        }
        return new StreamConfig(table, Boolean.TRUE.equals(include));
    }
}
