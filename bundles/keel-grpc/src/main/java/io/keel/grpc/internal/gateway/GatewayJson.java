package io.keel.grpc.internal.gateway;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON mapping of etcd's gateway (grpc-gateway v1 with {@code JSONPb{OrigName: true}}): proto3
 * JSON with the .proto field names, default values omitted, int64 as strings, bytes as base64; input
 * accepts both the .proto and the lowerCamel names and ignores unknown fields. Also the two error
 * bodies grpc-gateway writes.
 */
final class GatewayJson {
  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().preservingProtoFieldNames().omittingInsignificantWhitespace();
  private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();

  private GatewayJson() {}

  static String print(MessageOrBuilder message) {
    try {
      return PRINTER.print(message);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("cannot render " + message.getClass().getSimpleName(), e);
    }
  }

  /** Parses one JSON value into a new message of the prototype's type; blank input = empty message. */
  @SuppressWarnings("unchecked")
  static <T extends Message> T parse(String json, T prototype) throws InvalidProtocolBufferException {
    Message.Builder builder = prototype.newBuilderForType();
    if (!json.isBlank()) {
      PARSER.merge(json, builder);
    }
    return (T) builder.build();
  }

  /** The text of a parse failure, without wrapper class names or advice links. */
  static String parseError(Throwable t) {
    Throwable cause = t;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    String message = String.valueOf(cause.getMessage());
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }

  /** grpc-gateway's error body for a unary call: {@code {"error":..,"code":..,"message":..}}. */
  static String error(Status status) {
    String message = status.getDescription() == null ? "" : status.getDescription();
    StringBuilder b = new StringBuilder("{");
    if (!message.isEmpty()) {
      b.append("\"error\":").append(quote(message)).append(',');
    }
    b.append("\"code\":").append(status.getCode().value());
    if (!message.isEmpty()) {
      b.append(",\"message\":").append(quote(message));
    }
    return b.append('}').toString();
  }

  /** grpc-gateway's error chunk in a stream: {@code {"error":{"grpc_code":..,...}}}. */
  static String streamError(Status status) {
    String message = status.getDescription() == null ? "" : status.getDescription();
    var http = HttpStatuses.of(status.getCode());
    StringBuilder b = new StringBuilder("{\"error\":{");
    if (status.getCode().value() != 0) {
      b.append("\"grpc_code\":").append(status.getCode().value()).append(',');
    }
    b.append("\"http_code\":").append(http.code());
    if (!message.isEmpty()) {
      b.append(",\"message\":").append(quote(message));
    }
    b.append(",\"http_status\":").append(quote(http.reasonPhrase()));
    return b.append("}}").toString();
  }

  /** A JSON string literal, escaped as Go's encoding/json does. */
  static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        case '<', '>', '&', '\u2028', '\u2029' -> b.append(String.format("\\u%04x", (int) c));
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }

  /**
   * Splits a request body holding a sequence of JSON values (a client-streaming call's messages,
   * as grpc-gateway's decoder reads them one after the other). A value that does not end is
   * returned as it is, for the parser to reject.
   */
  static List<String> values(String body) {
    List<String> out = new ArrayList<>();
    int i = 0;
    int n = body.length();
    while (true) {
      while (i < n && Character.isWhitespace(body.charAt(i))) {
        i++;
      }
      if (i >= n) {
        return out;
      }
      int start = i;
      int depth = 0;
      boolean inString = false;
      for (; i < n; i++) {
        char c = body.charAt(i);
        if (inString) {
          if (c == '\\') {
            i++;
          } else if (c == '"') {
            inString = false;
            if (depth == 0) {
              i++;
              break;
            }
          }
        } else if (c == '"') {
          inString = true;
        } else if (c == '{' || c == '[') {
          depth++;
        } else if (c == '}' || c == ']') {
          depth--;
          if (depth <= 0) {
            i++;
            break;
          }
        } else if (depth == 0 && Character.isWhitespace(c)) {
          break;
        }
      }
      out.add(body.substring(start, Math.min(i, n)));
    }
  }
}
