package io.keel.grpc.internal.gateway;

import io.grpc.Attributes;
import io.grpc.Grpc;
import io.grpc.InternalChannelz;
import io.grpc.SecurityLevel;
import io.grpc.internal.GrpcAttributes;
import io.grpc.netty.shaded.io.grpc.netty.InternalProtocolNegotiationEvent;
import io.grpc.netty.shaded.io.grpc.netty.ProtocolNegotiationEvent;
import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;
import io.grpc.netty.shaded.io.netty.buffer.Unpooled;
import io.grpc.netty.shaded.io.netty.channel.ChannelFutureListener;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandler;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInboundHandlerAdapter;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslHandler;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.grpc.netty.shaded.io.netty.util.ReferenceCountUtil;
import io.keel.tls.TlsContext;
import java.nio.charset.StandardCharsets;
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
 * which is how a call learns its client certificate). A failed handshake closes the connection;
 * an HTTP request in plaintext gets Go's answer (400, "Client sent an HTTP request to an HTTPS
 * server.") before the close.
 */
final class TlsStage extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(TlsStage.class);
  /** Go's tlsRecordHeaderLooksLikeHTTP: the first five bytes of a plaintext HTTP request. */
  private static final List<String> HTTP_STARTS = List.of("GET /", "HEAD ", "POST ", "PUT /", "OPTIO");
  static final String HTTP_ON_HTTPS = "HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n";

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
    ctx.pipeline().addBefore(ctx.pipeline().context(ssl).name(), null, new PlaintextProbe());
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

  /** Answers a plaintext HTTP request as Go's https server does, then gets out of the way. */
  static final class PlaintextProbe extends ChannelInboundHandlerAdapter {
    private ByteBuf first;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (!(msg instanceof ByteBuf data)) {
        ctx.fireChannelRead(msg);
        return;
      }
      first = first == null ? data : Unpooled.wrappedBuffer(first, data);
      if (first.readableBytes() < 5 && first.readableBytes() > 0 && looksLikeHttp(first, first.readableBytes())) {
        return; // a few more bytes decide
      }
      ByteBuf all = first;
      first = null;
      if (looksLikeHttp(all, Math.min(5, all.readableBytes())) && all.readableBytes() >= 5) {
        ReferenceCountUtil.release(all);
        ctx.writeAndFlush(Unpooled.copiedBuffer(HTTP_ON_HTTPS, StandardCharsets.US_ASCII))
            .addListener(ChannelFutureListener.CLOSE);
        return;
      }
      ctx.pipeline().remove(this);
      ctx.fireChannelRead(all);
    }

    private static boolean looksLikeHttp(ByteBuf b, int n) {
      String head = b.toString(b.readerIndex(), n, StandardCharsets.US_ASCII);
      return HTTP_STARTS.stream().anyMatch(s -> s.startsWith(head));
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
      if (first != null) {
        ReferenceCountUtil.release(first);
        first = null;
      }
    }
  }
}
