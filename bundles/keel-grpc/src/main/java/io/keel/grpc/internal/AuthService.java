package io.keel.grpc.internal;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import io.etcd.jetcd.api.AuthDisableRequest;
import io.etcd.jetcd.api.AuthDisableResponse;
import io.etcd.jetcd.api.AuthEnableRequest;
import io.etcd.jetcd.api.AuthEnableResponse;
import io.etcd.jetcd.api.AuthGrpc;
import io.etcd.jetcd.api.AuthRoleAddRequest;
import io.etcd.jetcd.api.AuthRoleAddResponse;
import io.etcd.jetcd.api.AuthRoleDeleteRequest;
import io.etcd.jetcd.api.AuthRoleDeleteResponse;
import io.etcd.jetcd.api.AuthRoleGetRequest;
import io.etcd.jetcd.api.AuthRoleGetResponse;
import io.etcd.jetcd.api.AuthRoleGrantPermissionRequest;
import io.etcd.jetcd.api.AuthRoleGrantPermissionResponse;
import io.etcd.jetcd.api.AuthRoleListRequest;
import io.etcd.jetcd.api.AuthRoleListResponse;
import io.etcd.jetcd.api.AuthRoleRevokePermissionRequest;
import io.etcd.jetcd.api.AuthRoleRevokePermissionResponse;
import io.etcd.jetcd.api.AuthUserAddRequest;
import io.etcd.jetcd.api.AuthUserAddResponse;
import io.etcd.jetcd.api.AuthUserChangePasswordRequest;
import io.etcd.jetcd.api.AuthUserChangePasswordResponse;
import io.etcd.jetcd.api.AuthUserDeleteRequest;
import io.etcd.jetcd.api.AuthUserDeleteResponse;
import io.etcd.jetcd.api.AuthUserGetRequest;
import io.etcd.jetcd.api.AuthUserGetResponse;
import io.etcd.jetcd.api.AuthUserGrantRoleRequest;
import io.etcd.jetcd.api.AuthUserGrantRoleResponse;
import io.etcd.jetcd.api.AuthUserListRequest;
import io.etcd.jetcd.api.AuthUserListResponse;
import io.etcd.jetcd.api.AuthUserRevokeRoleRequest;
import io.etcd.jetcd.api.AuthUserRevokeRoleResponse;
import io.etcd.jetcd.api.AuthenticateRequest;
import io.etcd.jetcd.api.AuthenticateResponse;
import io.grpc.stub.StreamObserver;
import io.keel.api.Auth;
import io.keel.api.auth.Permission;
import io.keel.api.ResponseHeader;

/**
 * etcdserverpb.Auth over the member's {@link Auth}: each call runs as the caller's user
 * ({@link AuthContext}), except Authenticate, which needs none. Every answer carries etcd's header.
 */
final class AuthService extends AuthGrpc.AuthImplBase {
  /** UserAddRequest's {@code options} (etcd 3.4's UserAddOptions), absent from jetcd's copy of rpc.proto. */
  static final int USER_ADD_OPTIONS_FIELD = 3;
  static final int NO_PASSWORD_FIELD = 1;

  private final Auth server;

  AuthService(Auth server) {
    this.server = server;
  }

  private io.etcd.jetcd.api.ResponseHeader header(long revision) {
    ResponseHeader h = server.header(revision);
    return ProtoKv.header(h);
  }

  @Override
  public void authEnable(AuthEnableRequest request, StreamObserver<AuthEnableResponse> observer) {
    Replies.replyAs(server::authEnable, observer,
        rev -> AuthEnableResponse.newBuilder().setHeader(header(rev)).build());
  }

  @Override
  public void authDisable(AuthDisableRequest request, StreamObserver<AuthDisableResponse> observer) {
    Replies.replyAs(server::authDisable, observer,
        rev -> AuthDisableResponse.newBuilder().setHeader(header(rev)).build());
  }

  @Override
  public void authenticate(AuthenticateRequest request, StreamObserver<AuthenticateResponse> observer) {
    Replies.reply(server.authenticate(request.getName(), request.getPassword()), observer,
        token -> AuthenticateResponse.newBuilder().setHeader(header(server.currentRevision())).setToken(token).build());
  }

  @Override
  public void userAdd(AuthUserAddRequest request, StreamObserver<AuthUserAddResponse> observer) {
    boolean noPassword = noPassword(request);
    Replies.replyAs(who -> server.userAdd(who, request.getName(), request.getPassword(), noPassword), observer,
        rev -> AuthUserAddResponse.newBuilder().setHeader(header(rev)).build());
  }

  /** etcd 3.4's {@code options.no_password}, read from the fields jetcd's message does not know. */
  static boolean noPassword(AuthUserAddRequest request) {
    UnknownFieldSet.Field options = request.getUnknownFields().getField(USER_ADD_OPTIONS_FIELD);
    for (ByteString bytes : options.getLengthDelimitedList()) {
      try {
        UnknownFieldSet inner = UnknownFieldSet.parseFrom(bytes);
        for (long v : inner.getField(NO_PASSWORD_FIELD).getVarintList()) {
          if (v != 0) {
            return true;
          }
        }
      } catch (InvalidProtocolBufferException e) {
        return false;
      }
    }
    return false;
  }

