package io.keel.grpc.internal.gateway;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON read the way Go's encoding/json reads it, with its error texts, because etcd's gateway
 * answers a malformed body with exactly those texts ("invalid character 'o' in literal null
 * (expecting 'u')", "unexpected EOF", "illegal base64 data at input byte 4"). Works on the body's
 * bytes, as Go's scanner does, so a stray non-ASCII byte is named the way Go names it.
 *
 * <p>{@link Reader} is {@code json.Decoder}: values one after the other, trailing bytes after a
 * complete value left for the next read. {@link #unmarshal} is {@code json.Unmarshal}: the whole
 * input must be one value.
 */
final class GoJson {
  /** Go's maxNestingDepth in encoding/json's scanner. */
  private static final int MAX_DEPTH = 10_000;

  private GoJson() {}

  /** A failure with Go's text as its message. */
  static final class GoJsonException extends Exception {
    private static final long serialVersionUID = 1L;

    GoJsonException(String message) {
      super(message, null, false, false);
    }
  }

  /** One parsed JSON value. */
  sealed interface Value permits Obj, Arr, Str, Num, Bool, Null {
    /** The word Go's UnmarshalTypeError uses for this kind of value. */
    String kind();
  }

  /** An object; a repeated member name keeps its last value, as decoding into a Go map does. */
  record Obj(Map<String, Value> members) implements Value {
    public String kind() {
      return "object";
    }
  }

  record Arr(List<Value> elements) implements Value {
    public String kind() {
      return "array";
    }
  }

  /** A string: {@code raw} is the bytes between the quotes as sent, {@code bytes} the decoded text. */
  record Str(byte[] raw, byte[] bytes) implements Value {
    public String kind() {
      return "string";
    }

    String text() {
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }

  /** A number, kept as its literal text (Go's errors quote it as sent). */
  record Num(String text) implements Value {
    public String kind() {
      return "number";
    }
  }

  record Bool(boolean value) implements Value {
    public String kind() {
      return "bool";
    }
  }

  record Null() implements Value {
    public String kind() {
      return "null";
    }
  }

  /**
   * json.Unmarshal's reading: one value and nothing but white space after it. Go's scanner checks
   * the end of input by feeding it one more space, so a value cut where a space is not allowed (as
   * in "1." or "-") is named by that space; the input is read with the space appended.
   */
  static Value unmarshal(byte[] data) throws GoJsonException {
    byte[] spaced = Arrays.copyOf(data, data.length + 1);
    spaced[data.length] = ' ';
    Parser p = new Parser(spaced, 0, "unexpected end of JSON input");
    p.skipSpace();
    Value v = p.value();
    p.skipSpace();
    if (p.pos < spaced.length) {
      throw p.error("after top-level value");
    }
    return v;
  }

  /** json.Decoder's reading: successive values; {@link #next} is null once only white space is left. */
  static final class Reader {
    private final byte[] data;
    private int pos;

    Reader(byte[] data) {
      this.data = data;
    }

    Value next() throws GoJsonException {
      Parser p = new Parser(data, pos, "unexpected EOF");
      p.skipSpace();
      if (p.pos >= data.length) {
        return null;
      }
      Value v = p.value();
      pos = p.pos;
      return v;
    }
  }

  /** The error of a type mismatch, as Go's UnmarshalTypeError words it. */
  static GoJsonException typeError(String what, String goType) {
    return new GoJsonException("json: cannot unmarshal " + what + " into Go value of type " + goType);
  }

  /** Go's base64.StdEncoding.Decode: padding required, CR and LF skipped, errors at Go's byte offset. */
  static byte[] base64(byte[] src) throws GoJsonException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(src.length * 3 / 4);
    int si = 0;
    while (si < src.length) {
      int[] q = new int[4];
      int n = 0;
      boolean end = false;
      while (n < 4) {
        if (si == src.length) {
          if (n == 0) {
            return out.toByteArray();
          }
          throw corrupt(si - n);
        }
        int in = src[si++] & 0xff;
        int d = sextet(in);
        if (d >= 0) {
          q[n++] = d;
          continue;
        }
        if (in == '\n' || in == '\r') {
          continue;
        }
        if (in != '=' || n < 2) {
          throw corrupt(si - 1);
        }
        if (n == 2) {
          si = skipNewlines(src, si);
          if (si == src.length) {
            throw corrupt(src.length);
          }
          if (src[si] != '=') {
            throw corrupt(si - 1);
          }
          si++;
        }
        si = skipNewlines(src, si);
        if (si < src.length) {
          throw corrupt(si);
        }
        end = true;
        break;
      }
      int val = q[0] << 18 | q[1] << 12 | q[2] << 6 | q[3];
      out.write(val >> 16);
      if (n > 2) {
        out.write(val >> 8);
      }
      if (n > 3) {
        out.write(val);
      }
      if (end) {
        break;
      }
    }
    return out.toByteArray();
  }

  private static int skipNewlines(byte[] src, int si) {
    while (si < src.length && (src[si] == '\n' || src[si] == '\r')) {
      si++;
    }
    return si;
  }

  private static GoJsonException corrupt(int offset) {
    return new GoJsonException("illegal base64 data at input byte " + offset);
  }

  private static int sextet(int c) {
    if (c >= 'A' && c <= 'Z') {
      return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
      return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
      return c - '0' + 52;
    }
    return c == '+' ? 62 : c == '/' ? 63 : -1;
  }

  /** Go's strconv.Quote of a byte string (invalid UTF-8 as \x escapes), for "%q" in messages. */
  static String quote(byte[] s) {
    StringBuilder b = new StringBuilder("\"");
    int i = 0;
    while (i < s.length) {
      int c = s[i] & 0xff;
      int len = c < 0x80 ? 1 : c >= 0xc2 && c < 0xe0 ? 2 : c >= 0xe0 && c < 0xf0 ? 3 : c >= 0xf0 && c < 0xf5 ? 4 : 0;
      int cp = len == 1 ? c : decodeRune(s, i, len);
      if (cp < 0) {
        b.append(String.format("\\x%02x", c));
        i++;
        continue;
      }
      appendQuotedRune(b, cp, '"');
      i += len;
    }
    return b.append('"').toString();
  }

  /** The rune of a UTF-8 sequence of {@code len} bytes at {@code i}, or -1 where Go sees an error. */
  private static int decodeRune(byte[] s, int i, int len) {
    if (len == 0 || i + len > s.length) {
      return -1;
    }
    int cp = (s[i] & 0xff) & (0xff >> (len + 1));
    for (int k = 1; k < len; k++) {
      int c = s[i + k] & 0xff;
      if ((c & 0xc0) != 0x80) {
        return -1;
      }
      cp = cp << 6 | (c & 0x3f);
    }
    int min = len == 2 ? 0x80 : len == 3 ? 0x800 : 0x10000;
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      return -1;
    }
    return cp;
  }

  /** The scanner's name for a byte in an error: Go's quoteChar (the byte taken as a rune). */
  static String quoteChar(int c) {
    if (c == '\'') {
      return "'\\''";
    }
    if (c == '"') {
      return "'\"'";
    }
    StringBuilder b = new StringBuilder("'");
    appendQuotedRune(b, c, '\'');
    return b.append('\'').toString();
  }

  private static void appendQuotedRune(StringBuilder b, int cp, char quote) {
    if (cp == quote || cp == '\\') {
      b.append('\\').appendCodePoint(cp);
    } else if (isGoPrint(cp)) {
      b.appendCodePoint(cp);
    } else {
      switch (cp) {
        case 7 -> b.append("\\a");
        case '\b' -> b.append("\\b");
        case '\f' -> b.append("\\f");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        case 11 -> b.append("\\v");
        default -> {
          if (cp < ' ' || cp == 0x7f) {
            b.append(String.format("\\x%02x", cp));
          } else if (cp < 0x10000) {
            b.append(String.format("\\u%04x", cp));
          } else {
            b.append(String.format("\\U%08x", cp));
          }
        }
      }
    }
  }

  /** Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
  private static boolean isGoPrint(int cp) {
    if (cp == ' ') {
      return true;
    }
    return switch (Character.getType(cp)) {
      case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
          Character.MODIFIER_LETTER, Character.OTHER_LETTER, Character.NON_SPACING_MARK,
          Character.ENCLOSING_MARK, Character.COMBINING_SPACING_MARK, Character.DECIMAL_DIGIT_NUMBER,
          Character.LETTER_NUMBER, Character.OTHER_NUMBER, Character.CONNECTOR_PUNCTUATION,
          Character.DASH_PUNCTUATION, Character.START_PUNCTUATION, Character.END_PUNCTUATION,
          Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION,
          Character.OTHER_PUNCTUATION, Character.MATH_SYMBOL, Character.CURRENCY_SYMBOL,
          Character.MODIFIER_SYMBOL, Character.OTHER_SYMBOL -> true;
      default -> false;
    };
  }

  /**
   * One value from a position, with the scanner's checks in its order. Containers are built with an
   * explicit stack, so a deeply nested body cannot exhaust the thread's stack before Go's depth
   * limit answers.
   */
  private static final class Parser {
    private final byte[] data;
    private final String eofText;
    private int pos;

    Parser(byte[] data, int pos, String eofText) {
      this.data = data;
      this.pos = pos;
      this.eofText = eofText;
    }

    /** A container being filled: an object (with the name of the member being read) or an array. */
    private static final class Frame {
      final Map<String, Value> members;
      final List<Value> elements;
      String name;

      Frame(boolean object) {
        members = object ? new LinkedHashMap<>() : null;
        elements = object ? null : new ArrayList<>();
      }

      Value build() {
        return members != null ? new Obj(members) : new Arr(elements);
      }
    }

    Value value() throws GoJsonException {
      Deque<Frame> open = new ArrayDeque<>();
      while (true) {
        Value done;
        int c = peek();
        if (c == '{' || c == '[') {
          if (open.size() >= MAX_DEPTH) {
            throw error("exceeded max depth");
          }
          pos++;
          Frame f = new Frame(c == '{');
          open.push(f);
          skipSpace();
          int close = peekOrEof();
          if (close == (c == '{' ? '}' : ']')) {
            pos++;
            open.pop();
            done = f.build();
          } else {
            if (c == '{') {
              f.name = memberName("looking for beginning of object key string");
            }
            continue;
          }
        } else {
          done = scalar();
        }
        // a complete value: the top one, or one more in the innermost open container
        while (true) {
          if (open.isEmpty()) {
            return done;
          }
          Frame f = open.peek();
          if (f.members != null) {
            f.members.put(f.name, done);
          } else {
            f.elements.add(done);
          }
          skipSpace();
          int next = peekOrEof();
          if (next == ',') {
            pos++;
            skipSpace();
            if (f.members != null) {
              f.name = memberName("looking for beginning of object key string");
            }
            break;
          }
          if (next == (f.members != null ? '}' : ']')) {
            pos++;
            open.pop();
            done = f.build();
            continue;
          }
          throw error(f.members != null ? "after object key:value pair" : "after array element");
        }
      }
    }

    /** A member's name and the colon after it; leaves the position at the member's value. */
    private String memberName(String context) throws GoJsonException {
      if (peekOrEof() != '"') {
        throw error(context);
      }
      String name = string().text();
      skipSpace();
      if (peekOrEof() != ':') {
        throw error("after object key");
      }
      pos++;
      skipSpace();
      return name;
    }

    private Value scalar() throws GoJsonException {
      int c = peekOrEof();
      switch (c) {
        case '"':
          return string();
        case 't':
          literal("true");
          return new Bool(true);
        case 'f':
          literal("false");
          return new Bool(false);
        case 'n':
          literal("null");
          return new Null();
        default:
          if (c == '-' || (c >= '0' && c <= '9')) {
            return number();
          }
          throw error("looking for beginning of value");
      }
    }

    private void literal(String word) throws GoJsonException {
      pos++;
      for (int i = 1; i < word.length(); i++) {
        if (peekOrEof() != word.charAt(i)) {
          throw error("in literal " + word + " (expecting '" + word.charAt(i) + "')");
        }
        pos++;
      }
    }

    private Value number() throws GoJsonException {
      int start = pos;
      if (peekOrEof() == '-') {
        pos++;
        int c = peekOrEof();
        if (c < '0' || c > '9') {
          throw error("in numeric literal");
        }
      }
      if (peekOrEof() == '0') {
        pos++;
      } else {
        digits();
      }
      if (peek() == '.') {
        pos++;
        int c = peekOrEof();
        if (c < '0' || c > '9') {
          throw error("after decimal point in numeric literal");
        }
        digits();
      }
      if (peek() == 'e' || peek() == 'E') {
        pos++;
        if (peekOrEof() == '+' || peek() == '-') {
          pos++;
        }
        int c = peekOrEof();
        if (c < '0' || c > '9') {
          throw error("in exponent of numeric literal");
        }
        digits();
      }
      return new Num(new String(data, start, pos - start, StandardCharsets.US_ASCII));
    }

    private void digits() {
      while (pos < data.length && data[pos] >= '0' && data[pos] <= '9') {
        pos++;
      }
    }

    /** A string literal at the position (on its opening quote), checked and decoded as Go does. */
    private Str string() throws GoJsonException {
      pos++;
      int start = pos;
      while (true) {
        int c = peekOrEof();
        if (c == '"') {
          break;
        }
        if (c == '\\') {
          pos++;
          int e = peekOrEof();
          if (e == 'u') {
            pos++;
            for (int i = 0; i < 4; i++) {
              if (hex(peekOrEof()) < 0) {
                throw error("in \\u hexadecimal character escape");
              }
              pos++;
            }
            continue;
          }
          if ("\"\\/bfnrt".indexOf(e) < 0) {
            throw error("in string escape code");
          }
        } else if (c < 0x20) {
          throw error("in string literal");
        }
        pos++;
      }
      byte[] raw = Arrays.copyOfRange(data, start, pos);
      pos++;
      return new Str(raw, unquote(raw));
    }

    /** Go's unquoteBytes: escapes resolved, bad surrogates and invalid UTF-8 become U+FFFD. */
    private static byte[] unquote(byte[] s) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(s.length);
      int i = 0;
      while (i < s.length) {
        int c = s[i] & 0xff;
        if (c == '\\') {
          int e = s[i + 1];
          if (e == 'u') {
            int r = u4(s, i + 2);
            i += 6;
            if (r >= 0xd800 && r < 0xe000) {
              int r2 = i + 1 < s.length && s[i] == '\\' && s[i + 1] == 'u' ? u4(s, i + 2) : -1;
              if (r < 0xdc00 && r2 >= 0xdc00 && r2 < 0xe000) {
                writeRune(out, 0x10000 + ((r - 0xd800) << 10) + (r2 - 0xdc00));
                i += 6;
                continue;
              }
              r = 0xfffd;
            }
            writeRune(out, r);
            continue;
          }
          out.write(switch (e) {
            case 'b' -> '\b';
            case 'f' -> '\f';
            case 'n' -> '\n';
            case 'r' -> '\r';
            case 't' -> '\t';
            default -> e;
          });
          i += 2;
          continue;
        }
        if (c < 0x80) {
          out.write(c);
          i++;
          continue;
        }
        int len = c >= 0xc2 && c < 0xe0 ? 2 : c >= 0xe0 && c < 0xf0 ? 3 : c >= 0xf0 && c < 0xf5 ? 4 : 0;
        if (decodeRune(s, i, len) < 0) {
          writeRune(out, 0xfffd);
          i++;
        } else {
          out.write(s, i, len);
          i += len;
        }
      }
      return out.toByteArray();
    }

    private static int u4(byte[] s, int at) {
      if (at + 4 > s.length) {
        return -1;
      }
      int r = 0;
      for (int k = 0; k < 4; k++) {
        int h = hex(s[at + k]);
        if (h < 0) {
          return -1;
        }
        r = r << 4 | h;
      }
      return r;
    }

    private static void writeRune(ByteArrayOutputStream out, int cp) {
      byte[] b = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
      out.write(b, 0, b.length);
    }

    private static int hex(int c) {
      if (c >= '0' && c <= '9') {
        return c - '0';
      }
      if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
      }
      if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
      }
      return -1;
    }

    void skipSpace() {
      while (pos < data.length && (data[pos] == ' ' || data[pos] == '\t' || data[pos] == '\r' || data[pos] == '\n')) {
        pos++;
      }
    }

    /** The byte at the position, or -1 at the end (where a value may end, as after a number). */
    private int peek() {
      return pos < data.length ? data[pos] & 0xff : -1;
    }

    /** The byte at the position, where the input must go on: its end is an incomplete value. */
    private int peekOrEof() throws GoJsonException {
      if (pos >= data.length) {
        throw new GoJsonException(eofText);
      }
      return data[pos] & 0xff;
    }

    GoJsonException error(String context) {
      return new GoJsonException("invalid character " + quoteChar(data[pos] & 0xff) + " " + context);
    }
  }
}
