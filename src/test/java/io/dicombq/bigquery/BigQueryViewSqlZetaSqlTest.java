package io.dicombq.bigquery;

import com.google.zetasql.Analyzer;
import com.google.zetasql.AnalyzerOptions;
import com.google.zetasql.ArrayType;
import com.google.zetasql.LanguageOptions;
import com.google.zetasql.PreparedQuery;
import com.google.zetasql.SimpleCatalog;
import com.google.zetasql.SimpleColumn;
import com.google.zetasql.SimpleTable;
import com.google.zetasql.SqlException;
import com.google.zetasql.StructType;
import com.google.zetasql.TableContent;
import com.google.zetasql.Type;
import com.google.zetasql.TypeFactory;
import com.google.zetasql.Value;
import com.google.zetasql.ZetaSQLBuiltinFunctionOptions;
import com.google.zetasql.ZetaSQLOptions;
import com.google.zetasql.ZetaSQLType.TypeKind;
import com.google.zetasql.resolvedast.ResolvedNodes.ResolvedCreateViewStmt;
import com.google.zetasql.resolvedast.ResolvedNodes.ResolvedOutputColumn;
import com.google.zetasql.resolvedast.ResolvedNodes.ResolvedStatement;
import io.dicombq.row.Field;
import io.dicombq.row.MetadataRow;
import io.dicombq.row.Schema;
import io.dicombq.row.ServiceColumns;
import io.dicombq.warehouse.TableRef;
import io.dicombq.warehouse.ViewScenarios;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The view's GoogleSQL checked by Google's own ZetaSQL analyzer against the schema the
 * project generates, and its SELECT run by ZetaSQL's reference evaluator over rows in memory
 * to check the view's meaning. ZetaSQL's native library is built for x86-64 Linux/macOS only.
 */
class BigQueryViewSqlZetaSqlTest {

    static final TableRef TABLE = TableRef.parse("bq://proj-a.dicom.instances");
    static final Field MODALITY = Field.nullable("Modality", Field.Type.STRING);
    static final Field IMAGE_TYPE = Field.repeated("ImageType", Field.Type.STRING);
    static final Field ACQ_DATE = Field.nullable("AcquisitionDate", Field.Type.DATE);
    static final Field ACQ_TIME = Field.nullable("AcquisitionTime", Field.Type.TIME);
    static final Field SLICE = Field.nullable("SliceThickness", Field.Type.FLOAT);
    static final Field OTHER = Field.record("OtherElements", Field.Mode.REPEATED, List.of(
            Field.nullable("Tag", Field.Type.STRING), Field.repeated("Data", Field.Type.STRING)));

    /** A schema like the mapper's: service columns, PN record, repeated, date/time/float, nested repeated record. */
    static final Schema SCHEMA = new Schema(ServiceColumns.FIELDS)
            .add(TestRows.PATIENT_NAME).add(MODALITY).add(IMAGE_TYPE).add(ACQ_DATE).add(ACQ_TIME).add(SLICE).add(OTHER);

    static final String ROOT_TABLE = "instances_rows";

    static LanguageOptions language;

    @BeforeAll
    static void nativeLibraryAvailable() {
        String arch = System.getProperty("os.arch");
        assumeTrue("amd64".equals(arch) || "x86_64".equals(arch), "ZetaSQL's JNI library is x86-64 only");
        language = new LanguageOptions().enableMaximumLanguageFeatures();
        language.setSupportsAllStatementKinds();
        language.setProductMode(ZetaSQLOptions.ProductMode.PRODUCT_EXTERNAL); // BigQuery's type names
    }

    @Test
    void viewDdlAnalyzesAndKeepsExactlyTheTableColumns() {
        SimpleCatalog catalog = catalog(SCHEMA);
        ResolvedStatement stmt = Analyzer.analyzeStatement(BigQueryViewSql.createOrReplace(TABLE), options(), catalog);
        ResolvedCreateViewStmt view = assertInstanceOf(ResolvedCreateViewStmt.class, stmt);
        assertEquals(List.of("proj-a", "dicom", "instances_view"), view.getNamePath());
        List<String> columns = view.getOutputColumnList().stream().map(ResolvedOutputColumn::getName).toList();
        assertEquals(SCHEMA.fields().stream().map(Field::name).toList(), columns);
        // column types survive the view unchanged (no rank column, no coercion)
        for (ResolvedOutputColumn c : view.getOutputColumnList()) {
            assertEquals(type(SCHEMA.get(c.getName())), c.getColumn().getType(), c.getName());
        }
    }

