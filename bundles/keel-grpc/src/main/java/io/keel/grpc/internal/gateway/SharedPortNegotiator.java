package io.keel.grpc.internal.gateway;

import io.grpc.netty.shaded.io.grpc.netty.GrpcHttp2ConnectionHandler;
import io.grpc.netty.shaded.io.grpc.netty.InternalProtocolNegotiator;
import io.grpc.netty.shaded.io.grpc.netty.InternalProtocolNegotiators;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandler;
import io.grpc.netty.shaded.io.netty.util.AsciiString;

/**
 * grpc-java's plaintext server negotiation, preceded on every connection by a {@link
 * ProtocolSniffer} that keeps HTTP/1.x connections for the gateway (etcd's cmux, without a proxy).
 */
final class SharedPortNegotiator implements InternalProtocolNegotiator.ProtocolNegotiator {
  private final InternalProtocolNegotiator.ProtocolNegotiator plaintext = InternalProtocolNegotiators.serverPlaintext();
  private final Gateway gateway;

  SharedPortNegotiator(Gateway gateway) {
    this.gateway = gateway;
  }

  @Override
  public AsciiString scheme() {
    return plaintext.scheme();
  }

  @Override
  public ChannelHandler newHandler(GrpcHttp2ConnectionHandler grpcHandler) {
    return new ProtocolSniffer(() -> plaintext.newHandler(grpcHandler), ctx -> Http1Pipeline.install(ctx, gateway));
  }

  @Override
  public void close() {
    plaintext.close();
  }
}
