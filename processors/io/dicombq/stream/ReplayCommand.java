package io.dicombq.stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dicombq.row.MetadataRow;
import io.dicombq.row.ServiceColumns;
import io.dicombq.warehouse.TableRef;
import io.dicombq.warehouse.Warehouse;
import io.dicombq.warehouse.DuckDbWarehouse;

import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code bin/dicom-bq replay [--destination bq://P.D.T] [--url http://HOST:PORT] [--data DIR] [--store NAME]}:
 * asks the running bundle to replay its dead letters ({@code POST /admin/dead-letters:replay});
 * when nothing answers there, replays them itself straight into the embedded warehouse under
 * {@code --data} (the bundle must then be stopped: DuckDB lets one process open a file).
 */
public final class ReplayCommand {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PrintStream out;
    private final PrintStream err;

    public ReplayCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public int run(List<String> args) throws IOException {
        String destination = null;
        String url = System.getenv().getOrDefault("DICOM_BQ_URL", "http://127.0.0.1:8080");
        String data = "data";
        String store = "projects/local/locations/local/datasets/local/dicomStores/local";
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (i + 1 >= args.size()) {
                err.println("dicom-bq replay: " + a + " needs a value");
                return 2;
            }
            switch (a) {
                case "--destination" -> destination = TableRef.parse(args.get(++i)).uri();
                case "--url" -> url = args.get(++i);
                case "--data" -> data = args.get(++i);
                case "--store" -> store = args.get(++i);
                default -> {
                    err.println("dicom-bq replay: unknown option " + a);
                    return 2;
                }
            }
        }
        try {
            out.println(online(url, destination));
            return 0;
        } catch (ConnectException notRunning) {
            err.println("dicom-bq replay: no bundle at " + url + "; replaying into the warehouse under " + data);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
        try {
            out.println(JSON.writeValueAsString(offline(data, store, destination)));
            return 0;
        } catch (Exception e) {
            err.println("dicom-bq replay: " + e.getMessage());
            return 1;
        }
    }

    private static String online(String url, String destination) throws IOException, InterruptedException {
        String q = destination == null ? "" : "?destination=" + URLEncoder.encode(destination, StandardCharsets.UTF_8);
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + "/admin/dead-letters:replay" + q))
                .POST(HttpRequest.BodyPublishers.noBody());
        String token = System.getenv("DICOM_API_TOKEN"); // one of dicom.api.tokens, when the API requires one
        if (token != null && !token.isBlank()) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("the bundle answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    /** Replays into the embedded warehouse directly (the bundle is stopped). */
    public static Map<String, Object> offline(String dataDir, String storeName, String destination) throws Exception {
        DeadLetters deadLetters = new DeadLetters(dataDir, storeName);
        // as Destinations does live: destinations saved with includeSourceStore get SourceDicomStore
        // (dead letters hold the row as the fan-out sent it, without that column)
        Set<String> withSourceStore = new HashSet<>();
        for (StreamConfig c : StreamConfigs.saved(dataDir)) {
            if (c.includeSourceStore()) {
                withSourceStore.add(c.table().uri());
            }
        }
        // every row straight into its table; a streaming buffer the bundle left is merged first, and a
        // row its table refuses then is dead-lettered again
        try (Warehouse warehouse = new DuckDbWarehouse(java.nio.file.Path.of(dataDir), 1, 0, 500, 0, "", deadLetters)) {
            Set<String> prepared = new HashSet<>();
            return DeadLetterReplay.replay(deadLetters, destination, records -> {
                List<Boolean> ok = new ArrayList<>();
                for (DeadLetters.Record r : records) {
                    try {
                        TableRef table = TableRef.parse(r.destination());
                        if (prepared.add(r.destination())) {
                            warehouse.prepare(table);
                        }
                        MetadataRow row = withSourceStore.contains(r.destination())
                                ? ServiceColumns.withSourceStore(r.row(), storeName) : r.row();
                        warehouse.insert(table, List.of(row));
                        ok.add(true);
                    } catch (Exception e) {
                        deadLetters.append(DeadLetterReplay.again(r, String.valueOf(e.getMessage())));
                        ok.add(false);
                    }
                }
                return ok;
            });
        }
    }
}
