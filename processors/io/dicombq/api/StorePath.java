package io.dicombq.api;

import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * Matches the resource named in the URL (path parameters {@code project}, {@code location}, {@code dataset}, {@code store})
 * against the one configured store ({@code dicom.store.name}); anything else is 404, as in Google's API.
 * A custom verb ({@code dicomStores/S:import}) arrives glued to {@code store} and is split off into
 * header {@value #VERB}.
 */
public class StorePath {
    public static final String VERB = "StoreVerb";

    private final String storeName;
    private final String datasetName;

    public StorePath(String storeName) {
        String[] parts = storeName.split("/");
        if (parts.length != 8 || !"projects".equals(parts[0]) || !"locations".equals(parts[2])
                || !"datasets".equals(parts[4]) || !"dicomStores".equals(parts[6])) {
            throw new IllegalArgumentException("dicom.store.name must look like "
                    + "projects/P/locations/L/datasets/D/dicomStores/S, got: " + storeName);
        }
        this.storeName = storeName;
        this.datasetName = String.join("/", parts[0], parts[1], parts[2], parts[3], parts[4], parts[5]);
    }

    public String storeName() {
        return storeName;
    }

    /** For routes under {@code .../dicomStores/{store}}: 404 unless the URL names the configured store. */
    public void checkStore(Exchange exchange) {
        Message in = exchange.getMessage();
        String s = in.getHeader("store", String.class);
        String verb = null;
        int colon = s == null ? -1 : s.indexOf(':');
        if (colon >= 0) {
            verb = s.substring(colon + 1);
            s = s.substring(0, colon);
        }
        String named = dataset(in) + "/dicomStores/" + s;
        if (!storeName.equals(named)) {
            throw ApiException.notFound("DICOM store " + printable(named) + " not found");
        }
        in.setHeader(VERB, verb);
    }

    /** For routes under {@code .../datasets/{dataset}} (operations): 404 unless it is the store's dataset. */
    public void checkDataset(Exchange exchange) {
        String named = dataset(exchange.getMessage());
        if (!datasetName.equals(named)) {
            throw ApiException.notFound("dataset " + printable(named) + " not found");
        }
    }

    /** Any method/verb combination the store resource does not offer. */
    public void unsupported(Exchange exchange) {
        Message in = exchange.getMessage();
        String verb = in.getHeader(VERB, String.class);
        throw ApiException.notFound("no such method: " + in.getHeader(Exchange.HTTP_METHOD, String.class) + " "
                + storeName + (verb == null ? "" : ":" + printable(verb)));
    }

    /** A URL no API route serves. */
    public void unknownPath(Exchange exchange) {
        RequestBodyStream.discard(exchange.getMessage().getBody());
        throw ApiException.notFound("no such resource: "
                + printable(String.valueOf(exchange.getMessage().getHeader(Exchange.HTTP_PATH))));
    }

    private static String dataset(Message in) {
        return "projects/" + in.getHeader("project", String.class) + "/locations/"
                + in.getHeader("location", String.class) + "/datasets/" + in.getHeader("dataset", String.class);
    }

    /** Echo caller input safely: short, no control characters. */
    static String printable(String s) {
        String cut = s.length() > 200 ? s.substring(0, 200) + "..." : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
