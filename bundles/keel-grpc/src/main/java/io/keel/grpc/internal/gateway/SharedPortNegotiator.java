package io.keel.grpc.internal.gateway;

import io.grpc.netty.shaded.io.grpc.netty.GrpcHttp2ConnectionHandler;
import io.grpc.netty.shaded.io.grpc.netty.InternalProtocolNegotiator;
import io.grpc.netty.shaded.io.grpc.netty.InternalProtocolNegotiators;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandler;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInboundHandlerAdapter;
import io.grpc.netty.shaded.io.netty.util.AsciiString;
import io.keel.tls.TlsContext;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Set;
import java.util.function.Supplier;

/**
 * grpc-java's plaintext server negotiation, preceded on every connection by a {@link
 * ProtocolSniffer} that keeps HTTP/1.x connections for the gateway (etcd's cmux, without a proxy).
 * On the ports of https:// URLs a {@link TlsStage} comes first: TLS only, then the same sniffing.
 */
final class SharedPortNegotiator implements InternalProtocolNegotiator.ProtocolNegotiator {
  private final InternalProtocolNegotiator.ProtocolNegotiator plaintext = InternalProtocolNegotiators.serverPlaintext();
  private final Gateway gateway;
  private final TlsContext tls;
  private final Set<Integer> tlsPorts;

  /** @param tls the client TLS, or null; {@code tlsPorts} the local ports it serves (empty: every port) */
  SharedPortNegotiator(Gateway gateway, TlsContext tls, Set<Integer> tlsPorts) {
    this.gateway = gateway;
    this.tls = tls;
    this.tlsPorts = Set.copyOf(tlsPorts);
  }

  @Override
  public AsciiString scheme() {
    return plaintext.scheme();
  }

  @Override
  public ChannelHandler newHandler(GrpcHttp2ConnectionHandler grpcHandler) {
    Supplier<ChannelHandler> sniffer = () -> new ProtocolSniffer(() -> plaintext.newHandler(grpcHandler),
        ctx -> Http1Pipeline.install(ctx, gateway));
    if (tls == null) {
      return sniffer.get();
    }
    // decided per connection by the port it arrived on: a member may listen on http:// and https:// URLs
    return new ChannelInboundHandlerAdapter() {
      @Override
      public void handlerAdded(ChannelHandlerContext ctx) {
        SocketAddress local = ctx.channel().localAddress();
        boolean secure = tlsPorts.isEmpty()
            || (local instanceof InetSocketAddress a && tlsPorts.contains(a.getPort()));
        ctx.pipeline().replace(this, null, secure ? new TlsStage(tls, sniffer) : sniffer.get());
      }
    };
  }

  @Override
  public void close() {
    plaintext.close();
  }
}
