package io.keel.grpc.internal.gateway;

import com.google.protobuf.Message;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.netty.buffer.ByteBufUtil;
import io.grpc.netty.shaded.io.netty.channel.ChannelFutureListener;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInboundHandlerAdapter;
import io.grpc.netty.shaded.io.netty.handler.codec.http.FullHttpRequest;
import io.grpc.netty.shaded.io.netty.handler.codec.http.FullHttpResponse;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpHeaderNames;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpMethod;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpResponseStatus;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpUtil;
import io.grpc.netty.shaded.io.netty.handler.codec.http.QueryStringDecoder;
import io.grpc.netty.shaded.io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP/1.1 connection of the client port: etcd's HTTP mux ({@code /health}, {@code /version},
 * the gateway under {@code /v3/}). Requests are answered one at a time, in order (pipelined ones
 * wait their turn).
 */
final class GatewayHandler extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayHandler.class);

  private final Gateway gateway;
  private final ArrayDeque<FullHttpRequest> queue = new ArrayDeque<>();
  private ChannelHandlerContext ctx;
  private boolean busy;
  private GatewayCall<?, ?> call;
  /** the v2 watch of the request being answered, if it is one */
  private io.keel.api.v2.V2Keys.V2Watch v2Watch;

  GatewayHandler(Gateway gateway) {
    this.gateway = gateway;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof FullHttpRequest request)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (!request.decoderResult().isSuccess()) {
      request.release();
      badRequest();
      return;
    }
    queue.add(request);
    if (!busy) {
      next();
    }
  }

  private void next() {
    FullHttpRequest request = queue.poll();
    if (request == null) {
      return;
    }
    busy = true;
    try {
      serve(request);
    } catch (RuntimeException e) {
      LOG.error("gateway request failed", e);
      respond(HttpResponses.grpcError(Status.INTERNAL.withDescription(String.valueOf(e.getMessage()))));
    } finally {
      request.release();
    }
  }

  /**
   * Go's answer to a request it cannot read (net/http, before any handler): 400 and the connection
   * closed, with whatever the client pipelined behind it.
   */
  private void badRequest() {
    queue.forEach(FullHttpRequest::release);
    queue.clear();
    FullHttpResponse r = HttpResponses.text(HttpResponseStatus.BAD_REQUEST, "400 Bad Request");
    HttpUtil.setKeepAlive(r, false);
    ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
  }

  /** The current request is answered: go on with the next one. */
  private void done() {
    busy = false;
    call = null;
    if (v2Watch != null) {
      v2Watch.close();
      v2Watch = null;
    }
    if (ctx.channel().isActive()) {
      next();
    }
  }

  private void respond(FullHttpResponse response) {
    ctx.writeAndFlush(response);
    done();
  }

  private void serve(FullHttpRequest request) {
    String path;
    try {
      path = path(request.uri());
    } catch (IllegalArgumentException e) {
      // a bad escape in the path: Go's url.ParseRequestURI refuses it, so net/http answers 400
      badRequest();
      return;
    }
    HttpMethod method = request.method();
    switch (path) {
      case "/health" -> {
        if (!HttpMethod.GET.equals(method)) {
          respond(methodNotAllowed("GET"));
          return;
        }
        // as etcd reads it (r.URL.Query()): a pair with a bad escape is dropped, not an error
        java.util.Set<String> excluded = new java.util.HashSet<>(
            GoForm.query(request.uri()).getOrDefault("exclude", java.util.List.of()));
        gateway.health().check(excluded).whenComplete((status, error) -> ctx.executor().execute(() -> {
          // etcd 3.4's body on the client port (no reason; keel-http's /health gives etcd 3.5's reason)
          if (status != null && status.healthy()) {
            respond(HttpResponses.of(HttpResponseStatus.OK, HttpResponses.TEXT, "{\"health\":\"true\"}"));
          } else {
            respond(HttpResponses.text(HttpResponseStatus.SERVICE_UNAVAILABLE, "{\"health\":\"false\"}"));
          }
        }));
      }
      case "/metrics" -> {
        io.keel.api.metrics.MetricsPage page = gateway.metricsPage();
        if (page == null) {
          respond(HttpResponses.text(HttpResponseStatus.NOT_FOUND, "404 page not found"));
          return;
        }
        if (!HttpMethod.GET.equals(method) && !HttpMethod.HEAD.equals(method)) {
          respond(methodNotAllowed("GET"));
          return;
        }
        respond(HttpResponses.of(HttpResponseStatus.OK, page.contentType(), page.render()));
      }
      case "/version" -> {
        if (!HttpMethod.GET.equals(method)) {
          respond(methodNotAllowed("GET"));
          return;
        }
        respond(HttpResponses.json(HttpResponseStatus.OK, gateway.versionJson()));
      }
      default -> {
        if (path.startsWith("/v2/")) {
          io.keel.api.v2.V2Keys keys = gateway.v2();
          if (keys == null) { // without enable-v2, as etcd 3.4: no v2 handler at all
            respond(HttpResponses.text(HttpResponseStatus.NOT_FOUND, "404 page not found"));
            return;
          }
          v2Watch = new V2Handler(ctx, keys, gateway.kv(), gateway.cluster(), gateway.maintenance(), this::done)
              .serve(request, path);
          return;
        }
        if (!GatewayRoutes.isGatewayPath(path)) {
          respond(HttpResponses.text(HttpResponseStatus.NOT_FOUND, "404 page not found"));
          return;
        }
        MethodDescriptor<?, ?> rpc = GatewayRoutes.lookup(path);
        if (rpc == null) {
          respond(HttpResponses.text(HttpResponseStatus.NOT_FOUND, "Not Found"));
        } else if (!HttpMethod.POST.equals(method)) {
          respond(HttpResponses.text(HttpResponseStatus.METHOD_NOT_ALLOWED, "Method Not Allowed"));
        } else {
          dispatch(rpc, request);
        }
      }
    }
  }

  private static FullHttpResponse methodNotAllowed(String allow) {
    FullHttpResponse r = HttpResponses.text(HttpResponseStatus.METHOD_NOT_ALLOWED, "Method Not Allowed");
    r.headers().set("Allow", allow);
    return r;
  }

  private <Q, R> void dispatch(MethodDescriptor<Q, R> rpc, FullHttpRequest request) {
    GoJson.Reader body = new GoJson.Reader(ByteBufUtil.getBytes(request.content()));
    @SuppressWarnings("unchecked")
    Q prototype = (Q) ((MethodDescriptor.PrototypeMarshaller<Q>) rpc.getRequestMarshaller()).getMessagePrototype();
    List<Q> messages = new ArrayList<>();
    if (rpc.getType().clientSendsOneMessage()) {
      try {
        // an empty body is an empty request (grpc-gateway ignores io.EOF)
        GoJson.Value json = body.next();
        messages.add(json == null ? prototype : message(json, prototype));
      } catch (GoJson.GoJsonException e) {
        respond(HttpResponses.grpcError(Status.INVALID_ARGUMENT.withDescription(e.getMessage())));
        return;
      }
    } else {
      // a client stream: the body's JSON values are its messages; grpc-gateway fails the call only
      // if the first one cannot be decoded, and otherwise stops sending at the first bad one
      try {
        for (GoJson.Value json = body.next(); json != null; json = body.next()) {
          messages.add(message(json, prototype));
        }
      } catch (GoJson.GoJsonException e) {
        if (messages.isEmpty()) {
          respond(HttpResponses.grpcError(Status.UNKNOWN.withDescription(e.getMessage())));
          return;
        }
      }
    }
    for (Q message : messages) {
      int size = ((Message) message).getSerializedSize();
      if (size > gateway.maxMessageBytes()) {
        respond(HttpResponses.grpcError(Status.RESOURCE_EXHAUSTED.withDescription(
            String.format("gRPC message exceeds maximum size %d: %d", gateway.maxMessageBytes(), size))));
        return;
      }
    }
    String authority = request.headers().get(HttpHeaderNames.HOST);
    ServerMethodDefinition<Q, R> registered = gateway.method(rpc.getFullMethodName());
    MethodDescriptor<Q, R> descriptor = registered == null ? rpc : registered.getMethodDescriptor();
    GatewayCall<Q, R> c = new GatewayCall<>(descriptor, ctx.channel(), authority, messages, this::done);
    call = c;
    if (registered == null) {
      c.close(Status.UNIMPLEMENTED.withDescription("Method not found: " + rpc.getFullMethodName()), new Metadata());
      return;
    }
    c.start(registered.getServerCallHandler(), metadata(request));
  }

  @SuppressWarnings("unchecked")
  private static <Q> Q message(GoJson.Value json, Q prototype) throws GoJson.GoJsonException {
    return (Q) GoJsonPb.message(json, (Message) prototype);
  }

  /** grpc-gateway's incoming header mapping: Authorization, and Grpc-Metadata-* without the prefix. */
  private static Metadata metadata(FullHttpRequest request) {
    Metadata metadata = new Metadata();
    for (Map.Entry<String, String> h : request.headers()) {
      String name = h.getKey().toLowerCase(Locale.ROOT);
      String key;
      if (name.equals("authorization")) {
        key = name;
      } else if (name.startsWith("grpc-metadata-")) {
        key = name.substring("grpc-metadata-".length());
      } else {
        continue;
      }
      if (key.isEmpty() || key.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
        continue;
      }
      try {
        metadata.put(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER), h.getValue());
      } catch (IllegalArgumentException e) {
        // not a valid gRPC metadata key or value: grpc-gateway would not forward it either
      }
    }
    return metadata;
  }

  /** The path of a request-target in origin or absolute form, without the query. */
  static String path(String uri) {
    String u = uri;
    int scheme = u.indexOf("://");
    if (scheme > 0 && u.indexOf('/') > scheme) {
      int slash = u.indexOf('/', scheme + 3);
      u = slash < 0 ? "/" : u.substring(slash);
    }
    return new QueryStringDecoder(u).path();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    queue.forEach(FullHttpRequest::release);
    queue.clear();
    if (call != null) {
      call.cancel();
    }
    if (v2Watch != null) {
      v2Watch.close();
      v2Watch = null;
    }
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug("closing gateway connection {}", ctx.channel(), cause);
    ctx.close();
  }
}
