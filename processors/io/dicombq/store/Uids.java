package io.dicombq.store;

/**
 * DICOM UID checks (PS3.5 9.1): digits and dots, at most 64 characters, no empty component,
 * no leading zero in a multi-digit component. Anything that passes is also safe as a path segment.
 */
public final class Uids {
    private Uids() {
    }

    public static boolean isValid(String uid) {
        if (uid == null || uid.isEmpty() || uid.length() > 64) {
            return false;
        }
        int componentStart = 0;
        for (int i = 0; i <= uid.length(); i++) {
            char c = i < uid.length() ? uid.charAt(i) : '.';
            if (c == '.') {
                int len = i - componentStart;
                if (len == 0 || (len > 1 && uid.charAt(componentStart) == '0')) {
                    return false;
                }
                componentStart = i + 1;
            } else if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /** Returns the UID, or throws with a message naming the attribute. */
    public static String require(String attribute, String uid) {
        if (!isValid(uid)) {
            throw new IllegalArgumentException("invalid " + attribute + ": '" + printable(uid)
                    + "' (a UID is digits and dots, at most 64 characters)");
        }
        return uid;
    }

    static String printable(String s) {
        if (s == null) {
            return "";
        }
        String cut = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
