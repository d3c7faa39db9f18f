package io.keel.console.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ValuePreviewTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "hello world|text",
      "''|text",
      "{\"a\": [1, 2]}|json",
      "  [true, null]  |json",
      "{not json}|text",
      "{\"a\": 1} trailing|text",
      "42|text",
      "\"quoted\"|text",
      "grüße, 世界|text"})
  void kindOfText(String value, String kind) {
    assertEquals(kind, ValuePreview.kind(value.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void controlCharactersAndInvalidUtf8AreBinary() {
    assertEquals("binary", ValuePreview.kind(new byte[] {'a', 0, 'b'}));
    assertEquals("binary", ValuePreview.kind(new byte[] {(byte) 0xc3, (byte) 0x28}));
    assertEquals("binary", ValuePreview.kind(new byte[] {(byte) 0xff, (byte) 0xfe}));
    assertEquals("text", ValuePreview.kind("tab\there\r\nnewline".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void binaryPreviewKeepsTheExactBytesAndDumpsHex() {
    byte[] value = new byte[300];
    for (int i = 0; i < value.length; i++) {
      value[i] = (byte) i;
    }
    ObjectNode n = Json.object();
    ValuePreview.write(value, Json.MAPPER, n);
    assertEquals("binary", n.get("kind").asText());
    assertEquals(300, n.get("size").asInt());
    assertEquals(Base64.getEncoder().encodeToString(value), n.get("base64").asText());
    String hex = n.get("hex").asText();
    assertTrue(hex.startsWith("0000  00 01 02 03"), hex);
    assertTrue(hex.contains("00f0  f0 f1"), hex);
    assertTrue(hex.endsWith("... 44 more bytes\n"), hex);
    assertFalse(n.has("text"));
  }

  @Test
  void jsonPreviewIsPrettyButTheTextIsUnchanged() {
    ObjectNode n = Json.object();
    ValuePreview.write("{\"b\":1,\"a\":[2]}".getBytes(StandardCharsets.UTF_8), Json.MAPPER, n);
    assertEquals("json", n.get("kind").asText());
    assertEquals("{\"b\":1,\"a\":[2]}", n.get("text").asText());
    assertTrue(n.get("pretty").asText().contains("\n"), n.toString());
  }
}