    @Test
    void analyzerRejectsTheViewOnATableWithoutTheServiceColumns() {
        Schema legacy = new Schema(List.of(Field.nullable("StudyInstanceUID", Field.Type.STRING),
                Field.nullable("SeriesInstanceUID", Field.Type.STRING), Field.nullable("SOPInstanceUID", Field.Type.STRING)));
        SqlException e = assertThrows(SqlException.class,
                () -> Analyzer.analyzeStatement(BigQueryViewSql.createOrReplace(TABLE), options(), catalog(legacy)));
        assertTrue(e.getMessage().contains("LastUpdated"), e.getMessage());
    }

    @Test
    void evaluatedQueryIsTheViewsQuery() {
        // what the evaluator runs differs from the view only in how the table is named
        assertEquals(BigQueryViewSql.select(TABLE),
                BigQueryViewSql.selectFrom("`" + ROOT_TABLE + "`").replace("`" + ROOT_TABLE + "`", "`proj-a`.`dicom`.`instances`"));
    }

    @Test
    void referenceEvaluatorShowsTheLatestNonDeletedStateOfEachInstance() {
        // the same history DuckDB's view is held to (ViewSqlTest)
        List<TestRow> rows = new ArrayList<>();
        for (ViewScenarios.Event e : ViewScenarios.EVENTS) {
            TestRow r = row(e.sop(), e.type(), e.lastUpdated() == null ? null : Instant.parse(e.lastUpdated()), e.note());
            rows.add(r.withSeries(e.series()));
        }

        Set<String> shown = new HashSet<>();
        for (List<Value> r : evaluate(rows)) {
            int series = SCHEMA.fields().indexOf(SCHEMA.get("SeriesInstanceUID"));
            int sop = SCHEMA.fields().indexOf(SCHEMA.get("SOPInstanceUID"));
            int modality = SCHEMA.fields().indexOf(MODALITY);
            shown.add(r.get(series).getStringValue() + "/" + r.get(sop).getStringValue() + "/"
                    + r.get(modality).getStringValue());
        }
        assertEquals(ViewScenarios.SHOWN, shown);
    }

    @Test
    void nestedAndRepeatedColumnsPassThroughTheView() {
        MetadataRow r = row("A", "INSERT", Instant.parse("2024-05-01T10:00:00Z"), "MR").row;
        TestRows.withPatientName(r, "Doe", "Jane");
        r.values().put("ImageType", List.of("ORIGINAL", "PRIMARY"));
        r.values().put("OtherElements", List.of(Map.of("Tag", "Tag_00091001", "Data", List.of("a", "b"))));
        List<List<Value>> out = evaluate(List.of(new TestRow(r)));
        assertEquals(1, out.size());
        Value name = out.get(0).get(SCHEMA.fields().indexOf(TestRows.PATIENT_NAME));
        assertEquals("Doe", name.getField(0).getField(0).getStringValue());
        Value other = out.get(0).get(SCHEMA.fields().indexOf(OTHER));
        assertEquals("b", other.getElement(0).getField(1).getElement(1).getStringValue());
    }

    // ---- plumbing

    private List<List<Value>> evaluate(List<TestRow> rows) {
        List<List<Value>> data = new ArrayList<>();
        for (TestRow r : rows) {
            List<Value> values = new ArrayList<>();
            for (Field f : SCHEMA.fields()) {
                values.add(value(f, r.row.values().get(f.name())));
            }
            data.add(values);
        }
        SimpleCatalog catalog = catalog(SCHEMA);
        try (PreparedQuery q = PreparedQuery.builder()
                .setSql(BigQueryViewSql.selectFrom("`" + ROOT_TABLE + "`"))
                .setAnalyzerOptions(options())
                .setCatalog(catalog)
                .setTablesContents(Map.of(ROOT_TABLE, TableContent.create(data)))
                .prepare()) {
            List<List<Value>> out = new ArrayList<>();
            q.execute(Map.of()).getTableData().forEach(out::add);
            return out;
        }
    }

