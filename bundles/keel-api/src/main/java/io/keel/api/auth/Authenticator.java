package io.keel.api.auth;

import io.keel.api.EtcdException;

/**
 * Decides who a client request runs as, from what the transport carries (etcd's
 * {@code AuthInfoFromCtx}): the {@code token} metadata a client got from Authenticate, and the
 * common name of the client certificate the TLS handshake verified (only when the client port
 * asks for client certificates). A token wins when both are present, as in etcd.
 */
public interface Authenticator {

  /**
   * @param token the token sent, or null if none
   * @param certificateCommonName the verified client certificate's CN, or null (no TLS, no client
   *     certificate, or a call through the JSON gateway, where etcd ignores it)
   * @return who the request runs as; {@link AuthInfo#NONE} when neither is given
   * @throws EtcdException INVALID_AUTH_TOKEN for a token this member does not know (expired,
   *     revoked, from a disabled store, or made up)
   */
  AuthInfo authInfo(String token, String certificateCommonName);

  /**
   * Completes once this member has applied everything committed when it is called. A token is
   * assigned on every member when the log applies it, so a token unknown here may only be not yet
   * applied (the client authenticated through another member a moment ago): look it up again then,
   * as etcd's simple tokens wait for their index.
   */
  java.util.concurrent.CompletionStage<Void> caughtUp();
}
