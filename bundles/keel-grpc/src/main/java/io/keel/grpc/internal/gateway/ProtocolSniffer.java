package io.keel.grpc.internal.gateway;

import io.grpc.netty.shaded.io.grpc.netty.InternalProtocolNegotiationEvent;
import io.grpc.netty.shaded.io.grpc.netty.ProtocolNegotiationEvent;
import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandler;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInboundHandlerAdapter;
import io.grpc.netty.shaded.io.netty.util.ReferenceCountUtil;
import io.grpc.netty.shaded.io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The first handler of every client connection: looks at the first bytes, then gets out of the
 * way. The HTTP/2 client preface hands the connection to grpc-java's own plaintext negotiation
 * (with the negotiation event it held back and the bytes it read, replayed unchanged); an HTTP/1.x
 * request line switches it to the gateway's HTTP/1.1 pipeline; anything else closes it.
 */
final class ProtocolSniffer extends ChannelInboundHandlerAdapter {
  static final byte[] HTTP2_PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  /** Longer than any HTTP method name a client sends. */
  private static final int MAX_METHOD_LENGTH = 16;
  /** As grpc-java's default handshake timeout: a connection that says nothing is closed. */
  static final long SNIFF_TIMEOUT_SECONDS = 120;

  enum Protocol { UNDECIDED, HTTP2, HTTP1, OTHER }

  private final Supplier<ChannelHandler> grpcNegotiation;
  private final Consumer<ChannelHandlerContext> http1Installer;
  private Object negotiationEvent;
  private ByteBuf buffered;
  private ScheduledFuture<?> timeout;

  ProtocolSniffer(Supplier<ChannelHandler> grpcNegotiation, Consumer<ChannelHandlerContext> http1Installer) {
    this.grpcNegotiation = grpcNegotiation;
    this.http1Installer = http1Installer;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    timeout = ctx.executor().schedule(() -> {
      if (ctx.channel().isActive()) {
        ctx.close();
      }
    }, SNIFF_TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (timeout != null) {
      timeout.cancel(false);
    }
    if (buffered != null) {
      buffered.release();
      buffered = null;
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof ProtocolNegotiationEvent) {
      negotiationEvent = evt; // grpc's negotiation starts only if this is HTTP/2
      return;
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf data)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (buffered == null) {
      buffered = data;
    } else {
      ByteBuf all = ctx.alloc().buffer(buffered.readableBytes() + data.readableBytes());
      all.writeBytes(buffered).writeBytes(data);
      buffered.release();
      data.release();
      buffered = all;
    }
    switch (classify(buffered)) {
      case HTTP2 -> toGrpc(ctx);
      case HTTP1 -> toHttp1(ctx);
      case OTHER -> ctx.close();
      case UNDECIDED -> { }
    }
  }

  private void toGrpc(ChannelHandlerContext ctx) {
    ByteBuf data = take();
    ctx.pipeline().addAfter(ctx.name(), null, grpcNegotiation.get());
    ctx.fireUserEventTriggered(negotiationEvent != null ? negotiationEvent : InternalProtocolNegotiationEvent.getDefault());
    ctx.fireChannelRead(data);
    ctx.pipeline().remove(this);
  }

  private void toHttp1(ChannelHandlerContext ctx) {
    ByteBuf data = take();
    http1Installer.accept(ctx);
    ctx.fireChannelRead(data);
    ctx.pipeline().remove(this);
  }

  private ByteBuf take() {
    ByteBuf data = buffered;
    buffered = null;
    timeout.cancel(false);
    return data;
  }

  /** What the first bytes of a connection say it speaks. */
  static Protocol classify(ByteBuf b) {
    int n = b.readableBytes();
    int r = b.readerIndex();
    boolean preface = true;
    for (int i = 0; i < Math.min(n, HTTP2_PREFACE.length); i++) {
      if (b.getByte(r + i) != HTTP2_PREFACE[i]) {
        preface = false;
        break;
      }
    }
    if (preface) {
      return n >= HTTP2_PREFACE.length ? Protocol.HTTP2 : Protocol.UNDECIDED;
    }
    // an HTTP/1.x request line starts with a method token and a space
    for (int i = 0; i < Math.min(n, MAX_METHOD_LENGTH + 1); i++) {
      byte c = b.getByte(r + i);
      if (c == ' ') {
        return i > 0 ? Protocol.HTTP1 : Protocol.OTHER;
      }
      if (c < 'A' || c > 'Z') {
        return Protocol.OTHER;
      }
    }
    return n > MAX_METHOD_LENGTH ? Protocol.OTHER : Protocol.UNDECIDED;
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (buffered != null) {
      buffered.release();
      buffered = null;
    }
    super.channelInactive(ctx);
  }
}
