package io.keel.console.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * How the console shows a value: {@code text} when it is valid UTF-8 without control characters
 * other than tab, CR and LF; {@code json} when that text is a JSON object or array (pretty-printed
 * for the preview, the exact bytes kept for editing); {@code binary} otherwise, with a hex dump of
 * its first {@value #HEX_BYTES} bytes. Every kind carries the exact bytes in base64, so a value is
 * never changed by being shown.
 */
public final class ValuePreview {
  static final int HEX_BYTES = 256;

  private ValuePreview() {}

  public static String kind(byte[] value) {
    String text = text(value);
    if (text == null) {
      return "binary";
    }
    return json(text) != null ? "json" : "text";
  }

  /** The value's preview fields into {@code into}: kind, size, base64, and text/pretty/hex. */
  public static void write(byte[] value, ObjectMapper mapper, ObjectNode into) {
    into.put("size", value.length);
    into.put("base64", Base64.getEncoder().encodeToString(value));
    String text = text(value);
    if (text == null) {
      into.put("kind", "binary");
      into.put("hex", hex(value, HEX_BYTES));
      return;
    }
    into.put("text", text);
    JsonNode parsed = json(text);
    if (parsed != null) {
      into.put("kind", "json");
      try {
        into.put("pretty", mapper.writerWithDefaultPrettyPrinter().writeValueAsString(parsed));
      } catch (IOException e) {
        throw new IllegalStateException("a parsed tree always prints", e);
      }
    } else {
      into.put("kind", "text");
    }
  }

  /** The value as text, or null if it is not valid UTF-8 or holds control characters. */
  static String text(byte[] value) {
    String s;
    try {
      s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(value)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) {
        return null;
      }
    }
    return s;
  }

  private static final ObjectMapper STRICT = new ObjectMapper()
      .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .disable(JsonParser.Feature.ALLOW_COMMENTS);

  private static JsonNode json(String text) {
    String t = text.strip();
    if (t.isEmpty() || (t.charAt(0) != '{' && t.charAt(0) != '[')) {
      return null;
    }
    try {
      return STRICT.readTree(t);
    } catch (IOException e) {
      return null;
    }
  }

  /** The first {@code max} bytes as "0000  de ad be ef ..." lines of 16. */
  static String hex(byte[] value, int max) {
    StringBuilder b = new StringBuilder();
    int n = Math.min(value.length, max);
    for (int row = 0; row < n; row += 16) {
      b.append(String.format("%04x ", row));
      for (int i = row; i < Math.min(row + 16, n); i++) {
        b.append(' ').append(Character.forDigit((value[i] >> 4) & 0xf, 16)).append(Character.forDigit(value[i] & 0xf, 16));
      }
      b.append('\n');
    }
    if (value.length > max) {
      b.append("... ").append(value.length - max).append(" more bytes\n");
    }
    return b.toString();
  }
}
