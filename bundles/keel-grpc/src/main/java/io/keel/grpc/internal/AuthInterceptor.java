package io.keel.grpc.internal;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.keel.api.EtcdError;
import io.keel.api.EtcdException;
import io.keel.api.auth.Authenticator;

/**
 * Finds who a call runs as (etcd's AuthInfoFromCtx) and puts it in the call's {@link Context} for
 * the services ({@link AuthContext#who}): the {@code token} metadata (or {@code authorization}, the
 * gateway's header) wins; without one, when client certificates are asked for
 * ({@code client-cert-auth}), the common name of the certificate the TLS handshake verified. The
 * JSON gateway's calls carry no TLS session, so a certificate is never a user through it, as in
 * etcd (CVE-2018-16886).
 */
final class AuthInterceptor implements ServerInterceptor {
  static final Metadata.Key<String> TOKEN = Metadata.Key.of("token", Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final Authenticator auth;
  private final boolean certificateUsers;

  /** @param certificateUsers whether a verified client certificate's CN is a user (client-cert-auth) */
  AuthInterceptor(Authenticator auth, boolean certificateUsers) {
    this.auth = auth;
    this.certificateUsers = certificateUsers;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    String token = headers.get(TOKEN);
    if (token == null) {
      token = headers.get(AUTHORIZATION);
    }
    String commonName = certificateUsers && token == null ? ClientIdentity.commonName(call).orElse(null) : null;
    if (token == null && commonName == null) {
      return next.startCall(call, headers); // AuthInfo.NONE
    }
    Object who = lookUp(token, commonName);
    if (!(who instanceof EtcdException e && e.error() == EtcdError.INVALID_AUTH_TOKEN)) {
      return Contexts.interceptCall(Context.current().withValue(AuthContext.KEY, who), call, headers, next);
    }
    // perhaps assigned through another member and not applied here yet: look again once caught up
    DeferredListener<Q> deferred = new DeferredListener<>();
    String t = token;
    Context context = Context.current();
    auth.caughtUp().whenComplete((ok, error) -> {
      Object again = error != null ? who : lookUp(t, commonName);
      deferred.start(Contexts.interceptCall(context.withValue(AuthContext.KEY, again), call, headers, next));
    });
    return deferred;
  }

  private Object lookUp(String token, String commonName) {
    try {
      return auth.authInfo(token, commonName);
    } catch (EtcdException e) {
      return e;
    }
  }
}
