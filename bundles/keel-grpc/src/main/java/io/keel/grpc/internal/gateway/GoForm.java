package io.keel.grpc.internal.gateway;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Go's {@code Request.ParseForm}, as etcd's v2 handlers call it (net/http of Go 1.17 and later,
 * which etcd 3.4.23 is built with): the body's fields for POST, PUT and PATCH whose media type is
 * {@code application/x-www-form-urlencoded} (any case), then the query's, each decoded as {@code
 * url.ParseQuery} decodes. The body of any other method is not read.
 *
 * <p>A bad form is refused with Go's error text, which etcd answers as its "Invalid POST form"
 * (code 210) with that text as the cause. Which error wins is Go's: the body's before the query's;
 * within one, the first bad escape, except that a semicolon anywhere overrides (Go assigns that
 * error where it keeps the first escape error). Media type parameters are not checked (Go refuses
 * {@code ;charset} without a value as "mime: invalid media parameter"; here it is ignored).
 *
 * <p>Both inputs are read as bytes (a request line reaches us as ISO-8859-1 chars); decoded names
 * and values are UTF-8, invalid sequences replaced (Go keeps the raw bytes).
 */
final class GoForm {
  /** A form Go's ParseForm refuses; the message is Go's error text. */
  static final class GoFormException extends Exception {
    GoFormException(String message) {
      super(message);
    }
  }

  private static final String FORM_TYPE = "application/x-www-form-urlencoded";
  private static final String TSPECIALS = "()<>@,;:\\\"/[]?=";

  private GoForm() {}

  /**
   * The fields of a request, body first.
   *
   * @param contentType the Content-Type header, "" if none
   * @param requestUri the request-target as sent; its query is everything after the first '?'
   */
  static Map<String, List<String>> parse(String method, String contentType, byte[] body, String requestUri)
      throws GoFormException {
    Map<String, List<String>> form = new LinkedHashMap<>();
    String error = null;
    if (method.equals("POST") || method.equals("PUT") || method.equals("PATCH")) {
      String type = contentType.isEmpty() ? "application/octet-stream" : contentType;
      int semicolon = type.indexOf(';');
      String mediaType = (semicolon < 0 ? type : type.substring(0, semicolon)).toLowerCase(Locale.ROOT).strip();
      error = checkMediaType(mediaType);
      if (error == null && mediaType.equals(FORM_TYPE)) {
        error = parseQuery(new String(body, StandardCharsets.ISO_8859_1), form);
      }
    }
    int query = requestUri.indexOf('?');
    if (query >= 0) {
      String e = parseQuery(requestUri.substring(query + 1), form);
      error = error == null ? e : error;
    }
    if (error != null) {
      throw new GoFormException(error);
    }
    return form;
  }

  /**
   * Go's {@code r.URL.Query()}: the fields of the request-target's query, the pairs that do not
   * unescape (or hold a ';') left out without an error, as Go drops them.
   */
  static Map<String, List<String>> query(String requestUri) {
    Map<String, List<String>> fields = new LinkedHashMap<>();
    int query = requestUri.indexOf('?');
    if (query >= 0) {
      parseQuery(requestUri.substring(query + 1), fields);
    }
    return fields;
  }

  /** Go's url.ParseQuery into {@code form}: the error to report, or null. */
  private static String parseQuery(String query, Map<String, List<String>> form) {
    String error = null;
    for (String pair : query.split("&", -1)) {
      if (pair.indexOf(';') >= 0) {
        error = "invalid semicolon separator in query";
        continue;
      }
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key;
      String value;
      try {
        key = unescape(eq < 0 ? pair : pair.substring(0, eq));
        value = unescape(eq < 0 ? "" : pair.substring(eq + 1));
      } catch (GoFormException e) {
        error = error == null ? e.getMessage() : error;
        continue;
      }
      form.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
    }
    return error;
  }

  /** Go's url.QueryUnescape of bytes held as ISO-8859-1 chars; the result decoded as UTF-8. */
  private static String unescape(String s) throws GoFormException {
    byte[] out = new byte[s.length()];
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        if (i + 2 >= s.length() || hex(s.charAt(i + 1)) < 0 || hex(s.charAt(i + 2)) < 0) {
          throw new GoFormException("invalid URL escape " + quote(s.substring(i, Math.min(i + 3, s.length()))));
        }
        out[n++] = (byte) (hex(s.charAt(i + 1)) << 4 | hex(s.charAt(i + 2)));
        i += 2;
      } else {
        out[n++] = (byte) (c == '+' ? ' ' : c);
      }
    }
    return new String(out, 0, n, StandardCharsets.UTF_8);
  }

  private static int hex(char c) {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
  }

  /**
   * Go's strconv.Quote of a few bytes (held as ISO-8859-1 chars): printable characters as they
   * are, {@code "} and {@code \} escaped, the rest as \a..\v, \\uNNNN (valid but not printable) or
   * \xNN (not UTF-8).
   */
  static String quote(String bytes) {
    byte[] b = bytes.getBytes(StandardCharsets.ISO_8859_1);
    StringBuilder q = new StringBuilder("\"");
    for (int i = 0; i < b.length; i++) {
      int c = b[i] & 0xff;
      if (c >= 0x80) {
        // only two-byte sequences fit in an escape's three bytes
        if (c >= 0xc2 && c <= 0xdf && i + 1 < b.length && (b[i + 1] & 0xc0) == 0x80) {
          int rune = (c & 0x1f) << 6 | b[i + 1] & 0x3f;
          i++;
          q.append(printable(rune) ? String.valueOf((char) rune) : String.format("\\u%04x", rune));
        } else {
          q.append(String.format("\\x%02x", c));
        }
        continue;
      }
      switch (c) {
        case '"' -> q.append("\\\"");
        case '\\' -> q.append("\\\\");
        case 7 -> q.append("\\a");
        case '\b' -> q.append("\\b");
        case '\f' -> q.append("\\f");
        case '\n' -> q.append("\\n");
        case '\r' -> q.append("\\r");
        case '\t' -> q.append("\\t");
        case 11 -> q.append("\\v");
        default -> q.append(c >= 0x20 && c < 0x7f ? String.valueOf((char) c) : String.format("\\x%02x", c));
      }
    }
    return q.append('"').toString();
  }

  /** Go's unicode.IsPrint for a rune below U+0800. */
  private static boolean printable(int rune) {
    return switch (Character.getType(rune)) {
      case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE, Character.UNASSIGNED,
          Character.SPACE_SEPARATOR, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> false;
      default -> true;
    };
  }

  /** Go's mime checkMediaTypeDisposition: the error text, or null for a good type. */
  private static String checkMediaType(String s) {
    int typeEnd = tokenEnd(s, 0);
    if (typeEnd == 0) {
      return "mime: no media type";
    }
    if (typeEnd == s.length()) {
      return null;
    }
    if (s.charAt(typeEnd) != '/') {
      return "mime: expected slash after first token";
    }
    int subtypeEnd = tokenEnd(s, typeEnd + 1);
    if (subtypeEnd == typeEnd + 1) {
      return "mime: expected token after slash";
    }
    return subtypeEnd == s.length() ? null : "mime: unexpected content after media subtype";
  }

  private static int tokenEnd(String s, int from) {
    int i = from;
    while (i < s.length() && s.charAt(i) > 0x20 && s.charAt(i) < 0x7f && TSPECIALS.indexOf(s.charAt(i)) < 0) {
      i++;
    }
    return i;
  }
}
