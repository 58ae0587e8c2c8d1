package io.dicombq.row;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.LinkedHashMap;
import java.util.Map;

/** The JSON form of a parsed instance used by the corpus expectations: UIDs, row, schema, warnings. */
final class RowJson {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private RowJson() {
    }

    static String of(ParsedInstance p) throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("row", p.row().values());
        m.put("warnings", p.warnings());
        m.put("schema", p.row().schema().toJson());
        return JSON.writeValueAsString(m) + "\n";
    }
}
