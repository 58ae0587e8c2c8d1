package io.dicombq.row;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.Charset;
import java.util.List;
import org.junit.jupiter.api.Test;

class TextDecoderTest {

    @Test
    void iso2022Ir159JisX0212() {
        byte[] euc = "\u4e02".getBytes(Charset.forName("EUC-JP")); // JIS X 0212: 8F xx yy
        assertEquals((byte) 0x8F, euc[0]);
        byte[] v = {0x1B, '$', '(', 'D', (byte) (euc[1] & 0x7F), (byte) (euc[2] & 0x7F), 0x1B, '(', 'B', '^', 'A'};
        TextDecoder.Decoded d = TextDecoder.of(List.of("", "ISO 2022 IR 159")).decode(v, true);
        assertEquals("\u4e02^A", d.text());
        assertNull(d.problem());
    }

    @Test
    void iso2022Ir58Gb2312() {
        byte[] gb = "\u5f20".getBytes(Charset.forName("GB2312"));
        byte[] v = {'Z', '=', 0x1B, '$', ')', 'A', gb[0], gb[1]};
        assertEquals("Z=\u5f20", TextDecoder.of(List.of("", "ISO 2022 IR 58")).decode(v, true).text());
    }

    @Test
    void backslashBytesInsideDoubleByteCharactersAreNotDelimiters() {
        byte[] jis = "\u5c71".getBytes(Charset.forName("ISO-2022-JP"));
        byte[] body = java.util.Arrays.copyOfRange(jis, 3, 5); // just the two JIS bytes
        byte[] v = {0x1B, '$', 'B', body[0], body[1], '\\', 'A'};
        // in JIS X 0208 mode 0x5C 0x41 is one character, not a delimiter: decode before splitting
        assertEquals("\u5c71\u695e", TextDecoder.of(List.of("", "ISO 2022 IR 87")).decode(v, false).text());
        byte[] w = {0x1B, '$', 'B', body[0], body[1], 0x1B, '(', 'B', '\\', 'A'};
        assertEquals("\u5c71\\A", TextDecoder.of(List.of("", "ISO 2022 IR 87")).decode(w, false).text());
    }

    @Test
    void highBytesWithoutCharsetAreKeptWithAProblem() {
        TextDecoder.Decoded d = TextDecoder.defaultRepertoire().decode(new byte[] {'c', (byte) 0xE9}, false);
        assertEquals("c\u00e9", d.text());
        assertNotNull(d.problem());
    }
}
