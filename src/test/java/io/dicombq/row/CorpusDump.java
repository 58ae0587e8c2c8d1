package io.dicombq.row;

import java.nio.file.Files;
import java.nio.file.Path;

/** Prints our row for a DICOM file (a review aid for the corpus expectations). */
public final class CorpusDump {
    public static void main(String[] args) throws Exception {
        DicomInstanceReader r = new DicomInstanceReader();
        for (String a : args) {
            System.out.println("=== " + a);
            try {
                ParsedInstance p = r.read(Path.of(a));
                System.out.println(RowJson.JSON.writeValueAsString(p.row().values()) + "\nwarnings=" + p.warnings());
            } catch (io.dicombq.InvalidDicomException e) {
                System.out.println("INVALID: " + e.getMessage());
            }
        }
    }
}
