package io.dicombq.warehouse;

import io.dicombq.row.Field;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.dicombq.row.Field.Type.FLOAT;
import static io.dicombq.row.Field.Type.INTEGER;
import static io.dicombq.row.Field.Type.STRING;
import static io.dicombq.row.Field.Type.TIMESTAMP;
import static org.junit.jupiter.api.Assertions.assertEquals;

class DuckDbTypesTest {

    @Test
    void writesBigQueryFieldsAsDuckDbTypes() {
        Field f = Field.record("Seq", Field.Mode.REPEATED, List.of(
                Field.nullable("a b", STRING), Field.repeated("Data", STRING), Field.nullable("When", TIMESTAMP),
                Field.record("Empty", Field.Mode.NULLABLE, List.of())));
        assertEquals("STRUCT(\"a b\" VARCHAR, \"Data\" VARCHAR[], \"When\" TIMESTAMPTZ)[]", DuckDbTypes.sqlType(f));
    }

    @Test
    void readsDuckDbCatalogTypesBack() {
        Field f = DuckDbTypes.parse("Seq",
                "STRUCT(\"a b\" VARCHAR, \"x\"\"y\" BIGINT[], c STRUCT(d DECIMAL(18,3), e TIMESTAMP WITH TIME ZONE)[], "
                        + "m MAP(VARCHAR, INTEGER), t TIME)[]");
        Field expected = Field.record("Seq", Field.Mode.REPEATED, List.of(
                Field.nullable("a b", STRING),
                Field.repeated("x\"y", INTEGER),
                Field.record("c", Field.Mode.REPEATED, List.of(Field.nullable("d", FLOAT), Field.nullable("e", TIMESTAMP))),
                Field.nullable("m", STRING),
                Field.nullable("t", Field.Type.TIME)));
        assertEquals(expected, f);
        assertEquals(Field.repeated("l", INTEGER), DuckDbTypes.parse("l", "BIGINT[][]"));
        assertEquals(Field.nullable("d", Field.Type.DATE), DuckDbTypes.parse("d", "DATE"));
    }
}
