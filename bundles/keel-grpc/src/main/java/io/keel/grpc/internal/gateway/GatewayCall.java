package io.keel.grpc.internal.gateway;

import com.google.protobuf.Message;
import io.grpc.Attributes;
import io.grpc.Context;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.SecurityLevel;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.Status;
import io.grpc.netty.shaded.io.netty.buffer.Unpooled;
import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.handler.codec.http.DefaultHttpContent;
import io.grpc.netty.shaded.io.netty.handler.codec.http.DefaultHttpResponse;
import io.grpc.netty.shaded.io.netty.handler.codec.http.DefaultLastHttpContent;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpHeaderValues;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpResponse;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpResponseStatus;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpVersion;
import io.grpc.netty.shaded.io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One gateway request as a gRPC server call: the registered {@link ServerCallHandler} (with every
 * interceptor the server has) gets the decoded request messages and its answer is rendered as
 * grpc-gateway renders it. A unary answer is one JSON document; a streaming one is a chunked
 * sequence of {@code {"result":...}} lines, as etcd's gateway streams watch and keep-alive.
 *
 * <p>Listener callbacks run on the connection's event loop, one at a time, in the call's {@link
 * Context}; the service may answer from any thread.
 */
final class GatewayCall<Q, R> extends ServerCall<Q, R> {
  private final MethodDescriptor<Q, R> method;
  private final Channel channel;
  private final String authority;
  private final List<Q> requests;
  private final Runnable onFinished;
  private final boolean streaming;
  private final Context.CancellableContext context = Context.ROOT.withCancellation();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile boolean cancelled;
  private boolean finished; // event loop only

  // event loop only
  private ServerCall.Listener<Q> listener;
  private int requested;
  private int next;
  private boolean halfClosed;
  private boolean draining;

  // the answering thread only (calls on one ServerCall are never concurrent)
  private R unaryAnswer;
  private boolean headersWritten;

  GatewayCall(MethodDescriptor<Q, R> method, Channel channel, String authority, List<Q> requests,
      Runnable onFinished) {
    this.method = method;
    this.channel = channel;
    this.authority = authority;
    this.requests = requests;
    this.onFinished = onFinished;
    this.streaming = !method.getType().serverSendsOneMessage();
  }

  /** Starts the call on the event loop. */
  void start(ServerCallHandler<Q, R> handler, Metadata headers) {
    Context previous = context.attach();
    try {
      listener = handler.startCall(this, headers);
      listener.onReady();
    } finally {
      context.detach(previous);
    }
    drain();
  }

  /** The client went away (or the server is closing): the service sees a cancelled call. */
  void cancel() {
    if (closed.compareAndSet(false, true)) {
      cancelled = true;
      inLoop(() -> {
        if (listener != null) {
          callListener(listener::onCancel);
        }
        finish();
      });
    }
  }

  @Override
  public void request(int numMessages) {
    inLoop(() -> {
      requested += numMessages;
      drain();
    });
  }

  private void drain() {
    if (draining || listener == null) {
      return;
    }
    draining = true;
    try {
      while (!closed.get() && requested > 0 && next < requests.size()) {
        requested--;
        Q message = requests.get(next++);
        callListener(() -> listener.onMessage(message));
      }
      if (!closed.get() && next == requests.size() && !halfClosed) {
        halfClosed = true;
        callListener(listener::onHalfClose);
      }
    } finally {
      draining = false;
    }
  }

  @Override
  public void sendHeaders(Metadata headers) {
    // grpc-gateway turns response headers into Grpc-Metadata-* headers; etcd sends none.
  }

  @Override
  public void sendMessage(R message) {
    if (closed.get()) {
      return;
    }
    if (!streaming) {
      unaryAnswer = message;
      return;
    }
    String line = "{\"result\":" + GatewayJson.print((Message) message) + "}\n";
    if (!headersWritten) {
      headersWritten = true;
      channel.write(streamHead(HttpResponseStatus.OK));
    }
    channel.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer(line, StandardCharsets.UTF_8)));
  }

  @Override
  public void close(Status status, Metadata trailers) {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (streaming) {
      if (!status.isOk()) {
        String chunk = GatewayJson.streamError(status);
        if (!headersWritten) {
          channel.write(streamHead(HttpStatuses.of(status.getCode())));
        }
        channel.write(new DefaultHttpContent(Unpooled.copiedBuffer(chunk, StandardCharsets.UTF_8)));
      } else if (!headersWritten) {
        channel.write(streamHead(HttpResponseStatus.OK));
      }
      channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
    } else if (status.isOk() && unaryAnswer != null) {
      channel.writeAndFlush(HttpResponses.json(HttpResponseStatus.OK, GatewayJson.print((Message) unaryAnswer)));
    } else if (status.isOk()) {
      channel.writeAndFlush(HttpResponses.grpcError(Status.INTERNAL.withDescription("no response")));
    } else {
      channel.writeAndFlush(HttpResponses.grpcError(status));
    }
    inLoop(() -> {
      if (listener != null) {
        callListener(listener::onComplete);
      }
      finish();
    });
  }

  private void finish() {
    if (!finished) {
      finished = true;
      context.cancel(null);
      onFinished.run();
    }
  }

  private static HttpResponse streamHead(HttpResponseStatus status) {
    HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
    head.headers().set(HttpResponses.CONTENT_TYPE, HttpResponses.JSON);
    head.headers().set(HttpResponses.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    return head;
  }

  private void callListener(Runnable callback) {
    Context previous = context.attach();
    try {
      callback.run();
    } catch (RuntimeException e) {
      close(Status.fromThrowable(e), new Metadata());
    } finally {
      context.detach(previous);
    }
  }

  private void inLoop(Runnable task) {
    if (channel.eventLoop().inEventLoop()) {
      task.run();
    } else {
      channel.eventLoop().execute(task);
    }
  }

  @Override
  public boolean isCancelled() {
    return cancelled;
  }

  @Override
  public boolean isReady() {
    return true; // like grpc-gateway's client side, the connection buffers what the client has not read yet
  }

  @Override
  public MethodDescriptor<Q, R> getMethodDescriptor() {
    return method;
  }

  @Override
  public Attributes getAttributes() {
    return Attributes.newBuilder()
        .set(Grpc.TRANSPORT_ATTR_REMOTE_ADDR, channel.remoteAddress())
        .set(Grpc.TRANSPORT_ATTR_LOCAL_ADDR, channel.localAddress())
        .build();
  }

  @Override
  public String getAuthority() {
    return authority;
  }

  @Override
  public SecurityLevel getSecurityLevel() {
    return SecurityLevel.NONE;
  }
}
