package io.keel.grpc.internal.gateway;

import io.grpc.Attributes;
import io.grpc.Grpc;
import io.grpc.InternalChannelz;
import io.grpc.SecurityLevel;
import io.grpc.internal.GrpcAttributes;
import io.grpc.netty.shaded.io.grpc.netty.InternalProtocolNegotiationEvent;
import io.grpc.netty.shaded.io.grpc.netty.ProtocolNegotiationEvent;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandler;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInboundHandlerAdapter;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslHandler;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.keel.tls.TlsContext;
import java.util.List;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first stage of a connection to an https:// client URL: TLS, then the same sniffing as on a
 * plaintext port. It puts a Netty {@link SslHandler} over a fresh engine from the listener's
 * {@link TlsContext} (so each handshake sees rotated files) in front of itself and holds grpc's
 * negotiation event; once the handshake succeeds it hands the connection to the {@link
 * ProtocolSniffer} with the event carrying the TLS session ({@link Grpc#TRANSPORT_ATTR_SSL_SESSION},
 * which is how a call learns its client certificate). A failed handshake closes the connection,
 * a plaintext HTTP request included: etcd 3.4 serves its https client and metrics URLs through
 * crypto/tls listeners, which close such a connection without an HTTP answer (Go's "Client sent an
 * HTTP request to an HTTPS server" comes only from http.Server's own TLS, which etcd does not use).
 */
final class TlsStage extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(TlsStage.class);

  private final TlsContext tls;
  private final Supplier<ChannelHandler> sniffer;
  private ProtocolNegotiationEvent negotiation;
  private SslHandler ssl;

  TlsStage(TlsContext tls, Supplier<ChannelHandler> sniffer) {
    this.tls = tls;
    this.sniffer = sniffer;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    SSLEngine engine = tls.serverEngine();
    engine.setHandshakeApplicationProtocolSelector((e, offered) -> alpn(offered));
    ssl = new SslHandler(engine);
    ctx.pipeline().addBefore(ctx.name(), null, ssl);
  }

  /**
   * ALPN: HTTP/1.1 when the client offers it (curl and browsers offer h2 too, but the gateway speaks
   * HTTP/1.1), h2 for gRPC clients (which offer only h2); no ALPN for anything else.
   */
  static String alpn(List<String> offered) {
    if (offered.contains("http/1.1")) {
      return "http/1.1";
    }
    return offered.contains("h2") ? "h2" : "";
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof ProtocolNegotiationEvent pne) {
      negotiation = pne;
      return;
    }
    if (evt instanceof SslHandshakeCompletionEvent done) {
      if (!done.isSuccess()) {
        LOG.debug("client TLS handshake failed remote={} reason={}", ctx.channel().remoteAddress(), done.cause().toString());
        ctx.close();
        return;
      }
      SSLSession session = ssl.engine().getSession();
      ProtocolNegotiationEvent pne = negotiation != null ? negotiation : InternalProtocolNegotiationEvent.getDefault();
      Attributes attrs = InternalProtocolNegotiationEvent.getAttributes(pne).toBuilder()
          .set(Grpc.TRANSPORT_ATTR_SSL_SESSION, session)
          .set(GrpcAttributes.ATTR_SECURITY_LEVEL, SecurityLevel.PRIVACY_AND_INTEGRITY)
          .build();
      pne = InternalProtocolNegotiationEvent.withSecurity(InternalProtocolNegotiationEvent.withAttributes(pne, attrs),
          new InternalChannelz.Security(new InternalChannelz.Tls(session)));
      ctx.pipeline().addAfter(ctx.name(), null, sniffer.get());
      ctx.fireUserEventTriggered(pne);
      ctx.pipeline().remove(this);
      return;
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // garbage, truncated records, unsupported ciphers, a refused certificate: this connection ends, the port serves on
    LOG.debug("client TLS connection closed remote={} reason={}", ctx.channel().remoteAddress(), cause.toString());
    ctx.close();
  }
}
