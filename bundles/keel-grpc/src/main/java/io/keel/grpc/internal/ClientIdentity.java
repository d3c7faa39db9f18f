package io.keel.grpc.internal;

import io.grpc.Grpc;
import io.grpc.ServerCall;
import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslHandler;
import io.keel.tls.PeerCertificates;
import java.util.Optional;
import javax.net.ssl.SSLSession;

/**
 * Who a client proved to be with its TLS certificate: the verified client certificate's CN, which
 * etcd takes as the user when a client-cert-auth client sends no token. Empty on plaintext ports,
 * without a client certificate, or when the certificate has no CN.
 *
 * <p>The seam for auth: a gRPC interceptor calls {@link #commonName(ServerCall)} (the client
 * port's {@code TlsStage} puts the TLS session in the call's {@link Grpc#TRANSPORT_ATTR_SSL_SESSION}
 * attribute); the JSON gateway, which has the Netty channel, calls {@link #commonName(Channel)}.
 */
public final class ClientIdentity {
  private ClientIdentity() {}

  public static Optional<String> commonName(ServerCall<?, ?> call) {
    return PeerCertificates.commonName(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
  }

  public static Optional<String> commonName(Channel channel) {
    SslHandler ssl = channel.pipeline().get(SslHandler.class);
    SSLSession session = ssl == null ? null : ssl.engine().getSession();
    return PeerCertificates.commonName(session);
  }
}
