package io.dicombq.api;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.TagFromName;
import io.dicombq.store.Uids;

import java.io.BufferedInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * SOP Class and SOP Instance UID of a refused STOW part, for its FailedSOPSequence item, so the
 * client learns which instance failed. Reads only the first few elements; anything unreadable or
 * not a valid UID is left out rather than echoed back.
 */
record PartUids(String sopClassUid, String sopInstanceUid) {
    // (0008,0020) Study Date follows both UIDs: nothing past it is needed
    private static final AttributeTag STOP = new AttributeTag(0x0008, 0x0020);

    static PartUids of(Path part) {
        AttributeList list = new AttributeList();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(part))) {
            list.read(new DicomInputStream(in), STOP);
        } catch (Exception | LinkageError unreadable) {
            // not DICOM, or cut short: the UIDs read so far (if any) are still used
        }
        return new PartUids(valid(Attribute.getSingleStringValueOrNull(list, TagFromName.SOPClassUID)),
                valid(Attribute.getSingleStringValueOrNull(list, TagFromName.SOPInstanceUID)));
    }

    private static String valid(String uid) {
        return Uids.isValid(uid) ? uid : null;
    }
}
