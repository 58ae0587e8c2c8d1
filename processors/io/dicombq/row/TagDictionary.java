package io.dicombq.row;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * The DICOM data dictionary (keyword, VR, VM) keyed by tag. It is read once from the
 * {@code elmdict.xml} PixelMed ships, because PixelMed's own dictionary API does not expose VM,
 * which decides a column's mode. Lookups are one hash probe per element.
 */
public final class TagDictionary {

    /** One dictionary entry; {@code singleValued} is VM "1" (NULLABLE column), else REPEATED. */
    public record Entry(int tag, String keyword, String vr, boolean singleValued) {
    }

    private static final String RESOURCE = "/com/pixelmed/dicom/elmdict.xml";
    private static volatile TagDictionary standard;

    private final Map<Integer, Entry> byTag;

    TagDictionary(Map<Integer, Entry> byTag) {
        this.byTag = byTag;
    }

    /** The standard dictionary, loaded on first use and shared (it is immutable). */
    public static TagDictionary standard() {
        TagDictionary d = standard;
        if (d == null) {
            synchronized (TagDictionary.class) {
                d = standard;
                if (d == null) {
                    d = load();
                    standard = d;
                }
            }
        }
        return d;
    }

    /**
     * The entry for a tag, or null for private and unknown tags. Repeating groups (50xx, 60xx)
     * are found under their base group.
     */
    public Entry lookup(int tag) {
        if ((tag & 0x00010000) != 0) {
            return null; // odd group: private, never in the standard dictionary
        }
        Entry e = byTag.get(tag);
        if (e == null && isRepeatingGroup(tag)) {
            e = byTag.get(tag & 0xFF00FFFF);
        }
        return e;
    }

    /** True for curve (50xx) and overlay (60xx) groups, whose keyword is shared by 128 groups. */
    public static boolean isRepeatingGroup(int tag) {
        int group = tag >>> 16;
        return (group & 0xFF00) == 0x5000 || (group & 0xFF00) == 0x6000;
    }

    private static TagDictionary load() {
        Map<Integer, Entry> map = new HashMap<>(8192);
        try (InputStream in = TagDictionary.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("PixelMed dictionary " + RESOURCE + " not on the classpath");
            }
            XMLInputFactory f = XMLInputFactory.newFactory();
            f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
            XMLStreamReader r = f.createXMLStreamReader(in);
            Map<String, String> cur = new HashMap<>();
            String field = null;
            StringBuilder text = new StringBuilder();
            while (r.hasNext()) {
                int ev = r.next();
                if (ev == XMLStreamReader.START_ELEMENT) {
                    field = r.getLocalName();
                    text.setLength(0);
                    if ("DataElement".equals(field)) {
                        cur.clear();
                    }
                } else if (ev == XMLStreamReader.CHARACTERS && field != null) {
                    text.append(r.getText());
                } else if (ev == XMLStreamReader.END_ELEMENT) {
                    String name = r.getLocalName();
                    if ("DataElement".equals(name)) {
                        add(map, cur);
                    } else {
                        cur.put(name, text.toString().trim());
                    }
                    field = null;
                }
            }
        } catch (IOException | XMLStreamException e) {
            throw new IllegalStateException("cannot read the DICOM dictionary: " + e.getMessage(), e);
        }
        return new TagDictionary(Map.copyOf(map));
    }

    private static void add(Map<Integer, Entry> map, Map<String, String> e) {
        String group = e.get("Group");
        String element = e.get("Element");
        String keyword = e.get("Keyword");
        if (group == null || element == null || keyword == null || keyword.isEmpty()) {
            return;
        }
        // "0x60xx" and "0x7Fxx": store under the base group (xx = 00)
        int g;
        int el;
        try {
            g = Integer.parseInt(group.substring(2).replace("xx", "00"), 16);
            el = Integer.parseInt(element.substring(2).replace("xx", "00").replace('x', '0'), 16);
        } catch (NumberFormatException | IndexOutOfBoundsException ex) {
            return; // a few entries describe element ranges; none of them matter for columns
        }
        int tag = (g << 16) | el;
        String vr = e.getOrDefault("VR", "UN");
        boolean single = "1".equals(e.get("VMMin")) && "1".equals(e.get("VMMax"));
        map.putIfAbsent(tag, new Entry(tag, keyword, vr, single));
    }
}
