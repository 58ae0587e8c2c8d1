package io.dicombq.row;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** An ordered set of top-level fields; merging two schemas gives the union, nested records included. */
public final class Schema {
    /** More sub-fields than this, and {@link #holds} looks them up by name instead of scanning. */
    private static final int WIDE_RECORD = 32;

    private final LinkedHashMap<String, Field> fields = new LinkedHashMap<>();
    // what fields() last returned, until the next add: the batch writers ask every row for its
    // fields, and copying ~100 of them per row showed in the drop folder's profile
    private List<Field> snapshot;

    public Schema() {
    }

    public Schema(Collection<Field> initial) {
        initial.forEach(this::add);
    }

    public List<Field> fields() {
        List<Field> list = snapshot;
        if (list == null) {
            list = List.copyOf(fields.values());
            snapshot = list;
        }
        return list;
    }

    public Field get(String name) {
        return fields.get(name);
    }

    public boolean isEmpty() {
        return fields.isEmpty();
    }

    /**
     * Adds a field, or merges its sub-fields into the existing field of the same name. Rows of one
     * batch mostly share their shape, so a field equal to the one already here changes nothing and
     * is skipped: comparing allocates nothing, merging a RECORD copies it.
     */
    public Schema add(Field field) {
        Field have = fields.get(field.name());
        if (have != null && (have == field || have.equals(field))) {
            return this;
        }
        snapshot = null;
        fields.merge(field.name(), field, Schema::mergeField);
        return this;
    }

    public Schema addAll(Collection<Field> more) {
        more.forEach(this::add);
        return this;
    }

    /** Fields of {@code wanted} (recursively) that this schema lacks; empty when nothing is missing. */
    public List<Field> missingFrom(Schema wanted) {
        List<Field> missing = new ArrayList<>();
        for (Field w : wanted.fields.values()) {
            Field have = fields.get(w.name());
            if (have == null || !holds(have, w)) {
                missing.add(w);
            }
        }
        return missing;
    }

    /** True when every field of {@code wanted}, nested ones included, is already here. */
    public boolean covers(Schema wanted) {
        return missingFrom(wanted).isEmpty();
    }

    /**
     * Whether merging {@code wanted} into {@code have} would leave {@code have} as it is: every
     * sub-field of {@code wanted}, at any depth, is already there. Asked for every column of every
     * batch, so it allocates nothing (merging to compare made a copy of each RECORD column).
     */
    static boolean holds(Field have, Field wanted) {
        if (have == wanted || have.type() != Field.Type.RECORD || wanted.type() != Field.Type.RECORD) {
            return true; // first declaration wins, as in mergeField
        }
        List<Field> haveFields = have.fields();
        // a scan for the usual few sub-fields; a map for a wide sequence item
        Map<String, Field> byName = null;
        if (haveFields.size() > WIDE_RECORD) {
            byName = new HashMap<>();
            for (Field f : haveFields) {
                byName.putIfAbsent(f.name(), f);
            }
        }
        for (Field w : wanted.fields()) {
            Field h = byName != null ? byName.get(w.name()) : find(haveFields, w.name());
            if (h == null || !holds(h, w)) {
                return false;
            }
        }
        return true;
    }

    private static Field find(List<Field> fields, String name) {
        for (Field f : fields) {
            if (f.name().equals(name)) {
                return f;
            }
        }
        return null;
    }

    static Field mergeField(Field a, Field b) {
        if (a.type() != Field.Type.RECORD || b.type() != Field.Type.RECORD) {
            return a; // first declaration wins; the mapper never declares one name with two types
        }
        Map<String, Field> merged = new LinkedHashMap<>();
        for (Field f : a.fields()) {
            merged.put(f.name(), f);
        }
        for (Field f : b.fields()) {
            merged.merge(f.name(), f, Schema::mergeField);
        }
        return new Field(a.name(), a.type(), a.mode(), new ArrayList<>(merged.values()));
    }

    public List<Map<String, Object>> toJson() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Field f : fields.values()) {
            out.add(f.toJson());
        }
        return out;
    }

    @Override
    public String toString() {
        return toJson().toString();
    }
}
