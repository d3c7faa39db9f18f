package io.keel.auth;

import io.keel.api.EtcdError;
import io.keel.api.auth.AuthInfo;
import io.keel.api.auth.Permission;
import io.keel.auth.AuthState.Role;
import io.keel.auth.AuthState.User;
import io.keel.auth.internal.RangePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * etcd's auth store ({@code auth/store.go}) over an immutable {@link AuthState}: the changes,
 * applied in log order on one thread (the state machine's), and the checks, from any thread.
 *
 * <p>Invariants: {@link #state} changes only in the {@code apply*} methods and {@link #restore},
 * which replace it wholesale together with the merged permissions of every user (etcd's range
 * permission cache, rebuilt on every change as etcd does), so a reader always sees a state and
 * the permissions of that same state. Every member applies the same changes in the same order and
 * so holds the same state; only the {@link SimpleTokens} are per member.
 *
 * <p>The error of each rule is etcd's, in etcd's order of checks.
 */
public final class AuthStore {
  public static final String ROOT_USER = "root";
  public static final String ROOT_ROLE = "root";

  private record View(AuthState state, Map<String, RangePermissions> permissions) {}

  private volatile View view;
  private final SimpleTokens tokens;
  private final JwtTokens jwt;

  /** A store whose Authenticate hands out simple tokens. */
  public AuthStore(SimpleTokens tokens) {
    this(tokens, null);
  }

  /** @param jwt the JWT provider when {@code auth-token=jwt,...}; null for simple tokens */
  public AuthStore(SimpleTokens tokens, JwtTokens jwt) {
    this.tokens = tokens;
    this.jwt = jwt;
    this.view = view(AuthState.INITIAL);
  }

  /** The JWT provider, or empty when tokens are simple. */
  public java.util.Optional<JwtTokens> jwt() {
    return java.util.Optional.ofNullable(jwt);
  }

  public AuthState state() {
    return view.state();
  }

  public SimpleTokens tokens() {
    return tokens;
  }

  public boolean enabled() {
    return view.state().enabled();
  }

  public long revision() {
    return view.state().revision();
  }

  /** Replaces the state wholesale (a snapshot loaded); tokens go, as on an etcd restart. */
  public void restore(AuthState restored) {
    view = view(restored);
    tokens.clear();
  }

  // ------------------------------------------------------------------------------------ checks

  /**
   * Who a request runs as: the token's user if a token is sent (INVALID_AUTH_TOKEN if this member
   * does not know it), else the certificate's CN, else {@link AuthInfo#NONE}. The revision is the
   * store's now, as etcd's simple token provider answers, or the one a JWT was issued at (so a
   * JWT from before an auth change is refused with "revision of auth store is old", as in etcd).
   */
  public AuthInfo authInfo(String token, String commonName) {
    long revision = revision();
    if (token != null && jwt != null) {
      AuthInfo signed = jwt.verify(token);
      if (signed == null) {
        throw EtcdError.INVALID_AUTH_TOKEN.exception();
      }
      return signed;
    }
    if (token != null) {
      String user = tokens.user(token);
      if (user == null) {
        throw EtcdError.INVALID_AUTH_TOKEN.exception();
      }
      return new AuthInfo(user, revision);
    }
    if (commonName != null && !commonName.isEmpty()) {
      return new AuthInfo(commonName, revision);
    }
    return AuthInfo.NONE;
  }

  /** etcd's CheckPassword: the auth revision the password was checked at. bcrypt: slow, not on the FSM thread. */
  public long checkPassword(String name, String password) {
    AuthState s = state();
    if (!s.enabled()) {
      throw EtcdError.AUTH_NOT_ENABLED.exception();
    }
    User user = s.users().get(name);
    if (user == null) {
      throw EtcdError.AUTH_FAILED.exception();
    }
    if (user.noPassword()) {
      throw EtcdError.NO_PASSWORD_USER.exception();
    }
    if (!Passwords.matches(user.passwordHash(), password == null ? "" : password)) {
      throw EtcdError.AUTH_FAILED.exception();
    }
    return s.revision();
  }

  public void checkRange(AuthInfo who, byte[] key, byte[] rangeEnd) {
    checkOp(who, key, rangeEnd, false);
  }

  public void checkPut(AuthInfo who, byte[] key) {
    checkOp(who, key, null, true);
  }

  public void checkDeleteRange(AuthInfo who, byte[] key, byte[] rangeEnd) {
    checkOp(who, key, rangeEnd, true);
  }

  /** etcd's isOpPermitted. */
  private void checkOp(AuthInfo who, byte[] key, byte[] rangeEnd, boolean write) {
    View v = view;
    AuthState s = v.state();
    if (!s.enabled()) {
      return;
    }
    if (who.revision() == 0) {
      throw EtcdError.USER_EMPTY.exception();
    }
    if (who.revision() < s.revision()) {
      throw EtcdError.AUTH_OLD_REVISION.exception();
    }
    User user = s.users().get(who.user());
    if (user == null) {
      throw EtcdError.PERMISSION_DENIED_ERR.exception();
    }
    if (user.hasRole(ROOT_ROLE)) {
      return;
    }
    RangePermissions perms = v.permissions().get(who.user());
    boolean allowed = perms != null && (write ? perms.allowsWrite(key, rangeEnd) : perms.allowsRead(key, rangeEnd));
    if (!allowed) {
      throw EtcdError.PERMISSION_DENIED_ERR.exception();
    }
  }

  /** etcd's IsAdminPermitted: root only, once enabled. */
  public void checkAdmin(AuthInfo who) {
    AuthState s = state();
    if (!s.enabled()) {
      return;
    }
    if (who == null || who.isNone()) {
      throw EtcdError.USER_EMPTY.exception();
    }
    User user = s.users().get(who.user());
    if (user == null) {
      throw EtcdError.USER_NOT_FOUND.exception();
    }
    if (!user.hasRole(ROOT_ROLE)) {
      throw EtcdError.PERMISSION_DENIED_ERR.exception();
    }
  }

  /** Whether {@code user} exists and has {@code role} (etcd's HasRole). */
  public boolean hasRole(String user, String role) {
    User u = state().users().get(user);
    return u != null && u.roles().contains(role);
  }

  // ------------------------------------------------------------------------------------ reads

  public List<String> userGet(String name) {
    User user = state().users().get(name);
    if (user == null) {
      throw EtcdError.USER_NOT_FOUND.exception();
    }
    return user.roles();
  }

  public List<String> userList() {
    return List.copyOf(state().users().keySet());
  }

  public List<Permission> roleGet(String name) {
    Role role = state().roles().get(name);
    if (role == null) {
      throw EtcdError.ROLE_NOT_FOUND.exception();
    }
    return role.permissions();
  }

  public List<String> roleList() {
    return List.copyOf(state().roles().keySet());
  }

  // ------------------------------------------------------------------------------------ changes

  public void applyEnable() {
    AuthState s = state();
    if (s.enabled()) {
      return; // "authentication is already enabled; ignored auth enable request"
    }
    User root = s.users().get(ROOT_USER);
    if (root == null) {
      throw EtcdError.ROOT_USER_NOT_EXIST.exception();
    }
    if (!root.hasRole(ROOT_ROLE)) {
      throw EtcdError.ROOT_ROLE_NOT_EXIST.exception();
    }
    set(new AuthState(true, s.revision(), s.users(), s.roles())); // etcd does not commit a revision here
  }

  public void applyDisable() {
    AuthState s = state();
    if (!s.enabled()) {
      return;
    }
    set(new AuthState(false, s.revision() + 1, s.users(), s.roles()));
    tokens.clear();
  }

  /** Assigns a token that the proposer checked the password for; etcd's Authenticate at apply. */
  public void applyAuthenticate(String name, String token) {
    AuthState s = state();
    if (!s.enabled()) {
      throw EtcdError.AUTH_NOT_ENABLED.exception();
    }
    User user = s.users().get(name);
    if (user == null || user.noPassword()) {
      throw EtcdError.AUTH_FAILED.exception();
    }
    tokens.assign(token, name);
  }

  public void applyUserAdd(String name, String passwordHash, boolean noPassword) {
    if (name.isEmpty()) {
      throw EtcdError.USER_EMPTY.exception();
    }
    AuthState s = state();
    if (s.users().containsKey(name)) {
      throw EtcdError.USER_ALREADY_EXIST.exception();
    }
    TreeMap<String, User> users = new TreeMap<>(s.users());
    users.put(name, new User(name, noPassword ? "" : passwordHash, noPassword, List.of()));
    set(new AuthState(s.enabled(), s.revision() + 1, users, s.roles()));
  }

  public void applyUserDelete(String name) {
    AuthState s = state();
    if (s.enabled() && name.equals(ROOT_USER)) {
      throw EtcdError.INVALID_AUTH_MGMT.exception();
    }
    if (!s.users().containsKey(name)) {
      throw EtcdError.USER_NOT_FOUND.exception();
    }
    TreeMap<String, User> users = new TreeMap<>(s.users());
    users.remove(name);
    set(new AuthState(s.enabled(), s.revision() + 1, users, s.roles()));
    tokens.invalidateUser(name);
  }

  public void applyUserChangePassword(String name, String passwordHash) {
    AuthState s = state();
    User user = s.users().get(name);
    if (user == null) {
      throw EtcdError.USER_NOT_FOUND.exception();
    }
    TreeMap<String, User> users = new TreeMap<>(s.users());
    // etcd keeps the options: a no-password user stays one (its new hash unused)
    users.put(name, new User(name, passwordHash, user.noPassword(), user.roles()));
    set(new AuthState(s.enabled(), s.revision() + 1, users, s.roles()));
    tokens.invalidateUser(name);
  }

  public void applyUserGrantRole(String name, String role) {
    AuthState s = state();
    User user = s.users().get(name);
    if (user == null) {
      throw EtcdError.USER_NOT_FOUND.exception();
    }
    if (!role.equals(ROOT_ROLE) && !s.roles().containsKey(role)) {
      throw EtcdError.ROLE_NOT_FOUND.exception();
    }
    if (user.hasRole(role)) {
      return; // "ignored grant role request to a user": no new revision
    }
    List<String> roles = new ArrayList<>(user.roles());
    roles.add(role);
    roles.sort(null);
    TreeMap<String, User> users = new TreeMap<>(s.users());
    users.put(name, new User(name, user.passwordHash(), user.noPassword(), roles));
    set(new AuthState(s.enabled(), s.revision() + 1, users, s.roles()));
  }

  public void applyUserRevokeRole(String name, String role) {
    AuthState s = state();
    if (s.enabled() && name.equals(ROOT_USER) && role.equals(ROOT_ROLE)) {
      throw EtcdError.INVALID_AUTH_MGMT.exception();
    }
    User user = s.users().get(name);
    if (user == null) {
      throw EtcdError.USER_NOT_FOUND.exception();
    }
    if (!user.roles().contains(role)) {
      throw EtcdError.ROLE_NOT_GRANTED.exception();
    }
    List<String> roles = new ArrayList<>(user.roles());
    roles.remove(role);
    TreeMap<String, User> users = new TreeMap<>(s.users());
    users.put(name, new User(name, user.passwordHash(), user.noPassword(), roles));
    set(new AuthState(s.enabled(), s.revision() + 1, users, s.roles()));
  }

  public void applyRoleAdd(String name) {
    if (name.isEmpty()) {
      throw EtcdError.ROLE_EMPTY.exception();
    }
    AuthState s = state();
    if (s.roles().containsKey(name)) {
      throw EtcdError.ROLE_ALREADY_EXIST.exception();
    }
    TreeMap<String, Role> roles = new TreeMap<>(s.roles());
    roles.put(name, new Role(name, List.of()));
    set(new AuthState(s.enabled(), s.revision() + 1, s.users(), roles));
  }

  public void applyRoleDelete(String name) {
    AuthState s = state();
    if (s.enabled() && name.equals(ROOT_ROLE)) {
      throw EtcdError.INVALID_AUTH_MGMT.exception();
    }
    if (!s.roles().containsKey(name)) {
      throw EtcdError.ROLE_NOT_FOUND.exception();
    }
    TreeMap<String, Role> roles = new TreeMap<>(s.roles());
    roles.remove(name);
    TreeMap<String, User> users = new TreeMap<>(s.users());
    for (User u : s.users().values()) {
      if (u.roles().contains(name)) {
        List<String> left = new ArrayList<>(u.roles());
        left.remove(name);
        users.put(u.name(), new User(u.name(), u.passwordHash(), u.noPassword(), left));
      }
    }
    set(new AuthState(s.enabled(), s.revision() + 1, users, roles));
  }

  public void applyRoleGrantPermission(String name, Permission permission) {
    AuthState s = state();
    Role role = s.roles().get(name);
    if (role == null) {
      throw EtcdError.ROLE_NOT_FOUND.exception();
    }
    List<Permission> perms = new ArrayList<>(role.permissions());
    boolean replaced = false;
    for (int i = 0; i < perms.size(); i++) {
      Permission p = perms.get(i);
      if (Arrays.equals(p.key(), permission.key()) && Arrays.equals(p.rangeEnd(), permission.rangeEnd())) {
        perms.set(i, permission); // same range: its type is updated
        replaced = true;
        break;
      }
    }
    if (!replaced) {
      perms.add(permission);
      perms.sort((a, b) -> Arrays.compareUnsigned(a.key(), b.key()));
    }
    TreeMap<String, Role> roles = new TreeMap<>(s.roles());
    roles.put(name, new Role(name, perms));
    set(new AuthState(s.enabled(), s.revision() + 1, s.users(), roles));
  }

  public void applyRoleRevokePermission(String name, byte[] key, byte[] rangeEnd) {
    AuthState s = state();
    Role role = s.roles().get(name);
    if (role == null) {
      throw EtcdError.ROLE_NOT_FOUND.exception();
    }
    List<Permission> perms = new ArrayList<>();
    for (Permission p : role.permissions()) {
      if (!Arrays.equals(p.key(), key) || !Arrays.equals(p.rangeEnd(), rangeEnd)) {
        perms.add(p);
      }
    }
    if (perms.size() == role.permissions().size()) {
      throw EtcdError.PERMISSION_NOT_GRANTED.exception();
    }
    TreeMap<String, Role> roles = new TreeMap<>(s.roles());
    roles.put(name, new Role(name, perms));
    set(new AuthState(s.enabled(), s.revision() + 1, s.users(), roles));
  }

  // ------------------------------------------------------------------------------------ internals

  private void set(AuthState next) {
    view = view(next);
  }

  private static View view(AuthState s) {
    Map<String, RangePermissions> perms = new HashMap<>();
    for (User u : s.users().values()) {
      List<Permission> all = new ArrayList<>();
      for (String r : u.roles()) {
        Role role = s.roles().get(r);
        if (role != null) {
          all.addAll(role.permissions());
        }
      }
      perms.put(u.name(), RangePermissions.of(all));
    }
    return new View(s, Map.copyOf(perms));
  }

  /** For messages and logs: never a password or hash. */
  @Override
  public String toString() {
    AuthState s = state();
    return "AuthStore[enabled=" + s.enabled() + " revision=" + s.revision() + " users=" + s.users().size()
        + " roles=" + s.roles().size() + "]";
  }
}
