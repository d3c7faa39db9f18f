package io.keel.grpc.internal.gateway;

import io.grpc.netty.shaded.io.grpc.netty.InternalWriteBufferingAndExceptionHandlerUtils;
import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelOutboundHandlerAdapter;
import io.grpc.netty.shaded.io.netty.channel.ChannelPipeline;
import io.grpc.netty.shaded.io.netty.channel.ChannelPromise;
import io.grpc.netty.shaded.io.netty.channel.FileRegion;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpObject;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpServerCodec;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.grpc.netty.shaded.io.netty.util.ReferenceCountUtil;

/** Turns a sniffed connection into an HTTP/1.1 server connection of the gateway. */
final class Http1Pipeline {
  /** Go's http.DefaultMaxHeaderBytes. */
  private static final int MAX_HEADER_BYTES = 1 << 20;

  private Http1Pipeline() {}

  /** Installs the HTTP/1.1 handlers right after the sniffer at {@code ctx}. */
  static void install(ChannelHandlerContext ctx, Gateway gateway) {
    // grpc-java's write buffer waits for an HTTP/2 handshake that will not come: drop it
    InternalWriteBufferingAndExceptionHandlerUtils.writeBufferingAndRemove(ctx.channel());
    ChannelPipeline p = ctx.pipeline();
    String name = ctx.name();
    p.addAfter(name, "gateway-http-codec", new HttpServerCodec(64 * 1024, MAX_HEADER_BYTES, 64 * 1024));
    p.addAfter("gateway-http-codec", "gateway-http-keepalive", new HttpServerKeepAliveHandler());
    p.addAfter("gateway-http-keepalive", "gateway-http-aggregator", new RequestAggregator(gateway.maxBodyBytes()));
    p.addAfter("gateway-http-aggregator", "gateway", new GatewayHandler(gateway));
    p.addLast("gateway-grpc-commands", new TransportCommandSink());
  }

  /**
   * grpc-java still sees this connection as one of its transports and may write its own commands
   * to it (the handshake timeout's forced close); they mean nothing to HTTP/1.1 and are dropped.
   * Server shutdown closes the channel itself.
   */
  static final class TransportCommandSink extends ChannelOutboundHandlerAdapter {
    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      if (msg instanceof HttpObject || msg instanceof ByteBuf || msg instanceof FileRegion) {
        ctx.write(msg, promise);
        return;
      }
      ReferenceCountUtil.release(msg);
      promise.trySuccess();
    }
  }
}
