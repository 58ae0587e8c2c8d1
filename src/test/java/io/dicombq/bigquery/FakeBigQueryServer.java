package io.dicombq.bigquery;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * A small BigQuery REST API on the JDK's HttpServer, enough for the real client library:
 * datasets.get, tables.get/insert/patch, tabledata.insertAll, jobs.query/insert/get and
 * getQueryResults. It keeps tables in memory, enforces what the tests depend on (a patch may
 * only add fields, insertAll rows must fit the schema and fail together, insertIds are
 * de-duplicated) and records every request, body decoded (the client sends gzip, chunked, and
 * PATCH as POST with X-HTTP-Method-Override).
 */
public final class FakeBigQueryServer implements AutoCloseable {

    /** One request as the server saw it. */
    public record Call(String method, String path, Map<String, List<String>> headers, Map<String, Object> body) {
        @SuppressWarnings("unchecked")
        public List<Map<String, Object>> list(String key) {
            return (List<Map<String, Object>>) body.get(key);
        }
    }

    /** A table or view. Fields are kept in REST form ({@code TableFieldSchema} maps). */
    public static final class FakeTable {
        public final String project;
        public final String dataset;
        public final String table;
        public volatile List<Map<String, Object>> fields;
        public final List<Map<String, Object>> rows = new CopyOnWriteArrayList<>();
        final Set<String> insertIds = Collections.synchronizedSet(new HashSet<>());
        /** Rows accepted but not kept ({@link #countRowsOnly()}). */
        final java.util.concurrent.atomic.AtomicLong rowsNotKept = new java.util.concurrent.atomic.AtomicLong();
        public volatile String viewQuery;
        volatile int version = 1;

        FakeTable(String project, String dataset, String table, List<Map<String, Object>> fields) {
            this.project = project;
            this.dataset = dataset;
            this.table = table;
            this.fields = fields;
        }

        /** Changes the schema as another writer's patch would (new etag). */
        public synchronized void replaceFields(List<Map<String, Object>> newFields) {
            fields = newFields;
            version++;
        }

        String etag() {
            return "etag-" + version;
        }