    private static TestRow row(String sop, String type, Instant lastUpdated, String modality) {
        MetadataRow r = TestRows.row(sop, "INSERT", Instant.EPOCH);
        if (type == null) {
            r.values().remove(ServiceColumns.TYPE);
        } else {
            r.values().put(ServiceColumns.TYPE, type);
        }
        if (lastUpdated == null) {
            r.values().remove(ServiceColumns.LAST_UPDATED);
        } else {
            r.values().put(ServiceColumns.LAST_UPDATED, ServiceColumns.timestamp(lastUpdated));
        }
        r.values().put("Modality", modality);
        return new TestRow(r);
    }

    record TestRow(MetadataRow row) {
        TestRow withSeries(String series) {
            row.values().put("SeriesInstanceUID", series);
            return this;
        }
    }

    static AnalyzerOptions options() {
        AnalyzerOptions options = new AnalyzerOptions();
        options.setLanguageOptions(language);
        return options;
    }

    /** proj-a -> dicom -> instances, the path the view names, with the project's schema. */
    static SimpleCatalog catalog(Schema schema) {
        SimpleCatalog root = new SimpleCatalog("root");
        root.addZetaSQLFunctions(new ZetaSQLBuiltinFunctionOptions(language));
        SimpleCatalog dataset = root.addNewSimpleCatalog("proj-a").addNewSimpleCatalog("dicom");
        List<SimpleColumn> columns = new ArrayList<>();
        for (Field f : schema.fields()) {
            columns.add(new SimpleColumn("instances", f.name(), type(f)));
        }
        dataset.addSimpleTable(new SimpleTable("instances", columns));
        // The evaluator's local service only finds rows for tables of the root catalog, so the
        // evaluated query reads the same table under a root-level name (see evaluate()).
        List<SimpleColumn> rootColumns = new ArrayList<>();
        for (Field f : schema.fields()) {
            rootColumns.add(new SimpleColumn(ROOT_TABLE, f.name(), type(f)));
        }
        root.addSimpleTable(new SimpleTable(ROOT_TABLE, rootColumns));
        return root;
    }

    static Type type(Field f) {
        Type element = switch (f.type()) {
            case STRING -> TypeFactory.createSimpleType(TypeKind.TYPE_STRING);
            case INTEGER -> TypeFactory.createSimpleType(TypeKind.TYPE_INT64);
            case FLOAT -> TypeFactory.createSimpleType(TypeKind.TYPE_DOUBLE);
            case DATE -> TypeFactory.createSimpleType(TypeKind.TYPE_DATE);
            case TIME -> TypeFactory.createSimpleType(TypeKind.TYPE_TIME);
            case TIMESTAMP -> TypeFactory.createSimpleType(TypeKind.TYPE_TIMESTAMP);
            case RECORD -> {
                List<StructType.StructField> children = new ArrayList<>();
                for (Field c : f.fields()) {
                    children.add(new StructType.StructField(c.name(), type(c)));
                }
                yield TypeFactory.createStructType(children);
            }
        };
        return f.isRepeated() ? TypeFactory.createArrayType(element) : element;
    }

    /** A JSON-ready row value (the form rows carry) as a ZetaSQL value of the column's type. */
    @SuppressWarnings("unchecked")
    static Value value(Field f, Object v) {
        Type type = type(f);
        if (f.isRepeated()) {
            List<Value> items = new ArrayList<>();
            Field one = new Field(f.name(), f.type(), Field.Mode.NULLABLE, f.fields());
            for (Object o : v == null ? List.of() : (List<Object>) v) {
                items.add(value(one, o));
            }
            return Value.createArrayValue((ArrayType) type, items);
        }
        if (v == null) {
            return Value.createNullValue(type);
        }
        return switch (f.type()) {
            case STRING -> Value.createStringValue((String) v);
            case INTEGER -> Value.createInt64Value(((Number) v).longValue());
            case FLOAT -> Value.createDoubleValue(((Number) v).doubleValue());
            case DATE -> Value.createDateValue(LocalDate.parse((String) v));
            case TIME -> Value.createTimeValue(LocalTime.parse((String) v));
            case TIMESTAMP -> {
                Instant i = Instant.parse((String) v);
                yield Value.createTimestampValueFromUnixMicros(i.getEpochSecond() * 1_000_000 + i.getNano() / 1000);
            }
            case RECORD -> {
                Map<String, Object> m = (Map<String, Object>) v;
                List<Value> fields = new ArrayList<>();
                for (Field c : f.fields()) {
                    fields.add(value(c, m.get(c.name())));
                }
                yield Value.createStructValue((StructType) type, fields);
            }
        };
    }
}
