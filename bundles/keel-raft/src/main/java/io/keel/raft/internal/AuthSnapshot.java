package io.keel.raft.internal;

import com.google.protobuf.ByteString;
import io.keel.api.auth.Permission;
import io.keel.auth.AuthState;
import io.keel.raft.internal.proto.AuthStore;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/** The auth store to and from {@code snapshot.proto}'s AuthStore record (snapshots and backups). */
final class AuthSnapshot {
  private AuthSnapshot() {}

  static AuthStore message(AuthState s) {
    AuthStore.Builder b = AuthStore.newBuilder().setEnabled(s.enabled()).setRevision(s.revision());
    for (AuthState.User u : s.users().values()) {
      b.addUsers(AuthStore.User.newBuilder().setName(u.name()).setPasswordHash(u.passwordHash())
          .setNoPassword(u.noPassword()).addAllRoles(u.roles()));
    }
    for (AuthState.Role r : s.roles().values()) {
      AuthStore.Role.Builder role = AuthStore.Role.newBuilder().setName(r.name());
      for (Permission p : r.permissions()) {
        role.addPermissions(AuthStore.Permission.newBuilder().setPermType(p.type().ordinal())
            .setKey(ByteString.copyFrom(p.key())).setRangeEnd(ByteString.copyFrom(p.rangeEnd())));
      }
      b.addRoles(role);
    }
    return b.build();
  }

  /** IllegalArgumentException (a corrupt snapshot, to the caller) on an unknown permission type. */
  static AuthState state(AuthStore m) {
    TreeMap<String, AuthState.User> users = new TreeMap<>();
    for (AuthStore.User u : m.getUsersList()) {
      users.put(u.getName(), new AuthState.User(u.getName(), u.getPasswordHash(), u.getNoPassword(),
          List.copyOf(u.getRolesList())));
    }
    TreeMap<String, AuthState.Role> roles = new TreeMap<>();
    for (AuthStore.Role r : m.getRolesList()) {
      List<Permission> perms = new ArrayList<>();
      for (AuthStore.Permission p : r.getPermissionsList()) {
        perms.add(new Permission(Permission.Type.of(p.getPermType()), p.getKey().toByteArray(),
            p.getRangeEnd().toByteArray()));
      }
      roles.put(r.getName(), new AuthState.Role(r.getName(), perms));
    }
    return new AuthState(m.getEnabled(), m.getRevision(), users, roles);
  }
}
