package io.dicombq.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.dicombq.InvalidDicomException;
import io.dicombq.row.DicomInstanceReader;
import io.dicombq.row.MetadataRow;
import io.dicombq.row.ParsedInstance;
import io.dicombq.row.Schema;
import io.dicombq.row.ServiceColumns;
import io.dicombq.warehouse.SqlClient;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code bin/dicom-bq}: the rows and schema the routes would produce for some files, and SQL
 * against the embedded warehouse (through the running bundle when there is one).
 */
public final class DicomBq {
    private static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.INDENT_OUTPUT);
    private static final String USAGE = """
            usage: dicom-bq rows [--with-file] FILE|DIR...   one INSERT row per instance, as JSON lines
                   dicom-bq schema FILE|DIR...              the BigQuery schema (JSON field list) those rows need
                   dicom-bq sql [--data DIR] 'QUERY'        SQL on the embedded warehouse, JSON lines out
                   dicom-bq replay [--destination bq://P.D.T] [--url URL] [--data DIR]
                                                            re-send dead letters (running bundle, else offline)
            """;

    private final PrintStream out;
    private final PrintStream err;

    DicomBq(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        System.exit(new DicomBq(System.out, System.err).run(args));
    }

    int run(String[] args) {
        if (args.length == 0) {
            err.print(USAGE);
            return 2;
        }
        List<String> rest = new ArrayList<>(List.of(args).subList(1, args.length));
        try {
            return switch (args[0]) {
                case "rows" -> rows(rest);
                case "schema" -> schema(rest);
                case "sql" -> sql(rest);
                case "replay" -> new io.dicombq.stream.ReplayCommand(out, err).run(rest);
                case "-h", "--help", "help" -> {
                    out.print(USAGE);
                    yield 0;
                }
                default -> {
                    err.print("dicom-bq: unknown command '" + args[0] + "'\n" + USAGE);
                    yield 2;
                }
            };
        } catch (IOException e) {
            err.println("dicom-bq: " + e.getMessage());
            return 1;
        }
    }

    private int rows(List<String> args) throws IOException {
        boolean withFile = args.remove("--with-file");
        if (args.isEmpty()) {
            err.print(USAGE);
            return 2;
        }
        DicomInstanceReader reader = new DicomInstanceReader();
        int failures = 0;
        for (Path file : files(args)) {
            MetadataRow row = readRow(reader, file);
            if (row == null) {
                failures++;
                continue;
            }
            Map<String, Object> values = row.values();
            if (withFile) {
                values = new LinkedHashMap<>(values);
                values.put("_file", file.toString());
            }
            out.println(JSON.writeValueAsString(values));
        }
        out.flush();
        return failures == 0 ? 0 : 1;
    }

    private int schema(List<String> args) throws IOException {
        if (args.isEmpty()) {
            err.print(USAGE);
            return 2;
        }
        DicomInstanceReader reader = new DicomInstanceReader();
        Schema schema = new Schema(ServiceColumns.FIELDS);
        int failures = 0;
        for (Path file : files(args)) {
            MetadataRow row = readRow(reader, file);
            if (row == null) {
                failures++;
            } else {
                schema.addAll(row.schema().fields());
            }
        }
        out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(schema.toJson()));
        return failures == 0 ? 0 : 1;
    }

    private int sql(List<String> args) {
        Path data = Path.of(System.getenv().getOrDefault("DICOM_DATA", "data"));
        int i = args.indexOf("--data");
        if (i >= 0 && i + 1 < args.size()) {
            data = Path.of(args.get(i + 1));
            args.remove(i + 1);
            args.remove(i);
        }
        if (args.size() != 1) {
            err.print(USAGE);
            return 2;
        }
        return SqlClient.run(data, args.get(0), out, err);
    }

    /** The row the routes would send for this file (LastUpdated is now), or null after printing why not. */
    private MetadataRow readRow(DicomInstanceReader reader, Path file) {
        try {
            ParsedInstance parsed = reader.read(file);
            for (String w : parsed.warnings()) {
                err.println(file + ": warning: " + w);
            }
            return ServiceColumns.apply(parsed.row(), ServiceColumns.INSERT, Instant.now(), Files.size(file),
                    "STANDARD");
        } catch (InvalidDicomException | IOException | RuntimeException e) {
            err.println(file + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            return null;
        }
    }

    /** Files named, and files under directories named, in a stable order. */
    private List<Path> files(List<String> args) throws IOException {
        List<Path> out = new ArrayList<>();
        for (String a : args) {
            Path p = Path.of(a);
            if (Files.isDirectory(p)) {
                try (Stream<Path> walk = Files.walk(p)) {
                    walk.filter(Files::isRegularFile).sorted().forEach(out::add);
                }
            } else {
                out.add(p);
            }
        }
        return out;
    }
}
