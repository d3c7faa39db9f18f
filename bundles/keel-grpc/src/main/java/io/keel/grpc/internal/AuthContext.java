package io.keel.grpc.internal;

import io.grpc.Context;
import io.keel.api.EtcdException;
import io.keel.api.auth.AuthInfo;

/**
 * Who the current call runs as, as {@link AuthInterceptor} found it in the call's metadata and TLS
 * session. A token this member does not know is not refused when the call starts but when the
 * call needs its user (etcd's AuthInfoFromCtx is called by the handlers that need it): a client
 * whose token expired can still Authenticate again, as etcd's clients do on "invalid auth token".
 */
final class AuthContext {
  /** an {@link AuthInfo}, or the {@link EtcdException} its lookup failed with */
  static final Context.Key<Object> KEY = Context.key("keel-auth-info");

  private AuthContext() {}

  /** The caller's user ({@link AuthInfo#NONE} if it sent nothing); throws INVALID_AUTH_TOKEN for an unknown token. */
  static AuthInfo who() {
    Object o = KEY.get();
    if (o instanceof EtcdException e) {
      throw e.error().exception();
    }
    return o instanceof AuthInfo a ? a : AuthInfo.NONE;
  }
}
