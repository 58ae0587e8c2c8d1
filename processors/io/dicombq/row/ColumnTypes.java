package io.dicombq.row;

/** The VR to column type table of DESIGN.md section 4; null means "no column" (DroppedTags). */
public final class ColumnTypes {

    private ColumnTypes() {
    }

    public static Field.Type of(String vr) {
        switch (vr) {
            case "AE", "AS", "CS", "LO", "LT", "SH", "ST", "UC", "UI", "UR", "UT", "DS", "IS":
                return Field.Type.STRING;
            case "DA":
                return Field.Type.DATE;
            case "TM":
                return Field.Type.TIME;
            case "DT":
                return Field.Type.TIMESTAMP;
            case "FL", "FD":
                return Field.Type.FLOAT;
            case "SS", "US", "SL", "UL", "SV", "UV", "AT", "XS":
                return Field.Type.INTEGER;
            case "PN", "SQ":
                return Field.Type.RECORD;
            default:
                return null; // OB OD OF OL OV OW UN OX and anything unknown
        }
    }

    /** Text VRs whose value is one string even when it contains backslashes. */
    public static boolean singleValuedText(String vr) {
        return switch (vr) {
            case "ST", "LT", "UT", "UR" -> true;
            default -> false;
        };
    }

    /** Text VRs decoded with the Specific Character Set; the others use the default repertoire. */
    public static boolean usesCharacterSet(String vr) {
        return switch (vr) {
            case "SH", "LO", "ST", "LT", "UC", "UT", "PN" -> true;
            default -> false;
        };
    }

    /** VRs whose leading spaces are part of the value. */
    public static boolean keepsLeadingSpaces(String vr) {
        return switch (vr) {
            case "ST", "LT", "UT", "UC", "UR" -> true;
            default -> false;
        };
    }
}
