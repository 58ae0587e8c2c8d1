package io.dicombq.warehouse;

import io.dicombq.row.Field;
import io.dicombq.row.MetadataRow;
import io.dicombq.row.Schema;
import io.dicombq.row.ServiceColumns;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBDriver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The embedded warehouse: {@code bq://P.D.T} is table {@code T} in schema {@code D} of the
 * DuckDB file {@code dataDir/P.duckdb}, attached under the name {@code P}, so
 * {@code SELECT ... FROM P.D.T} reads as it would in BigQuery.
 *
 * <p>One in-memory DuckDB instance holds every attached file; each caller borrows its own
 * connection (DuckDB connections are not meant to be shared between threads). Writes to one
 * file are serialized by a lock per catalog: DuckDB would otherwise abort concurrent
 * ALTER TABLE and INSERT on the same table with a transaction conflict. Reads never wait.
 *
 * <p>A batch is written to a newline-delimited JSON file and loaded with one
 * {@code INSERT ... BY NAME SELECT * FROM read_json(..., columns = {exact types})} in one
 * transaction: it takes nested STRUCT/LIST values of any depth and leaves type conversion
 * (dates, times, timestamps with offsets) to DuckDB; a value it cannot convert fails the whole
 * batch with a message naming the column. The file is one per catalog ({@code .PROJECT.load.ndjson}
 * in the data directory), rewritten by each batch under the catalog's lock and emptied after it:
 * creating a file per batch cost more than the load of a small batch on file systems where a new
 * inode is expensive (ext4 without a journal scans for recently deleted ones).
 *
 * <p>Batches of fewer than {@code bufferBelowRows} rows (in the bundle, 2,048: every batch it
 * makes) go through the {@link StreamingBuffer} instead: appended to a journal the next merge loads
 * in one commit, since a commit into a wide table costs milliseconds however few rows it carries
 * and each commit logs again the list columns of the rows since the start of the table's current
 * 2,048-row vector. Merges grow with the load. Every read merges first.
 *
 * <p>TIMESTAMP columns are {@code TIMESTAMPTZ} (see {@link DuckDbTypes}); sessions run in UTC.
 */
public final class DuckDbWarehouse implements Warehouse {
    private static final Logger LOG = LoggerFactory.getLogger(DuckDbWarehouse.class);
    private static final ObjectMapper ROW_JSON = new ObjectMapper().enable(DeserializationFeature.USE_LONG_FOR_INTS);

    private final Path dataDir;
    private final DuckDBConnection root;
    private final ConcurrentLinkedDeque<DuckDBConnection> idle = new ConcurrentLinkedDeque<>();
    private final Map<String, ReentrantLock> catalogLocks = new ConcurrentHashMap<>();
    private final Set<String> attached = ConcurrentHashMap.newKeySet();
    /** Current columns of each table this instance has touched; changed only under the catalog lock. */
    private final Map<TableRef, Schema> tables = new ConcurrentHashMap<>();
    private final StreamingBuffer buffer;
    private final int bufferBelowRows;
    private final RejectedRows rejectedRows;
    private volatile IdleCheckpoints idleCheckpoints;
    private volatile boolean closed;

    public DuckDbWarehouse(Path dataDir) throws IOException, SQLException {
        this(dataDir, 1);
    }

    /** Every batch committed straight into its table (journals left by a bundle are still loaded). */
    public DuckDbWarehouse(Path dataDir, int threads) throws IOException, SQLException {
        this(dataDir, threads, 0, 500, 0, "", RejectedRows.NONE);
    }

    /**
     * @param threads DuckDB's worker threads ({@code dicom.duckdb.threads}); 0 keeps DuckDB's default
     *                of one per core. One is the default here: the inserts are small and many, and
     *                with more threads DuckDB spent more CPU handing each one between its workers
     *                than loading it (measured: 40-50 % less CPU per insert with one thread).
     * @param bufferBelowRows batches smaller than this go through the {@link StreamingBuffer}
     *                ({@code dicom.duckdb.buffer-below-rows}; 0 commits every batch straight into its table)
     * @param mergeMillis how long buffered rows may wait before a merge when nothing reads them
     *                ({@code dicom.duckdb.buffer-merge-ms})
     * @param mergeMegabytes a table's journal this large is merged at once ({@code dicom.duckdb.buffer-merge-mb})
     * @param readWaitMillis how soon after a table's last merge a read may merge it again; a read that
     *                comes sooner waits for the rest ({@code dicom.duckdb.buffer-read-wait-ms})
     * @param checkpointThreshold how much write-ahead log a file gathers before DuckDB writes it into
     *                the file ({@code dicom.duckdb.checkpoint-threshold}, such as {@code 128MB}; blank keeps
     *                DuckDB's 16MB). The commit that crosses it runs the checkpoint and waits for it
     * @param rejectedRows where a buffered row goes when its table will not take it at merge time
     *                (the dead letters, in the bundle)
     */
    public DuckDbWarehouse(Path dataDir, int threads, int bufferBelowRows, long mergeMillis, int mergeMegabytes,
                           long readWaitMillis, String checkpointThreshold, RejectedRows rejectedRows)
            throws IOException, SQLException {
        this.bufferBelowRows = Math.max(0, bufferBelowRows);
        this.rejectedRows = rejectedRows;
        this.dataDir = dataDir.toAbsolutePath();
        Files.createDirectories(this.dataDir);
        // The driver directly, not DriverManager: under `camel run` DuckDB sits in a class loader
        // that DriverManager does not search, so it would find no driver for jdbc:duckdb:.
        this.root = (DuckDBConnection) new DuckDBDriver().connect("jdbc:duckdb:", new Properties());
        try (Statement st = root.createStatement()) {
            // TIMESTAMPTZ values are shown and parsed in UTC in every session of this instance.
            st.execute("SET GLOBAL TimeZone = 'UTC'");
            // each load file is rewritten in place: nothing of an earlier batch may be served from a cache
            st.execute("SET GLOBAL enable_external_file_cache = false");
            if (threads > 0) {
                st.execute("SET GLOBAL threads = " + threads);
            }
            if (checkpointThreshold != null && !checkpointThreshold.isBlank()) {
                try {
                    st.execute("SET GLOBAL checkpoint_threshold = '" + checkpointThreshold.trim().replace("'", "''") + "'");
                } catch (SQLException e) {
                    root.close();
                    throw new IllegalArgumentException("dicom.duckdb.checkpoint-threshold must be a size such as 128MB, got '"
                            + checkpointThreshold + "': " + e.getMessage(), e);
                }
            }
        }
        this.buffer = new StreamingBuffer(this.dataDir, new StreamingBuffer.Loader() {
            @Override
            public ReentrantLock lockFor(TableRef table) {
                return DuckDbWarehouse.this.lockFor(table);
            }

            @Override
            public void load(TableRef table, Path journal) throws Exception {
                loadJournal(table, journal);
            }
        }, mergeMillis, mergeMegabytes * 1024L * 1024L, readWaitMillis);
    }

    /** The bundle's settings but a journal merged at 2 MB ({@code dicom.duckdb.buffer-merge-mb}'s default). */
    public DuckDbWarehouse(Path dataDir, int threads, int bufferBelowRows, long mergeMillis, long readWaitMillis,
                           String checkpointThreshold, RejectedRows rejectedRows) throws IOException, SQLException {
        this(dataDir, threads, bufferBelowRows, mergeMillis, 2, readWaitMillis, checkpointThreshold, rejectedRows);
    }

    public Path dataDir() {
        return dataDir;
    }

    /**
     * How many row-group merges (DuckDB's {@code max_vacuum_tasks}) a checkpoint may do
     * ({@code dicom.duckdb.max-vacuum-tasks}). A checkpoint after a few thousand new rows can
     * merge the table's last row groups into one and so recompress tens of thousands of rows,
     * 1-3 s during which commits and reads wait; 0 lets each checkpoint write only its new rows.
     */
    public void maxVacuumTasks(int tasks) throws SQLException {
        if (tasks < 0) {
            throw new IllegalArgumentException("dicom.duckdb.max-vacuum-tasks must be 0 or more, got " + tasks);
        }
        try (Statement st = root.createStatement()) {
            st.execute("SET GLOBAL max_vacuum_tasks = " + tasks);
        }
    }

    /**
     * Checkpoints a catalog's write-ahead log once it has had no commit for {@code idleMillis}
     * and the log has reached {@code minMegabytes} ({@code dicom.duckdb.idle-checkpoint-mb}; 0 or
     * less: only DuckDB's own checkpoints, in the commit that takes the log past the threshold).
     * See {@link IdleCheckpoints}.
     */
    public synchronized void checkpointWhenIdle(int minMegabytes, long idleMillis) throws InterruptedException {
        stopIdleCheckpoints();
        if (minMegabytes <= 0 || closed) {
            return;
        }
        idleCheckpoints = new IdleCheckpoints(new IdleCheckpoints.Catalogs() {
            @Override
            public ReentrantLock lockOf(String project) {
                return lockFor(project);
            }

            @Override
            public Path walOf(String project) {
                return Path.of(fileOf(project) + ".wal");
            }

            @Override
            public void checkpoint(String project) throws SQLException {
                try (Lease lease = lease(); Statement st = lease.conn.createStatement()) {
                    st.execute("CHECKPOINT " + DuckDbTypes.quote(project));
                }
            }
        }, minMegabytes * 1024L * 1024L, idleMillis);
    }

    /** Stops the idle checkpoints; one already running finishes first. */
    private synchronized void stopIdleCheckpoints() throws InterruptedException {
        if (idleCheckpoints != null) {
            idleCheckpoints.close();
            idleCheckpoints = null;
        }
    }

    @Override
    public void prepare(TableRef table) throws Exception {
        ReentrantLock lock = lockFor(table);
        lock.lock();
        try (Lease lease = lease()) {
            ensureTable(lease.conn, table);
        } finally {
            lock.unlock();
        }
    }

    /**
     * A batch smaller than {@code bufferBelowRows} is written to the table's streaming buffer and
     * returns once it is on disk (the next merge or read puts it in the table); a larger one is
     * committed straight into the table. Either way the table has any new columns first.
     */
    @Override
    public void insert(TableRef table, List<MetadataRow> rows) throws Exception {
        if (rows.isEmpty()) {
            return;
        }
        Schema wanted = unionOf(rows);
        if (rows.size() < bufferBelowRows) {
            Schema current = tables.get(table);
            if (current == null || !current.covers(wanted)) {
                ReentrantLock lock = lockFor(table);
                lock.lock();
                try (Lease lease = lease()) {
                    ensureTable(lease.conn, table);
                    addMissingColumns(lease.conn, table, wanted);
                } finally {
                    lock.unlock();
                }
            }
            ByteArrayOutputStream lines = new ByteArrayOutputStream(8192 * rows.size());
            writeJson(table, columnsFor(table, wanted), rows, lines);
            buffer.append(table, lines.toByteArray());
            return;
        }
        ReentrantLock lock = lockFor(table);
        lock.lock();
        try (Lease lease = lease()) {
            ensureTable(lease.conn, table);
            addMissingColumns(lease.conn, table, wanted); // replaces the view when it adds anything
            insertBatch(lease.conn, table, columnsFor(table, wanted), rows);
        } finally {
            lock.unlock();
        }
    }

    /** The table's definition of each field the batch brings (all of them are columns by now). */
    private List<Field> columnsFor(TableRef table, Schema wanted) {
        Schema current = tables.get(table);
        List<Field> columns = new ArrayList<>();
        for (Field f : wanted.fields()) {
            Field have = current.get(f.name());
            if (have != null) {
                columns.add(have);
            } else if (!DuckDbTypes.hasType(f)) {
                columns.add(f); // a RECORD without fields: no column, its (empty) values are skipped
            } else {
                throw new IllegalStateException("column " + f.name() + " missing after it was added to " + table);
            }
        }
        return columns;
    }

    /** The schema of the batch (see {@link Schema#add} for why this is cheap for rows of one shape). */
    private static Schema unionOf(List<MetadataRow> rows) {
        Schema union = new Schema();
        for (MetadataRow row : rows) {
            union.addAll(row.schema().fields());
        }
        return union;
    }

    /**
     * Loads the batch through a newline-delimited JSON file read by {@code read_json} with the
     * table's exact column types: measured about three times faster than casting one JSON
     * parameter to a LIST of STRUCT, because the reader converts in vectorized chunks.
     */
    private void insertBatch(DuckDBConnection conn, TableRef table, List<Field> columns, List<MetadataRow> rows)
            throws IOException, SQLException {
        List<Field> typed = columns.stream().filter(DuckDbTypes::hasType).toList();
        if (typed.isEmpty()) {
            throw new IllegalArgumentException("rows for " + table + " have no columns");
        }
        // the catalog's lock is held (see insert): no other batch uses this file now
        Path file = dataDir.resolve("." + table.project() + ".load.ndjson");
        try {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file,
                    StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE), 1 << 16)) {
                writeJson(table, columns, rows, out);
            }
            loadFile(conn, table, typed, file);
        } finally {
            // emptied, not removed: the next batch reuses the file (and the rows are in the table now)
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.truncate(0);
            } catch (NoSuchFileException gone) {
                // nothing to empty
            }
        }
    }

    private static void writeJson(TableRef table, List<Field> columns, List<MetadataRow> rows, OutputStream out)
            throws IOException {
        try {
            BatchJson.write(columns, rows, out);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("insert into " + table + " failed: " + e.getMessage(), e);
        }
    }

    /** Loads a newline-delimited JSON file into the table: one statement in autocommit, all rows or none. */
    private void loadFile(DuckDBConnection conn, TableRef table, List<Field> typed, Path file) throws SQLException {
        String sql = "INSERT INTO " + qualified(table) + " BY NAME SELECT * FROM " + readJson(typed);
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            ps.setString(1, file.toString());
            ps.executeUpdate();
            IdleCheckpoints checkpoints = idleCheckpoints;
            if (checkpoints != null) {
                checkpoints.committed(table.project());
            }
        } catch (SQLException e) {
            throw new SQLException("insert into " + table + " failed: " + whichColumn(conn, typed, file, e), e);
        }
    }

    /**
     * A merge of the streaming buffer (the catalog's lock is held): the journal in one statement.
     * When the table refuses it, each line is loaded alone and a line that fails alone goes to
     * {@link RejectedRows} (the dead letters), so one bad row neither blocks nor loses the others.
     */
    private void loadJournal(TableRef table, Path journal) throws Exception {
        try (Lease lease = lease()) {
            ensureTable(lease.conn, table);
            List<Field> typed = tables.get(table).fields().stream().filter(DuckDbTypes::hasType).toList();
            try {
                loadFile(lease.conn, table, typed, journal);
                return;
            } catch (SQLException whole) {
                LOG.warn("Streaming buffer of {} could not be merged at once ({}); merging it row by row", table,
                        firstLine(whole));
            }
            Path one = dataDir.resolve("." + table.project() + ".load.ndjson");
            List<String> kept = new ArrayList<>();
            Exception keptFor = null;
            try (BufferedReader lines = Files.newBufferedReader(journal, StandardCharsets.UTF_8)) {
                String line;
                while ((line = lines.readLine()) != null) {
                    if (line.isBlank()) {
                        continue;
                    }
                    Files.writeString(one, line + "\n", StandardCharsets.UTF_8);
                    try {
                        loadFile(lease.conn, table, typed, one);
                    } catch (SQLException e) {
                        try {
                            rejectedRows.rejected(table, rowOf(table, line), e.getMessage());
                        } catch (Exception nowhere) {
                            kept.add(line);
                            keptFor = keptFor != null ? keptFor : nowhere;
                        }
                    }
                }
            } finally {
                Files.deleteIfExists(one);
            }
            if (keptFor != null) {
                // only the rows nobody took stay for the next merge: the others are in, once
                Path rest = journal.resolveSibling(journal.getFileName() + ".rest");
                Files.write(rest, kept, StandardCharsets.UTF_8);
                Files.move(rest, journal, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                throw keptFor;
            }
        }
    }

    /** A journal line as a row again, typed by the table's columns (for its dead letter). */
    private MetadataRow rowOf(TableRef table, String line) throws IOException {
        Map<String, Object> values = ROW_JSON.readValue(line, new TypeReference<LinkedHashMap<String, Object>>() {
        });
        Schema current = tables.get(table);
        Schema schema = new Schema();
        for (String name : values.keySet()) {
            Field f = current.get(name);
            if (f != null) {
                schema.add(f);
            }
        }
        return new MetadataRow(values, schema);
    }

    /** {@code read_json(?, ...)} with every column's type given, so nothing is guessed. */
    private static String readJson(List<Field> columns) {
        StringBuilder types = new StringBuilder("{");
        for (Field f : columns) {
            if (types.length() > 1) {
                types.append(", ");
            }
            types.append(DuckDbTypes.literal(f.name())).append(": ").append(DuckDbTypes.literal(DuckDbTypes.sqlType(f)));
        }
        types.append('}');
        // One row may be large (sequences); the reader's default limit is 16 MB per object.
        return "read_json(?, format = 'newline_delimited', maximum_object_size = 1073741824, columns = " + types + ")";
    }

    /** After a failed load, finds the column whose values DuckDB cannot convert, for a message that names it. */
    private String whichColumn(DuckDBConnection conn, List<Field> columns, Path file, SQLException cause) {
        for (Field column : columns) {
            String sql = "SELECT count(" + DuckDbTypes.quote(column.name()) + ") FROM " + readJson(List.of(column));
            try (PreparedStatement ps = conn.prepareStatement(sql)) {
                ps.setString(1, file.toString());
                ps.executeQuery().close();
            } catch (SQLException e) {
                // The temporary file's name and the reader's approximate line number would only confuse.
                String why = firstLine(e).replaceFirst(" in file \"[^\"]*\", in line \\d+:", ":");
                return "column " + column.name() + " (" + DuckDbTypes.sqlType(column) + "): " + why;
            }
        }
        return firstLine(cause);
    }

    @Override
    public Schema schema(TableRef table) throws Exception {
        // no merge needed: a buffered row's columns were added before it was buffered
        try (Lease lease = lease()) {
            if (!Files.exists(fileOf(table.project())) && !attached.contains(table.project())) {
                return new Schema();
            }
            attach(lease.conn, table.project());
            return readSchema(lease.conn, table);
        }
    }

    @Override
    public long rowCount(TableRef table) throws Exception {
        buffer.mergeForRead();
        try (Lease lease = lease()) {
            if (!Files.exists(fileOf(table.project())) && !attached.contains(table.project())) {
                return -1;
            }
            attach(lease.conn, table.project());
            if (readSchema(lease.conn, table).isEmpty()) {
                return -1;
            }
            try (Statement st = lease.conn.createStatement();
                 ResultSet rs = st.executeQuery("SELECT count(*) FROM " + qualified(table))) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Override
    public void truncate(TableRef table) throws Exception {
        buffer.mergeAll();
        ReentrantLock lock = lockFor(table);
        lock.lock();
        try (Lease lease = lease(); Statement st = lease.conn.createStatement()) {
            ensureTable(lease.conn, table);
            st.execute("DELETE FROM " + qualified(table));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<Map<String, Object>> query(String sql) throws Exception {
        List<Map<String, Object>> rows = new ArrayList<>();
        query(sql, rows::add);
        return rows;
    }

    /**
     * Runs one read-only statement in a read-only transaction and hands each row over as it
     * is read (for callers that stream results). Every {@code *.duckdb} file of the data
     * directory is attached first, so any project's tables can be named.
     */
    public void query(String sql, Consumer<Map<String, Object>> sink) throws Exception {
        String statement = ReadOnlySql.check(sql);
        // rows in the streaming buffer are in the table before anything reads it
        buffer.mergeForRead();
        try (Lease lease = lease()) {
            attachAll(lease.conn);
            try (Statement st = lease.conn.createStatement()) {
                st.execute("BEGIN TRANSACTION READ ONLY");
                try (ResultSet rs = st.executeQuery(statement)) {
                    ResultSetMetaData meta = rs.getMetaData();
                    while (rs.next()) {
                        sink.accept(JdbcValues.row(rs, meta));
                    }
                } finally {
                    try (Statement end = lease.conn.createStatement()) {
                        end.execute("ROLLBACK");
                    }
                }
            }
        }
    }

    @Override
    public void close() throws Exception {
        stopIdleCheckpoints(); // closing the database checkpoints every file anyway
        try {
            buffer.close(); // merges what is buffered; what cannot be merged stays on disk for the next start
        } catch (Exception e) {
            LOG.error("Streaming buffer left on disk, to be merged at the next start: {}", e.getMessage());
        }
        closed = true;
        DuckDBConnection c;
        while ((c = idle.poll()) != null) {
            c.close();
        }
        root.close(); // the last connection closes the database, which checkpoints each file
    }

    // ---- tables and columns ------------------------------------------------------------

    /** Creates schema, table (service columns) and view when missing; adds service columns an old table lacks. */
    private void ensureTable(DuckDBConnection conn, TableRef table) throws SQLException {
        if (tables.containsKey(table)) {
            return;
        }
        attach(conn, table.project());
        Schema current = readSchema(conn, table);
        if (current.isEmpty()) {
            List<String> cols = new ArrayList<>();
            for (Field f : ServiceColumns.FIELDS) {
                cols.add(DuckDbTypes.quote(f.name()) + " " + DuckDbTypes.sqlType(f));
            }
            try (Statement st = conn.createStatement()) {
                st.execute("CREATE SCHEMA IF NOT EXISTS " + DuckDbTypes.quote(table.project()) + "."
                        + DuckDbTypes.quote(table.dataset()));
                st.execute("CREATE TABLE IF NOT EXISTS " + qualified(table) + " (" + String.join(", ", cols) + ")");
            }
            tables.put(table, readSchema(conn, table));
        } else {
            tables.put(table, current);
            addMissingColumns(conn, table, new Schema(ServiceColumns.FIELDS));
        }
        // Replaced on first use in every run, not only when missing: a view left by an older
        // version, or frozen before columns were added by hand, is brought up to date.
        replaceView(conn, table);
    }

    /**
     * Adds every field of {@code wanted} the table lacks: new top-level columns, and new fields
     * inside existing STRUCT and LIST(STRUCT) columns at any depth
     * ({@code ALTER TABLE ... ADD COLUMN "Seq"."element"."Field" T}, as DuckDB 1.4 supports). Rows already
     * in the table read NULL in the new places.
     *
     * @return whether anything was added (the view is then replaced in the same transaction)
     */
    private boolean addMissingColumns(DuckDBConnection conn, TableRef table, Schema wanted) throws SQLException {
        Schema current = tables.get(table);
        if (current.covers(wanted)) {
            return false;
        }
        List<String> ddl = new ArrayList<>();
        for (Field w : wanted.fields()) {
            if (!DuckDbTypes.hasType(w)) {
                continue;
            }
            Field have = current.get(w.name());
            if (have == null) {
                ddl.add("ALTER TABLE " + qualified(table) + " ADD COLUMN " + DuckDbTypes.quote(w.name()) + " "
                        + DuckDbTypes.sqlType(w));
            } else {
                nestedAdditions(table, DuckDbTypes.quote(have.name()), have, w, ddl);
            }
        }
        if (ddl.isEmpty()) {
            return false;
        }
        // One transaction for the new columns and the new view: a reader sees the old table with
        // the old view or the new table with the new one, never a view whose frozen columns no
        // longer match its table (DuckDB answers that with "Contents of view were altered").
        conn.setAutoCommit(false);
        try (Statement st = conn.createStatement()) {
            for (String sql : ddl) {
                st.execute(sql);
            }
            st.execute(ViewSql.duckDb(table));
            conn.commit();
        } catch (SQLException e) {
            safeRollback(conn);
            throw new SQLException("adding columns to " + table + " failed: " + firstLine(e), e);
        } finally {
            conn.setAutoCommit(true);
            tables.put(table, readSchema(conn, table));
        }
        return true;
    }

    private static void nestedAdditions(TableRef table, String path, Field have, Field want, List<String> ddl) {
        if (have.type() != Field.Type.RECORD || want.type() != Field.Type.RECORD) {
            return; // a type clash is left to the cast, which fails the batch naming the column
        }
        String inside = have.isRepeated() ? path + "." + DuckDbTypes.quote("element") : path;
        Map<String, Field> existing = new LinkedHashMap<>();
        for (Field f : have.fields()) {
            existing.put(f.name(), f);
        }
        for (Field w : want.fields()) {
            if (!DuckDbTypes.hasType(w)) {
                continue;
            }
            Field h = existing.get(w.name());
            if (h == null) {
                ddl.add("ALTER TABLE " + qualified(table) + " ADD COLUMN " + inside + "." + DuckDbTypes.quote(w.name())
                        + " " + DuckDbTypes.sqlType(w));
            } else {
                nestedAdditions(table, inside + "." + DuckDbTypes.quote(h.name()), h, w, ddl);
            }
        }
    }

    private void replaceView(DuckDBConnection conn, TableRef table) throws SQLException {
        try (Statement st = conn.createStatement()) {
            st.execute(ViewSql.duckDb(table));
        }
    }

    private static Schema readSchema(DuckDBConnection conn, TableRef table) throws SQLException {
        Schema schema = new Schema();
        try (PreparedStatement ps = conn.prepareStatement("SELECT column_name, data_type FROM duckdb_columns() "
                + "WHERE database_name = ? AND schema_name = ? AND table_name = ? ORDER BY column_index")) {
            ps.setString(1, table.project());
            ps.setString(2, table.dataset());
            ps.setString(3, table.table());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    schema.add(DuckDbTypes.parse(rs.getString(1), rs.getString(2)));
                }
            }
        }
        return schema;
    }

    // ---- files, catalogs and connections --------------------------------------------------

    private Path fileOf(String project) {
        return dataDir.resolve(project + ".duckdb");
    }

    private void attach(DuckDBConnection conn, String project) throws SQLException {
        if (attached.contains(project)) {
            return;
        }
        synchronized (attached) {
            if (attached.contains(project)) {
                return;
            }
            try (Statement st = conn.createStatement()) {
                st.execute("ATTACH IF NOT EXISTS " + DuckDbTypes.literal(fileOf(project).toString()) + " AS "
                        + DuckDbTypes.quote(project));
            }
            attached.add(project);
        }
        mergeLeftovers(project);
    }

    /** Journals a crash or a failed merge left behind: their rows go into their tables now. */
    private void mergeLeftovers(String project) {
        try {
            for (TableRef table : buffer.leftOver(project)) {
                LOG.info("Merging the streaming buffer {} left by an earlier run", table);
                buffer.merge(table);
            }
        } catch (Exception e) {
            // the rows stay on disk; the merger and every read try again
            LOG.error("Streaming buffer of catalog {} could not be merged yet: {}", project, e.getMessage());
        }
    }

    /** Attaches every project file in the data directory (for queries across projects). */
    private void attachAll(DuckDBConnection conn) throws IOException, SQLException {
        try (var files = Files.list(dataDir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String name = p.getFileName().toString();
                if (name.endsWith(".duckdb") && Files.isRegularFile(p)) {
                    attach(conn, name.substring(0, name.length() - ".duckdb".length()));
                }
            }
        }
    }

    private ReentrantLock lockFor(TableRef table) {
        return lockFor(table.project());
    }

    private ReentrantLock lockFor(String project) {
        return catalogLocks.computeIfAbsent(project, p -> new ReentrantLock());
    }

    private Lease lease() throws SQLException {
        if (closed) {
            throw new IllegalStateException("warehouse is closed");
        }
        DuckDBConnection c = idle.poll();
        return new Lease(c != null ? c : root.duplicate());
    }

    /** A borrowed connection, returned to the pool on close. */
    private final class Lease implements AutoCloseable {
        final DuckDBConnection conn;

        Lease(DuckDBConnection conn) {
            this.conn = conn;
        }

        @Override
        public void close() throws SQLException {
            if (closed) {
                conn.close();
            } else {
                idle.push(conn);
            }
        }
    }

    private static String qualified(TableRef table) {
        return DuckDbTypes.quote(table.project()) + "." + DuckDbTypes.quote(table.dataset()) + "."
                + DuckDbTypes.quote(table.table());
    }

    private static void safeRollback(DuckDBConnection conn) {
        try {
            conn.rollback();
        } catch (SQLException ignored) {
            // the transaction is already gone; nothing was written
        }
    }

    private static String firstLine(SQLException e) {
        String m = String.valueOf(e.getMessage()).strip();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
