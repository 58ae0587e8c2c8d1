package io.dicombq.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The STOW-RS store response of PS3.18 10.5.3 in its DICOM JSON form (PS3.18 F.2): the instances
 * stored (ReferencedSOPSequence with a RetrieveURL each), the parts refused (FailedSOPSequence with a
 * FailureReason), the study's RetrieveURL, and the HTTP status those imply.
 */
public final class StoreResponse {
    /** FailureReason codes (PS3.4 Annex GG / PS3.18 table 10.5.3-1). */
    public static final int PROCESSING_FAILURE = 0x0110;
    public static final int OUT_OF_RESOURCES = 0xA700;
    public static final int DOES_NOT_MATCH = 0xA900;
    public static final int CANNOT_UNDERSTAND = 0xC000;

    private static final String RETRIEVE_URL = "00081190";
    private static final String FAILED_SOP_SEQUENCE = "00081198";
    private static final String REFERENCED_SOP_SEQUENCE = "00081199";
    private static final String FAILURE_REASON = "00081197";
    private static final String REFERENCED_SOP_CLASS_UID = "00081150";
    private static final String REFERENCED_SOP_INSTANCE_UID = "00081155";

    private final String studiesUrl;
    private final List<Map<String, Object>> referenced = new ArrayList<>();
    private final List<Map<String, Object>> failed = new ArrayList<>();
    private final Set<String> studies = new LinkedHashSet<>();

    /** @param studiesUrl the absolute URL of {@code .../dicomWeb/studies}, without a trailing slash */
    public StoreResponse(String studiesUrl) {
        this.studiesUrl = studiesUrl;
    }

    public void stored(String study, String series, String sop, String sopClassUid) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put(REFERENCED_SOP_CLASS_UID, ui(sopClassUid));
        item.put(REFERENCED_SOP_INSTANCE_UID, ui(sop));
        item.put(RETRIEVE_URL, value("UR", studiesUrl + "/" + study + "/series/" + series + "/instances/" + sop));
        referenced.add(item);
        studies.add(study);
    }

    /** A part that was not stored; the UIDs are null when the part could not be read far enough. */
    public void failed(String sopClassUid, String sop, int reason) {
        Map<String, Object> item = new LinkedHashMap<>();
        if (sopClassUid != null) {
            item.put(REFERENCED_SOP_CLASS_UID, ui(sopClassUid));
        }
        if (sop != null) {
            item.put(REFERENCED_SOP_INSTANCE_UID, ui(sop));
        }
        item.put(FAILURE_REASON, value("US", reason));
        failed.add(item);
    }

    public int storedCount() {
        return referenced.size();
    }

    public int failedCount() {
        return failed.size();
    }

    /** 200 all stored, 202 some stored, 409 none stored (PS3.18 10.5.3). */
    public int httpStatus() {
        if (failed.isEmpty()) {
            return 200;
        }
        return referenced.isEmpty() ? 409 : 202;
    }

    /**
     * @param urlStudy the study named in the request URL, or null; the response's RetrieveURL names it,
     *                 or the one study every stored instance belongs to
     */
    public Map<String, Object> toJson(String urlStudy) {
        Map<String, Object> json = new LinkedHashMap<>();
        String study = urlStudy != null ? urlStudy : studies.size() == 1 ? studies.iterator().next() : null;
        if (study != null && !referenced.isEmpty()) {
            json.put(RETRIEVE_URL, value("UR", studiesUrl + "/" + study));
        }
        if (!failed.isEmpty()) {
            json.put(FAILED_SOP_SEQUENCE, Map.of("vr", "SQ", "Value", failed));
        }
        if (!referenced.isEmpty()) {
            json.put(REFERENCED_SOP_SEQUENCE, Map.of("vr", "SQ", "Value", referenced));
        }
        return json;
    }

    private static Map<String, Object> ui(String uid) {
        return value("UI", uid);
    }

    private static Map<String, Object> value(String vr, Object v) {
        Map<String, Object> attr = new LinkedHashMap<>();
        attr.put("vr", vr);
        attr.put("Value", List.of(v));
        return attr;
    }
}
