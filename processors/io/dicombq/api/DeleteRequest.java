package io.dicombq.api;

import io.dicombq.store.Uids;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

import java.util.Map;

/**
 * DICOMweb DELETE at study, series or instance level: checks the UIDs from the URL before they
 * reach the store (they become path segments there), and turns the number of deleted instances
 * into the answer (none: 404).
 */
public class DeleteRequest {

    /** Path parameters {@code study}, {@code series}, {@code instance} to headers DicomStudy/DicomSeries/DicomInstance. */
    public void prepare(Exchange exchange) {
        Message in = exchange.getMessage();
        RequestBodyStream.discard(in.getBody()); // a DELETE has no body to read
        in.setBody(null);
        in.setHeader("DicomStudy", uid(in, "study", "StudyInstanceUID"));
        in.setHeader("DicomSeries", uid(in, "series", "SeriesInstanceUID"));
        in.setHeader("DicomInstance", uid(in, "instance", "SOPInstanceUID"));
    }

    /** The deletion route answered with the number of instances it deleted. */
    public void answer(Exchange exchange) {
        Message in = exchange.getMessage();
        Integer deleted = in.getBody(Integer.class);
        if (deleted == null || deleted == 0) {
            throw ApiException.notFound("no instances match " + in.getHeader(Exchange.HTTP_PATH, String.class));
        }
        in.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        in.setHeader(Exchange.CONTENT_TYPE, "application/json");
        in.setBody(Map.of());
    }

    private static String uid(Message in, String param, String attribute) {
        String value = in.getHeader(param, String.class);
        if (value == null) {
            return null;
        }
        if (!Uids.isValid(value)) {
            throw ApiException.badRequest("invalid " + attribute + " '" + StorePath.printable(value)
                    + "' (a UID is digits and dots, at most 64 characters)");
        }
        return value;
    }
}
