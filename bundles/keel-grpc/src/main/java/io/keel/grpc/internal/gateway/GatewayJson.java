package io.keel.grpc.internal.gateway;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import io.grpc.Status;

/**
 * The JSON output of etcd's gateway (grpc-gateway v1 with {@code JSONPb{OrigName: true}}): proto3
 * JSON with the .proto field names, default values omitted, int64 as strings, bytes as base64; and
 * the two error bodies grpc-gateway writes. Requests are read by {@link GoJsonPb}.
 */
final class GatewayJson {
  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().preservingProtoFieldNames().omittingInsignificantWhitespace();

  private GatewayJson() {}

  static String print(MessageOrBuilder message) {
    try {
      return PRINTER.print(message);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("cannot render " + message.getClass().getSimpleName(), e);
    }
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

}