        /** The rows the table holds, kept or only counted. */
        public long rowCount() {
            return rows.size() + rowsNotKept.get();
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern TABLES = Pattern.compile("/bigquery/v2/projects/([^/]+)/datasets/([^/]+)/tables");
    private static final Pattern TABLE = Pattern.compile("/bigquery/v2/projects/([^/]+)/datasets/([^/]+)/tables/([^/]+)");
    private static final Pattern INSERT_ALL = Pattern.compile("/bigquery/v2/projects/([^/]+)/datasets/([^/]+)/tables/([^/]+)/insertAll");
    private static final Pattern DATASET = Pattern.compile("/bigquery/v2/projects/([^/]+)/datasets/([^/]+)");
    private static final Pattern QUERIES = Pattern.compile("/bigquery/v2/projects/([^/]+)/queries");
    private static final Pattern QUERY_RESULTS = Pattern.compile("/bigquery/v2/projects/([^/]+)/queries/([^/]+)");
    private static final Pattern JOBS = Pattern.compile("/bigquery/v2/projects/([^/]+)/jobs");
    private static final Pattern JOB = Pattern.compile("/bigquery/v2/projects/([^/]+)/jobs/([^/]+)");
    private static final Pattern VIEW_DDL = Pattern.compile(
            "CREATE OR REPLACE VIEW `([^`]+)`\\.`([^`]+)`\\.`([^`]+)` AS\\s(.*)", Pattern.DOTALL);
    private static final Pattern FROM = Pattern.compile("FROM `([^`]+)`\\.`([^`]+)`\\.`([^`]+)`");
    private static final Pattern COUNT = Pattern.compile("SELECT COUNT\\(\\*\\) AS n FROM `([^`]+)`\\.`([^`]+)`\\.`([^`]+)`");
    private static final Pattern TRUNCATE = Pattern.compile("TRUNCATE TABLE `([^`]+)`\\.`([^`]+)`\\.`([^`]+)`");

    private final HttpServer server;
    private final Set<String> datasets = ConcurrentHashMap.newKeySet();
    private final Map<String, FakeTable> tables = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Object>> jobs = new ConcurrentHashMap<>();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final AtomicInteger jobCounter = new AtomicInteger();
    private volatile Runnable beforeNextPatch;
    private volatile Runnable beforeEachInsertAll;
    private final AtomicInteger insertAllFailures = new AtomicInteger();
    private volatile int insertAllFailureStatus;
    private volatile boolean keepRows = true;

    public FakeBigQueryServer() throws IOException {
        this(0);
    }

    /** On a fixed port (0 = any free one), for tests whose configuration must name it up front. */
    public FakeBigQueryServer(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/", this::handle);
        // a thread per request, as BigQuery serves a client's concurrent insertAll calls at once
        // (the JDK's default handles one request at a time on its dispatcher thread)
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fake-bigquery");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /**
     * From now on, rows that insertAll accepts are still checked, de-duplicated and counted, but not
     * kept, and requests are not recorded ({@link #calls} stays as it is). For the benchmark, whose
     * tens of thousands of rows would otherwise fill the fake's heap: BigQuery keeps them on its own
     * machines, not on the client's, and the fake's GC over them is not a cost a user would see.
     */
    public void countRowsOnly() {
        keepRows = false;
    }

    public void addDataset(String project, String dataset) {
        datasets.add(project + ":" + dataset);
    }

    /** A table as if someone (an older version, another tool) created it. */
    public FakeTable addTable(String project, String dataset, String table, List<Map<String, Object>> fields) {
        FakeTable t = new FakeTable(project, dataset, table, deepCopy(fields));
        tables.put(key(project, dataset, table), t);
        return t;
    }

    public void dropTable(String project, String dataset, String table) {
        tables.remove(key(project, dataset, table));
    }

    public FakeTable table(String project, String dataset, String table) {
        return tables.get(key(project, dataset, table));
    }

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    public List<Call> calls(String method, String pathSuffixRegex) {
        Pattern p = Pattern.compile(".*" + pathSuffixRegex);
        return calls.stream().filter(c -> c.method.equals(method) && p.matcher(c.path).matches()).toList();
    }

    public void clearCalls() {
        calls.clear();
    }

    /** Runs once, just before the next patch is applied: lets a test play a second writer. */
    public void beforeNextPatch(Runnable r) {
        beforeNextPatch = r;
    }

    private void handle(HttpExchange ex) throws IOException {
        try {
            String method = ex.getRequestMethod();
            String override = ex.getRequestHeaders().getFirst("X-HTTP-Method-Override");
            if (override != null) {
                method = override;
            }
            String path = ex.getRequestURI().getPath(); // decoded: table names may hold spaces
            Map<String, Object> body = readBody(ex);
            if (keepRows) {
                calls.add(new Call(method, path, Map.copyOf(ex.getRequestHeaders()), body));
            }
            route(ex, method, path, body);
        } catch (Exception e) {
            send(ex, 500, error(500, "fake server: " + e, "internalError", "INTERNAL"));
        }
    }

    /**
     * Runs on the request's thread before every insertAll is answered (null to stop): lets a
     * test hold requests open, as BigQuery's 50-200 ms round trips do, to see several in flight.
     */
    public void beforeEachInsertAll(Runnable r) {
        beforeEachInsertAll = r;
    }

    /** The next {@code times} insertAll calls answer HTTP {@code status} (e.g. 503) and store nothing. */
    public void failNextInsertAll(int times, int status) {
        insertAllFailureStatus = status;
        insertAllFailures.set(times);
    }

    private void route(HttpExchange ex, String method, String path, Map<String, Object> body) throws IOException {
        Matcher m;
        if ((m = INSERT_ALL.matcher(path)).matches() && method.equals("POST")) {
            Runnable hold = beforeEachInsertAll;
            if (hold != null) {
                hold.run();
            }
            if (insertAllFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                send(ex, insertAllFailureStatus, error(insertAllFailureStatus, "The service is currently unavailable.",
                        "backendError", "UNAVAILABLE"));
                return;
            }
            insertAll(ex, m.group(1), m.group(2), m.group(3), body);
        } else if ((m = TABLE.matcher(path)).matches() && method.equals("GET")) {
            FakeTable t = tables.get(key(m.group(1), m.group(2), m.group(3)));
            if (t == null) {
                send(ex, 404, notFound("Table " + m.group(1) + ":" + m.group(2) + "." + m.group(3)));
            } else {
                send(ex, 200, tableJson(t));
            }
        } else if ((m = TABLE.matcher(path)).matches() && method.equals("PATCH")) {
            patch(ex, m.group(1), m.group(2), m.group(3), body);
        } else if ((m = TABLES.matcher(path)).matches() && method.equals("POST")) {
            createTable(ex, m.group(1), m.group(2), body);
        } else if ((m = DATASET.matcher(path)).matches() && method.equals("GET")) {
            if (datasets.contains(m.group(1) + ":" + m.group(2))) {
                send(ex, 200, Map.of("kind", "bigquery#dataset", "id", m.group(1) + ":" + m.group(2),
                        "datasetReference", Map.of("projectId", m.group(1), "datasetId", m.group(2))));
            } else {
                send(ex, 404, notFound("Dataset " + m.group(1) + ":" + m.group(2)));
            }
        } else if ((m = QUERIES.matcher(path)).matches() && method.equals("POST")) {
            Map<String, Object> job = runJob(m.group(1), (String) body.get("query"));
            send(ex, (Integer) job.remove("httpStatus"), queryResponse(job, "bigquery#queryResponse"));
        } else if ((m = QUERY_RESULTS.matcher(path)).matches() && method.equals("GET")) {
            Map<String, Object> job = jobs.get(m.group(2));
            send(ex, job == null ? 404 : 200, job == null ? notFound("Job " + m.group(2))
                    : queryResponse(job, "bigquery#getQueryResultsResponse"));
        } else if ((m = JOBS.matcher(path)).matches() && method.equals("POST")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> query = (Map<String, Object>) ((Map<String, Object>) body.get("configuration")).get("query");
            Map<String, Object> job = runJob(m.group(1), (String) query.get("query"));
            int status = (Integer) job.remove("httpStatus");
            send(ex, status, status == 200 ? jobJson(job) : job.get("error"));
        } else if ((m = JOB.matcher(path)).matches() && method.equals("GET")) {
            Map<String, Object> job = jobs.get(m.group(2));
            send(ex, job == null ? 404 : 200, job == null ? notFound("Job " + m.group(2)) : jobJson(job));
        } else {
            send(ex, 404, notFound("fake has no " + method + " " + path));
        }
    }

    // ---- tables

    @SuppressWarnings("unchecked")
    private void createTable(HttpExchange ex, String project, String dataset, Map<String, Object> body) throws IOException {
        if (!datasets.contains(project + ":" + dataset)) {
            send(ex, 404, notFound("Dataset " + project + ":" + dataset));
            return;
        }
        String table = (String) ((Map<String, Object>) body.get("tableReference")).get("tableId");
        Map<String, Object> schema = (Map<String, Object>) body.get("schema");
        FakeTable t = new FakeTable(project, dataset, table,
                schema == null ? new ArrayList<>() : (List<Map<String, Object>>) schema.get("fields"));
        if (tables.putIfAbsent(key(project, dataset, table), t) != null) {
            send(ex, 409, error(409, "Already Exists: Table " + project + ":" + dataset + "." + table,
                    "duplicate", "ALREADY_EXISTS"));
            return;
        }
        send(ex, 200, tableJson(t));
    }

    @SuppressWarnings("unchecked")
    private void patch(HttpExchange ex, String project, String dataset, String table, Map<String, Object> body) throws IOException {
        Runnable hook = beforeNextPatch;
        beforeNextPatch = null;
        if (hook != null) {
            hook.run();
        }
        FakeTable t = tables.get(key(project, dataset, table));
        if (t == null) {
            send(ex, 404, notFound("Table " + project + ":" + dataset + "." + table));
            return;
        }
        String ifMatch = ex.getRequestHeaders().getFirst("If-Match");
        if (ifMatch != null && !ifMatch.equals(t.etag())) {
            send(ex, 412, error(412, "Precondition check failed.", "conditionNotMet", "FAILED_PRECONDITION"));
            return;
        }
        synchronized (t) {
            Map<String, Object> schema = (Map<String, Object>) body.get("schema");
            if (schema != null) {
                List<Map<String, Object>> proposed = (List<Map<String, Object>>) schema.get("fields");
                String problem = onlyAdds(t.fields, proposed, "");
                if (problem != null) {
                    send(ex, 400, error(400, "Provided Schema does not match Table " + project + ":" + dataset
                            + "." + table + ". " + problem, "invalid", "INVALID_ARGUMENT"));
                    return;
                }
                t.fields = proposed;
                t.version++;
            }
        }
        send(ex, 200, tableJson(t));
    }

    /** Why {@code proposed} is not {@code existing} plus added NULLABLE/REPEATED fields; null when it is. */
    @SuppressWarnings("unchecked")
    private static String onlyAdds(List<Map<String, Object>> existing, List<Map<String, Object>> proposed, String prefix) {
        for (Map<String, Object> old : existing) {
            Map<String, Object> now = find(proposed, (String) old.get("name"));
            if (now == null) {
                return "Field " + prefix + old.get("name") + " is missing in new schema";
            }
            if (!old.get("type").equals(now.get("type"))) {
                return "Field " + prefix + old.get("name") + " has changed type from " + old.get("type")
                        + " to " + now.get("type");
            }
            if (!mode(old).equals(mode(now))) {
                return "Field " + prefix + old.get("name") + " has changed mode from " + mode(old) + " to " + mode(now);
            }
            if ("RECORD".equals(old.get("type"))) {
                String nested = onlyAdds((List<Map<String, Object>>) old.get("fields"),
                        (List<Map<String, Object>>) now.get("fields"), prefix + old.get("name") + ".");
                if (nested != null) {
                    return nested;
                }
            }
        }
        for (Map<String, Object> f : proposed) {
            if (find(existing, (String) f.get("name")) == null && "REQUIRED".equals(mode(f))) {
                return "Cannot add required field " + prefix + f.get("name");
            }
        }
        return null;
    }

    // ---- insertAll

    @SuppressWarnings("unchecked")
    private void insertAll(HttpExchange ex, String project, String dataset, String table, Map<String, Object> body) throws IOException {
        FakeTable t = tables.get(key(project, dataset, table));
        if (t == null) {
            send(ex, 404, notFound("Table " + project + ":" + dataset + "." + table));
            return;
        }
        List<Map<String, Object>> rows = (List<Map<String, Object>>) body.get("rows");
        List<Map<String, Object>> errors = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        FieldIndex index = new FieldIndex();
        for (Map<String, Object> row : rows) {
            problems.add(validate(index, t.fields, (Map<String, Object>) row.get("json"), ""));
        }
        boolean anyBad = problems.stream().anyMatch(p -> p != null);
        if (anyBad && !Boolean.TRUE.equals(body.get("skipInvalidRows"))) {
            for (int i = 0; i < rows.size(); i++) {
                String p = problems.get(i);
                errors.add(Map.of("index", i, "errors", List.of(p == null
                        ? Map.of("reason", "stopped", "location", "", "debugInfo", "", "message", "")
                        : Map.of("reason", "invalid", "location", p.substring(0, p.indexOf('|')),
                                "debugInfo", "", "message", p.substring(p.indexOf('|') + 1)))));
            }
        } else {
            List<Map<String, Object>> accepted = new ArrayList<>(rows.size());
            for (int i = 0; i < rows.size(); i++) {
                Map<String, Object> row = rows.get(i);
                String insertId = (String) row.get("insertId");
                if (problems.get(i) != null) {
                    String p = problems.get(i);
                    errors.add(Map.of("index", i, "errors", List.of(Map.of("reason", "invalid",
                            "location", p.substring(0, p.indexOf('|')), "message", p.substring(p.indexOf('|') + 1)))));
                } else if (insertId == null || t.insertIds.add(insertId)) {
                    accepted.add((Map<String, Object>) row.get("json"));
                }
            }
            if (keepRows) {
                t.rows.addAll(accepted); // one copy of the copy-on-write list per request, not one per row
            } else {
                t.rowsNotKept.addAndGet(accepted.size());
            }
        }
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("kind", "bigquery#tableDataInsertAllResponse");
        if (!errors.isEmpty()) {
            response.put("insertErrors", errors);
        }
        send(ex, 200, response);
    }

    /** "location|message" for the first problem BigQuery would report, or null when the row fits. */
    @SuppressWarnings("unchecked")
    private static String validate(FieldIndex index, List<Map<String, Object>> fields, Map<String, Object> row, String prefix) {
        // every value of every row passes here: a location is built only for a problem
        for (Map.Entry<String, Object> e : row.entrySet()) {
            Map<String, Object> f = index.find(fields, e.getKey());
            if (f == null) {
                String location = prefix + e.getKey();
                return location + "|no such field: " + location + ".";
            }
            Object v = e.getValue();
            if (v == null) {
                continue;
            }
            boolean repeated = "REPEATED".equals(mode(f));
            if (repeated != (v instanceof List)) {
                String location = prefix + e.getKey();
                return location + "|" + (repeated ? "Array value expected for repeated field: " : "Array specified for non-repeated field: ")
                        + location + ".";
            }
            boolean record = "RECORD".equals(f.get("type"));
            for (Object item : repeated ? (List<Object>) v : List.of(v)) {
                String problem;
                if (record && item instanceof Map) {
                    problem = validate(index, (List<Map<String, Object>>) f.get("fields"), (Map<String, Object>) item, prefix + e.getKey() + ".");
                } else if (record || (item instanceof Map || item instanceof List) && "STRING".equals(f.get("type"))) {
                    String location = prefix + e.getKey();
                    problem = location + "|This field: " + location + " is not a record.";
                } else {
                    problem = scalarProblem((String) f.get("type"), item);
                    if (problem != null) {
                        problem = prefix + e.getKey() + "|" + problem;
                    }
                }
                if (problem != null) {
                    return problem;
                }
            }
        }
        return null;
    }

    private static final java.util.regex.Pattern INTEGER = java.util.regex.Pattern.compile("-?\\d+");

    /** The message for a scalar value the column's type cannot take, or null. */
    private static String scalarProblem(String type, Object v) {
        try {
            switch (type) {
                case "INTEGER" -> {
                    if (v instanceof Long || v instanceof Integer) {
                        return null;
                    }
                    if (v instanceof Number n ? n.doubleValue() != Math.rint(n.doubleValue()) : !INTEGER.matcher(String.valueOf(v)).matches()) {
                        return "Cannot convert value to integer (bad value): " + v;
                    }
                }
                case "FLOAT" -> {
                    if (!(v instanceof Number)) {
                        Double.parseDouble(String.valueOf(v));
                    }
                }
                case "DATE" -> LocalDate.parse(String.valueOf(v));
                case "TIME" -> LocalTime.parse(String.valueOf(v));
                case "TIMESTAMP" -> Instant.parse(String.valueOf(v));
                default -> {
                }
            }
        } catch (RuntimeException e) {
            return "Cannot convert value to " + type.toLowerCase(java.util.Locale.ROOT) + " (bad value): " + v;
        }
        return null;
    }

    // ---- jobs

    /** Runs the few statements the project sends; the result is kept as a job. */
    private Map<String, Object> runJob(String project, String sql) {
        String jobId = "job_" + jobCounter.incrementAndGet();
        Map<String, Object> job = new LinkedHashMap<>();
        job.put("jobReference", Map.of("projectId", project, "jobId", jobId, "location", "US"));
        job.put("query", sql);
        job.put("httpStatus", 200);
        Matcher m;
        if ((m = VIEW_DDL.matcher(sql)).matches()) {
            Matcher from = FROM.matcher(m.group(4));
            if (from.find() && !tables.containsKey(key(from.group(1), from.group(2), from.group(3)))) {
                return failed(job, 404, notFound("Table " + from.group(1) + ":" + from.group(2) + "." + from.group(3)));
            }
            String vp = m.group(1);
            String vd = m.group(2);
            String vt = m.group(3);
            FakeTable view = tables.computeIfAbsent(key(vp, vd, vt), k -> new FakeTable(vp, vd, vt, List.of()));
            view.viewQuery = m.group(4);
            job.put("statementType", "CREATE_VIEW");
        } else if ((m = COUNT.matcher(sql)).matches()) {
            FakeTable t = tables.get(key(m.group(1), m.group(2), m.group(3)));
            if (t == null) {
                return failed(job, 404, notFound("Table " + m.group(1) + ":" + m.group(2) + "." + m.group(3)));
            }
            job.put("statementType", "SELECT");
            job.put("schema", Map.of("fields", List.of(Map.of("name", "n", "type", "INTEGER", "mode", "NULLABLE"))));
            job.put("rows", List.of(Map.of("f", List.of(Map.of("v", String.valueOf(t.rowCount()))))));
        } else if ((m = TRUNCATE.matcher(sql)).matches()) {
            FakeTable t = tables.get(key(m.group(1), m.group(2), m.group(3)));
            if (t != null) {
                t.rows.clear();
                t.rowsNotKept.set(0);
            }
            job.put("statementType", "TRUNCATE_TABLE");
        } else {
            return failed(job, 400, error(400, "the fake cannot run: " + sql, "invalidQuery", "INVALID_ARGUMENT"));
        }
        jobs.put(jobId, job);
        return job;
    }

    private static Map<String, Object> failed(Map<String, Object> job, int status, Map<String, Object> error) {
        job.put("httpStatus", status);
        job.put("error", error);
        return job;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> queryResponse(Map<String, Object> job, String kind) {
        if (job.containsKey("error")) {
            return (Map<String, Object>) job.get("error");
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("kind", kind);
        r.put("jobReference", job.get("jobReference"));
        r.put("jobComplete", true);
        List<Object> rows = (List<Object>) job.getOrDefault("rows", List.of());
        r.put("totalRows", String.valueOf(rows.size()));
        if (job.containsKey("schema")) {
            r.put("schema", job.get("schema"));
            r.put("rows", rows);
        }
        r.put("cacheHit", false);
        return r;
    }

    private static Map<String, Object> jobJson(Map<String, Object> job) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("kind", "bigquery#job");
        r.put("jobReference", job.get("jobReference"));
        r.put("configuration", Map.of("jobType", "QUERY", "query", Map.of("query", job.get("query"), "useLegacySql", false)));
        r.put("status", Map.of("state", "DONE"));
        long now = System.currentTimeMillis();
        r.put("statistics", Map.of("creationTime", String.valueOf(now), "startTime", String.valueOf(now),
                "endTime", String.valueOf(now),
                "query", Map.of("statementType", job.getOrDefault("statementType", "SELECT"))));
        return r;
    }

    // ---- helpers

    private static Map<String, Object> tableJson(FakeTable t) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("kind", "bigquery#table");
        r.put("id", t.project + ":" + t.dataset + "." + t.table);
        r.put("etag", t.etag());
        r.put("tableReference", Map.of("projectId", t.project, "datasetId", t.dataset, "tableId", t.table));
        if (t.viewQuery != null) {
            r.put("type", "VIEW");
            r.put("view", Map.of("query", t.viewQuery, "useLegacySql", false));
        } else {
            r.put("type", "TABLE");
            r.put("schema", Map.of("fields", t.fields));
            r.put("numRows", String.valueOf(t.rowCount()));
        }
        return r;
    }

    /**
     * Field lookup by case-insensitive name for one insertAll request: each field list (the
     * table's, a RECORD's) is indexed once per request instead of scanned once per column.
     */
    private static final class FieldIndex {
        private final Map<List<Map<String, Object>>, Map<String, Map<String, Object>>> byList = new java.util.IdentityHashMap<>();

        Map<String, Object> find(List<Map<String, Object>> fields, String name) {
            if (fields == null) {
                return null;
            }
            Map<String, Map<String, Object>> byName = byList.computeIfAbsent(fields, FieldIndex::index);
            Map<String, Object> f = byName.get(name); // the name as the schema spells it, as rows mostly do
            return f != null ? f : byName.get(name.toLowerCase(java.util.Locale.ROOT));
        }

        /** Each field by its own name and by its lower-case name (BigQuery matches names ignoring case). */
        private static Map<String, Map<String, Object>> index(List<Map<String, Object>> fields) {
            Map<String, Map<String, Object>> out = new HashMap<>();
            for (Map<String, Object> f : fields) {
                out.putIfAbsent(((String) f.get("name")).toLowerCase(java.util.Locale.ROOT), f);
            }
            for (Map<String, Object> f : fields) {
                out.putIfAbsent((String) f.get("name"), f);
            }
            return out;
        }
    }

    private static Map<String, Object> find(List<Map<String, Object>> fields, String name) {
        if (fields == null) {
            return null;
        }
        for (Map<String, Object> f : fields) {
            if (((String) f.get("name")).equalsIgnoreCase(name)) {
                return f;
            }
        }
        return null;
    }

    private static String mode(Map<String, Object> f) {
        Object m = f.get("mode");
        return m == null ? "NULLABLE" : (String) m;
    }

    private static Map<String, Object> notFound(String what) {
        return error(404, "Not found: " + what, "notFound", "NOT_FOUND");
    }

    private static Map<String, Object> error(int code, String message, String reason, String status) {
        return Map.of("error", Map.of("code", code, "message", message, "status", status,
                "errors", List.of(Map.of("message", message, "domain", "global", "reason", reason))));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> readBody(HttpExchange ex) throws IOException {
        byte[] raw;
        try (InputStream in = ex.getRequestBody()) {
            raw = in.readAllBytes();
        }
        if (raw.length == 0) {
            return Map.of();
        }
        if ("gzip".equalsIgnoreCase(ex.getRequestHeaders().getFirst("Content-Encoding"))) {
            try (InputStream gz = new GZIPInputStream(new ByteArrayInputStream(raw))) {
                raw = gz.readAllBytes();
            }
        }
        return JSON.readValue(raw, Map.class);
    }

    private static void send(HttpExchange ex, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> deepCopy(List<Map<String, Object>> fields) {
        try {
            return JSON.readValue(JSON.writeValueAsBytes(fields), List.class);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String key(String project, String dataset, String table) {
        return project + ":" + dataset + "." + table;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
