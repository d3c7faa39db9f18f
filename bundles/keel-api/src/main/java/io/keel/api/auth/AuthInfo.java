package io.keel.api.auth;

/**
 * Who a request runs as (etcd's {@code auth.AuthInfo}): the user name and the auth store revision
 * at which the user's token or certificate was checked. A request is refused with "revision of
 * auth store is old" when the store changed after that revision, so a permission revoked while the
 * request was in flight is never used. {@link #NONE} (no token, no certificate) has revision 0 and
 * is refused with "user name is empty" whenever auth is enabled.
 */
public record AuthInfo(String user, long revision) {
  public static final AuthInfo NONE = new AuthInfo("", 0);

  public AuthInfo {
    user = user == null ? "" : user;
  }

  public boolean isNone() {
    return user.isEmpty();
  }

  @Override
  public String toString() {
    return "AuthInfo[user=" + user + ", revision=" + revision + "]";
  }
}