  @Override
  public void userGet(AuthUserGetRequest request, StreamObserver<AuthUserGetResponse> observer) {
    Replies.replyAs(who -> server.userGet(who, request.getName()), observer,
        roles -> AuthUserGetResponse.newBuilder().setHeader(header(server.currentRevision())).addAllRoles(roles)
            .build());
  }

  @Override
  public void userList(AuthUserListRequest request, StreamObserver<AuthUserListResponse> observer) {
    Replies.replyAs(server::userList, observer,
        users -> AuthUserListResponse.newBuilder().setHeader(header(server.currentRevision())).addAllUsers(users)
            .build());
  }

  @Override
  public void userDelete(AuthUserDeleteRequest request, StreamObserver<AuthUserDeleteResponse> observer) {
    Replies.replyAs(who -> server.userDelete(who, request.getName()), observer,
        rev -> AuthUserDeleteResponse.newBuilder().setHeader(header(rev)).build());
  }

  @Override
  public void userChangePassword(AuthUserChangePasswordRequest request,
      StreamObserver<AuthUserChangePasswordResponse> observer) {
    Replies.replyAs(who -> server.userChangePassword(who, request.getName(), request.getPassword()), observer,
        rev -> AuthUserChangePasswordResponse.newBuilder().setHeader(header(rev)).build());
  }

  @Override
  public void userGrantRole(AuthUserGrantRoleRequest request, StreamObserver<AuthUserGrantRoleResponse> observer) {
    Replies.replyAs(who -> server.userGrantRole(who, request.getUser(), request.getRole()), observer,
        rev -> AuthUserGrantRoleResponse.newBuilder().setHeader(header(rev)).build());
  }

  @Override
  public void userRevokeRole(AuthUserRevokeRoleRequest request, StreamObserver<AuthUserRevokeRoleResponse> observer) {
    Replies.replyAs(who -> server.userRevokeRole(who, request.getName(), request.getRole()), observer,
        rev -> AuthUserRevokeRoleResponse.newBuilder().setHeader(header(rev)).build());
  }

  @Override
  public void roleAdd(AuthRoleAddRequest request, StreamObserver<AuthRoleAddResponse> observer) {
    Replies.replyAs(who -> server.roleAdd(who, request.getName()), observer,
        rev -> AuthRoleAddResponse.newBuilder().setHeader(header(rev)).build());
  }

  @Override
  public void roleGet(AuthRoleGetRequest request, StreamObserver<AuthRoleGetResponse> observer) {
    Replies.replyAs(who -> server.roleGet(who, request.getRole()), observer, perms -> {
      AuthRoleGetResponse.Builder b = AuthRoleGetResponse.newBuilder().setHeader(header(server.currentRevision()));
      for (Permission p : perms) {
        b.addPerm(io.etcd.jetcd.api.Permission.newBuilder().setPermTypeValue(p.type().ordinal())
            .setKey(ByteString.copyFrom(p.key())).setRangeEnd(ByteString.copyFrom(p.rangeEnd())));
      }
      return b.build();
    });
  }

  @Override
  public void roleList(AuthRoleListRequest request, StreamObserver<AuthRoleListResponse> observer) {
    Replies.replyAs(server::roleList, observer,
        roles -> AuthRoleListResponse.newBuilder().setHeader(header(server.currentRevision())).addAllRoles(roles)
            .build());
  }

  @Override
  public void roleDelete(AuthRoleDeleteRequest request, StreamObserver<AuthRoleDeleteResponse> observer) {
    Replies.replyAs(who -> server.roleDelete(who, request.getRole()), observer,
        rev -> AuthRoleDeleteResponse.newBuilder().setHeader(header(rev)).build());
  }

  @Override
  public void roleGrantPermission(AuthRoleGrantPermissionRequest request,
      StreamObserver<AuthRoleGrantPermissionResponse> observer) {
    io.etcd.jetcd.api.Permission perm = request.getPerm();
    Permission permission;
    try {
      permission = new Permission(Permission.Type.of(perm.getPermTypeValue()), perm.getKey().toByteArray(),
          perm.getRangeEnd().toByteArray());
    } catch (IllegalArgumentException e) {
      observer.onError(io.grpc.Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
      return;
    }
    Replies.replyAs(who -> server.roleGrantPermission(who, request.getName(), permission), observer,
        rev -> AuthRoleGrantPermissionResponse.newBuilder().setHeader(header(rev)).build());
  }

  @Override
  public void roleRevokePermission(AuthRoleRevokePermissionRequest request,
      StreamObserver<AuthRoleRevokePermissionResponse> observer) {
    Replies.replyAs(who -> server.roleRevokePermission(who, request.getRole(), request.getKey().toByteArray(),
        request.getRangeEnd().toByteArray()), observer,
        rev -> AuthRoleRevokePermissionResponse.newBuilder().setHeader(header(rev)).build());
  }
}
