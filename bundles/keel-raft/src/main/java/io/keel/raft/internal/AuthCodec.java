package io.keel.raft.internal;

import com.google.protobuf.ByteString;
import io.keel.api.auth.Permission;
import io.keel.raft.internal.proto.AuthRequest;
import io.keel.raft.internal.proto.AuthRequest.Kind;

/** The auth store's log commands to and from {@code internal.proto}'s AuthRequest. */
final class AuthCodec {
  private AuthCodec() {}

  static AuthRequest message(Command.AuthChange change) {
    AuthRequest.Builder b = AuthRequest.newBuilder();
    if (change instanceof Command.AuthEnable) {
      b.setKind(Kind.ENABLE);
    } else if (change instanceof Command.AuthDisable) {
      b.setKind(Kind.DISABLE);
    } else if (change instanceof Command.Authenticate a) {
      b.setKind(Kind.AUTHENTICATE).setName(a.name()).setTokenPrefix(a.tokenPrefix());
    } else if (change instanceof Command.UserAdd u) {
      b.setKind(Kind.USER_ADD).setName(u.name()).setPasswordHash(u.passwordHash()).setNoPassword(u.noPassword());
    } else if (change instanceof Command.UserDelete u) {
      b.setKind(Kind.USER_DELETE).setName(u.name());
    } else if (change instanceof Command.UserChangePassword u) {
      b.setKind(Kind.USER_CHANGE_PASSWORD).setName(u.name()).setPasswordHash(u.passwordHash());
    } else if (change instanceof Command.UserGrantRole u) {
      b.setKind(Kind.USER_GRANT_ROLE).setName(u.user()).setRole(u.role());
    } else if (change instanceof Command.UserRevokeRole u) {
      b.setKind(Kind.USER_REVOKE_ROLE).setName(u.user()).setRole(u.role());
    } else if (change instanceof Command.RoleAdd r) {
      b.setKind(Kind.ROLE_ADD).setName(r.name());
    } else if (change instanceof Command.RoleDelete r) {
      b.setKind(Kind.ROLE_DELETE).setName(r.name());
    } else if (change instanceof Command.RoleGrantPermission r) {
      Permission p = r.permission();
      b.setKind(Kind.ROLE_GRANT_PERMISSION).setName(r.role()).setPermType(p.type().ordinal())
          .setKey(ByteString.copyFrom(p.key())).setRangeEnd(ByteString.copyFrom(p.rangeEnd()));
    } else if (change instanceof Command.RoleRevokePermission r) {
      b.setKind(Kind.ROLE_REVOKE_PERMISSION).setName(r.role()).setKey(ByteString.copyFrom(r.key()))
          .setRangeEnd(ByteString.copyFrom(r.rangeEnd()));
    } else {
      throw new IllegalArgumentException("unknown auth change " + change);
    }
    return b.build();
  }

  static Command.AuthChange command(AuthRequest r) {
    return switch (r.getKind()) {
      case ENABLE -> new Command.AuthEnable();
      case DISABLE -> new Command.AuthDisable();
      case AUTHENTICATE -> new Command.Authenticate(r.getName(), r.getTokenPrefix());
      case USER_ADD -> new Command.UserAdd(r.getName(), r.getPasswordHash(), r.getNoPassword());
      case USER_DELETE -> new Command.UserDelete(r.getName());
      case USER_CHANGE_PASSWORD -> new Command.UserChangePassword(r.getName(), r.getPasswordHash());
      case USER_GRANT_ROLE -> new Command.UserGrantRole(r.getName(), r.getRole());
      case USER_REVOKE_ROLE -> new Command.UserRevokeRole(r.getName(), r.getRole());
      case ROLE_ADD -> new Command.RoleAdd(r.getName());
      case ROLE_DELETE -> new Command.RoleDelete(r.getName());
      case ROLE_GRANT_PERMISSION -> new Command.RoleGrantPermission(r.getName(),
          new Permission(Permission.Type.of(r.getPermType()), r.getKey().toByteArray(), r.getRangeEnd().toByteArray()));
      case ROLE_REVOKE_PERMISSION -> new Command.RoleRevokePermission(r.getName(), r.getKey().toByteArray(),
          r.getRangeEnd().toByteArray());
      case UNKNOWN, UNRECOGNIZED -> throw new IllegalStateException("auth log entry of unknown kind (from a newer build?)");
    };
  }
}
