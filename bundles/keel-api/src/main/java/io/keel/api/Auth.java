package io.keel.api;

import io.keel.api.auth.AuthInfo;
import io.keel.api.auth.Authenticator;
import io.keel.api.auth.Permission;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * etcd's Auth service (its {@code AuthServer} and the checks of {@code auth.AuthStore} that the
 * other endpoints need). Every change goes through consensus, so every member has the same users,
 * roles, permissions, enabled flag and auth revision. Changes other than Authenticate need the
 * root role once auth is enabled ({@code who}); the mutations complete with the store revision for
 * the response header. Failures complete the stage exceptionally with etcd's error.
 */
public interface Auth extends Authenticator, ResponseHeaders {

  CompletionStage<Long> authEnable(AuthInfo who);

  CompletionStage<Long> authDisable(AuthInfo who);

  /** Checks the password (bcrypt), then assigns a token every member accepts; completes with it. */
  CompletionStage<String> authenticate(String name, String password);

  CompletionStage<Long> userAdd(AuthInfo who, String name, String password, boolean noPassword);

  /** The user's roles, sorted. Root, or the user asking about itself. */
  CompletionStage<List<String>> userGet(AuthInfo who, String name);

  CompletionStage<List<String>> userList(AuthInfo who);

  CompletionStage<Long> userDelete(AuthInfo who, String name);

  CompletionStage<Long> userChangePassword(AuthInfo who, String name, String password);

  CompletionStage<Long> userGrantRole(AuthInfo who, String user, String role);

  CompletionStage<Long> userRevokeRole(AuthInfo who, String user, String role);

  CompletionStage<Long> roleAdd(AuthInfo who, String name);

  /** The role's permissions, sorted by key. Root, or a user that has the role. */
  CompletionStage<List<Permission>> roleGet(AuthInfo who, String role);

  CompletionStage<List<String>> roleList(AuthInfo who);

  CompletionStage<Long> roleDelete(AuthInfo who, String role);

  CompletionStage<Long> roleGrantPermission(AuthInfo who, String role, Permission permission);

  CompletionStage<Long> roleRevokePermission(AuthInfo who, String role, byte[] key, byte[] rangeEnd);

  /**
   * etcd's IsAdminPermitted, for the calls only root may make (Defragment, Snapshot, Hash, HashKV):
   * throws {@link EtcdException} (user name is empty, user name not found, permission denied) unless
   * auth is disabled or {@code who} has the root role.
   */
  void checkAdmin(AuthInfo who);

  /** etcd's IsRangePermitted, for what is checked before it is served (a watch at creation). */
  void checkRange(AuthInfo who, byte[] key, byte[] rangeEnd);
}
