package io.dicombq.bigquery;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.google.api.client.http.AbstractHttpContent;
import com.google.api.client.http.HttpContent;
import com.google.api.client.http.HttpMediaType;
import com.google.api.client.http.json.JsonHttpContent;
import com.google.api.client.util.ClassInfo;
import com.google.api.client.util.Data;
import com.google.api.services.bigquery.model.TableDataInsertAllRequest;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An insertAll request's JSON body made of its rows' {@link RowJson} bytes, in place of the
 * client's own writer (Google's object walk over Gson, a character writer and a charset
 * encoder), which took most of the delivery side's CPU in the bench's (g).
 *
 * <p>A row's bytes are the ones {@link CamelBigQueryDelivery} made to size the request, when
 * they were {@linkplain #remember remembered} on this thread under the row's insertId (that
 * very String, which the client passes on as it is) and the row still holds the values they
 * were made of; otherwise they are made here. A request
 * with a row {@link RowJson} has no encoding for, or with a field the request model gained in
 * a newer client, is left to the client's writer.
 */
final class InsertAllBody extends AbstractHttpContent {

    /** The request model's fields this writes; a client whose model has others keeps its own writer. */
    static final Set<String> REQUEST_FIELDS = Set.of("ignoreUnknownValues", "kind", "rows", "skipInvalidRows",
            "templateSuffix", "traceId");
    static final Set<String> ROW_FIELDS = Set.of("insertId", "json");
    static final boolean MODEL_AS_KNOWN =
            new HashSet<>(ClassInfo.of(TableDataInsertAllRequest.class).getNames()).equals(REQUEST_FIELDS)
                    && new HashSet<>(ClassInfo.of(TableDataInsertAllRequest.Rows.class).getNames()).equals(ROW_FIELDS);

    /** Row JSON made on this thread for the insertAll it is sending, by insertId instance. */
    private static final ThreadLocal<Map<String, Made>> REMEMBERED = ThreadLocal.withInitial(IdentityHashMap::new);

    /** A row's JSON and the map it was made of. */
    private record Made(Map<String, ?> content, byte[] json) {
        /**
         * True when the client's copy of the row holds the very values the JSON was made of: a
         * route step that replaced the row, or added, dropped or replaced a column, gets its row
         * written anew.
         */
        boolean of(Map<String, Object> sent) {
            if (sent.size() != content.size()) {
                return false;
            }
            for (Map.Entry<String, Object> e : sent.entrySet()) {
                if (content.get(e.getKey()) != e.getValue() || e.getValue() == null && !content.containsKey(e.getKey())) {
                    return false;
                }
            }
            return true;
        }
    }

    private final TableDataInsertAllRequest request;
    private final byte[][] rows;

    private InsertAllBody(HttpMediaType mediaType, TableDataInsertAllRequest request, byte[][] rows) {
        super(mediaType);
        this.request = request;
        this.rows = rows;
    }

    /**
     * Keeps {@code json}, the {@link RowJson} of {@code content}, for the insertAll this thread
     * sends next, under that insertId.
     */
    static void remember(String insertId, Map<String, ?> content, byte[] json) {
        if (insertId != null && content != null && json != null) {
            REMEMBERED.get().put(insertId, new Made(content, json));
        }
    }

    /** Drops what {@link #remember} kept on this thread; the sender calls it once its insertAll is answered. */
    static void forget() {
        REMEMBERED.get().clear();
    }

    /** This body in place of {@code content} when it is an insertAll request this writes as the client would; else null. */
    static HttpContent of(HttpContent content) {
        if (!(MODEL_AS_KNOWN && content instanceof JsonHttpContent json && json.getWrapperKey() == null
                && json.getData() instanceof TableDataInsertAllRequest request && json.getMediaType() != null
                && StandardCharsets.UTF_8.equals(json.getMediaType().getCharsetParameter())
                && request.getUnknownKeys().isEmpty() && noExplicitNull(request.getIgnoreUnknownValues(), request.getKind(),
                request.getSkipInvalidRows(), request.getTemplateSuffix(), request.getTraceId(), request.getRows()))) {
            return null;
        }
        List<TableDataInsertAllRequest.Rows> list = request.getRows() == null ? List.of() : request.getRows();
        byte[][] rows = new byte[list.size()][];
        Map<String, Made> remembered = REMEMBERED.get();
        for (int i = 0; i < rows.length; i++) {
            TableDataInsertAllRequest.Rows row = list.get(i);
            if (row == null || !row.getUnknownKeys().isEmpty() || !noExplicitNull(row.getInsertId(), row.getJson())) {
                return null;
            }
            if (row.getJson() != null) {
                Made made = remembered.get(row.getInsertId());
                rows[i] = made != null && made.of(row.getJson()) ? made.json() : RowJson.encode(row.getJson());
                if (rows[i] == null) {
                    return null;
                }
            }
        }
        return new InsertAllBody(json.getMediaType(), request, rows);
    }

    private static boolean noExplicitNull(Object... fieldValues) {
        for (Object v : fieldValues) {
            if (v != null && Data.isNull(v)) {
                return false;
            }
        }
        return true;
    }

    TableDataInsertAllRequest request() {
        return request;
    }

    @Override
    public void writeTo(OutputStream to) throws IOException {
        // the client's gzip stream below: pieces this small are batched before they reach it; the
        // stream is the client's to close
        BufferedOutputStream out = new BufferedOutputStream(to, 65536);
        out.write('{');
        boolean more = field(out, false, "ignoreUnknownValues", request.getIgnoreUnknownValues());
        more = field(out, more, "kind", request.getKind());
        if (request.getRows() != null) {
            name(out, more, "rows");
            out.write('[');
            for (int i = 0; i < rows.length; i++) {
                TableDataInsertAllRequest.Rows row = request.getRows().get(i);
                if (i > 0) {
                    out.write(',');
                }
                out.write('{');
                boolean inRow = field(out, false, "insertId", row.getInsertId());
                if (rows[i] != null) {
                    name(out, inRow, "json");
                    out.write(rows[i]);
                }
                out.write('}');
            }
            out.write(']');
            more = true;
        }
        more = field(out, more, "skipInvalidRows", request.getSkipInvalidRows());
        more = field(out, more, "templateSuffix", request.getTemplateSuffix());
        field(out, more, "traceId", request.getTraceId());
        out.write('}');
        out.flush();
    }

    /** Writes {@code "name":value} (after a comma when {@code more}) unless the value is null; true when there is a field so far. */
    private static boolean field(OutputStream out, boolean more, String name, Object value) throws IOException {
        if (value == null) {
            return more;
        }
        name(out, more, name);
        if (value instanceof Boolean b) {
            out.write(b ? TRUE : FALSE);
        } else {
            string(out, (String) value);
        }
        return true;
    }

    private static void name(OutputStream out, boolean more, String name) throws IOException {
        if (more) {
            out.write(',');
        }
        string(out, name);
        out.write(':');
    }

    private static void string(OutputStream out, String s) throws IOException {
        out.write('"');
        out.write(JsonStringEncoder.getInstance().quoteAsUTF8(s));
        out.write('"');
    }

    private static final byte[] TRUE = "true".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FALSE = "false".getBytes(StandardCharsets.US_ASCII);
}
