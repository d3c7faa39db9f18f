package io.keel.auth;

import io.keel.api.auth.Permission;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The replicated auth state at one point of the log, immutable: each change makes a new one (the
 * state is small and changes rarely, while every request reads it, lock-free). What etcd keeps in
 * its {@code auth}, {@code authUsers} and {@code authRoles} buckets.
 *
 * @param enabled whether auth is enabled
 * @param revision the auth revision: 1 on a new store, +1 on every change that etcd commits
 * @param users by name
 * @param roles by name (the root role is implicit: a user may hold "root" without a role record)
 */
public record AuthState(boolean enabled, long revision, SortedMap<String, User> users, SortedMap<String, Role> roles) {

  /** A new store, as etcd's NewAuthStore leaves it: disabled, revision 1. */
  public static final AuthState INITIAL = new AuthState(false, 1, new TreeMap<>(), new TreeMap<>());

  public AuthState {
    users = Collections.unmodifiableSortedMap(new TreeMap<>(users));
    roles = Collections.unmodifiableSortedMap(new TreeMap<>(roles));
  }

  /**
   * A user: a bcrypt hash (empty for a user added with no password, who can only come in with a
   * client certificate) and its role names, sorted.
   */
  public record User(String name, String passwordHash, boolean noPassword, List<String> roles) {
    public User {
      passwordHash = passwordHash == null ? "" : passwordHash;
      roles = List.copyOf(roles);
    }

    public boolean hasRole(String role) {
      return Collections.binarySearch(roles, role) >= 0;
    }

    @Override
    public String toString() { // never the hash
      return "User[" + name + " roles=" + roles + "]";
    }
  }

  /** A role: its permissions sorted by key (etcd keeps them so, and RoleGet answers in that order). */
  public record Role(String name, List<Permission> permissions) {
    public Role {
      permissions = List.copyOf(permissions);
    }
  }
}
