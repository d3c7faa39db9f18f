package io.keel.grpc.internal.gateway;

import io.grpc.netty.shaded.io.netty.buffer.Unpooled;
import io.grpc.netty.shaded.io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.grpc.netty.shaded.io.netty.handler.codec.http.FullHttpResponse;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpResponseStatus;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/** Complete HTTP/1.1 responses with a body, as etcd's Go HTTP server writes them. */
final class HttpResponses {
  static final String JSON = "application/json";
  /** What Go's http.Error and content sniffing of a JSON body report. */
  static final String TEXT = "text/plain; charset=utf-8";
  // header names as Go's net/http writes them
  static final String CONTENT_TYPE = "Content-Type";
  static final String CONTENT_LENGTH = "Content-Length";
  static final String TRANSFER_ENCODING = "Transfer-Encoding";

  private HttpResponses() {}

  static FullHttpResponse json(HttpResponseStatus status, String body) {
    return of(status, JSON, body);
  }

  /** Go's {@code http.Error}: the text plus a newline, never sniffed. */
  static FullHttpResponse text(HttpResponseStatus status, String body) {
    FullHttpResponse r = of(status, TEXT, body + "\n");
    r.headers().set("X-Content-Type-Options", "nosniff");
    return r;
  }

  static FullHttpResponse of(HttpResponseStatus status, String contentType, String body) {
    return of(status, contentType, body.getBytes(StandardCharsets.UTF_8));
  }

  static FullHttpResponse of(HttpResponseStatus status, String contentType, byte[] bytes) {
    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(bytes));
    r.headers().set(CONTENT_TYPE, contentType);
    r.headers().setInt(CONTENT_LENGTH, bytes.length);
    return r;
  }

  /** grpc-gateway's answer to a failed call. */
  static FullHttpResponse grpcError(io.grpc.Status status) {
    FullHttpResponse r = json(HttpStatuses.of(status.getCode()), GatewayJson.error(status));
    if (status.getCode() == io.grpc.Status.Code.UNAUTHENTICATED && status.getDescription() != null) {
      r.headers().set("Www-Authenticate", status.getDescription());
    }
    return r;
  }
}
