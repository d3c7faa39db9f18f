package io.keel.grpc.internal;

import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.StatusRequest;
import io.etcd.jetcd.api.StatusResponse;
import io.grpc.stub.StreamObserver;
import io.keel.api.Auth;
import io.keel.api.Maintenance;
import io.keel.api.ServerStatus;

/** etcdserverpb.Maintenance: Status, HashKV, Defragment, Alarm. MoveLeader, Hash, Snapshot (Keel's format). */
final class MaintenanceService extends MaintenanceGrpc.MaintenanceImplBase {
  private final Maintenance server;
  private final Auth auth;

  /** @param auth who may call what: Hash, HashKV, Defragment and Snapshot need the root role (etcd's authMaintenanceServer) */
  MaintenanceService(Maintenance server, Auth auth) {
    this.server = server;
    this.auth = auth;
  }

  /**
   * etcd's isAuthenticated: the caller's token is valid and it has the root role (once auth is
   * enabled). etcd 3.4 returns these errors as the auth store words them, untranslated (code
   * Unknown, "auth: ..."), and so does this.
   */
  private java.util.concurrent.CompletionStage<Void> admin(io.keel.api.auth.AuthInfo who) {
    try {
      auth.checkAdmin(who);
    } catch (io.keel.api.EtcdException e) {
      throw untranslated(e);
    }
    return java.util.concurrent.CompletableFuture.completedFuture(null);
  }

  /** {@code call} if the caller may make it, else a stage failed with etcd's untranslated error. */
  private <T> java.util.concurrent.CompletionStage<T> asAdmin(
      java.util.function.Supplier<java.util.concurrent.CompletionStage<T>> call) {
    try {
      admin(caller());
    } catch (RuntimeException e) {
      return java.util.concurrent.CompletableFuture.failedFuture(e);
    }
    return call.get();
  }

  /** The caller, for the admin-only calls: an unknown token fails as etcd's untranslated auth error. */
  private static io.keel.api.auth.AuthInfo caller() {
    try {
      return AuthContext.who();
    } catch (io.keel.api.EtcdException e) {
      throw untranslated(e);
    }
  }

  static io.keel.api.EtcdException untranslated(io.keel.api.EtcdException e) {
    return switch (e.error()) {
      case USER_EMPTY -> io.keel.api.EtcdError.RAW_USER_EMPTY.exception();
      case USER_NOT_FOUND -> io.keel.api.EtcdError.RAW_USER_NOT_FOUND.exception();
      case PERMISSION_DENIED_ERR -> io.keel.api.EtcdError.RAW_PERMISSION_DENIED.exception();
      case INVALID_AUTH_TOKEN -> io.keel.api.EtcdError.RAW_INVALID_AUTH_TOKEN.exception();
      default -> e;
    };
  }

  @Override
  public void hashKV(io.etcd.jetcd.api.HashKVRequest request,
      StreamObserver<io.etcd.jetcd.api.HashKVResponse> observer) {
    Replies.reply(asAdmin(() -> server.hashKv(request.getRevision())), observer,
        h -> io.etcd.jetcd.api.HashKVResponse.newBuilder().setHeader(ProtoKv.header(server.header(h.revision())))
            .setHash(h.hash()).setCompactRevision(h.compactRevision()).build());
  }

  /**
   * etcd's Snapshot stream: 32 KiB blobs with the bytes remaining, then one last message whose blob
   * is the SHA-256 of everything sent before it (what {@code snapshot restore} verifies). The
   * content is Keel's snapshot format, not a bbolt file. Like etcd's, no message carries a header.
   */
  @Override
  public void snapshot(io.etcd.jetcd.api.SnapshotRequest request,
      StreamObserver<io.etcd.jetcd.api.SnapshotResponse> observer) {
    java.util.concurrent.CompletionStage<byte[]> backup;
    try {
      admin(caller());
      backup = server.backup();
    } catch (RuntimeException e) {
      observer.onError(GrpcErrors.toStatus(e));
      return;
    }
    backup.whenComplete((data, error) -> {
      if (error != null) {
        observer.onError(GrpcErrors.toStatus(error));
        return;
      }
      java.security.MessageDigest sha;
      try {
        sha = java.security.MessageDigest.getInstance("SHA-256");
      } catch (java.security.NoSuchAlgorithmException e) {
        observer.onError(GrpcErrors.toStatus(e));
        return;
      }
      int chunk = 32 * 1024;
      for (int off = 0; off < data.length; off += chunk) {
        int n = Math.min(chunk, data.length - off);
        sha.update(data, off, n);
        observer.onNext(io.etcd.jetcd.api.SnapshotResponse.newBuilder().setRemainingBytes(data.length - off - n)
            .setBlob(com.google.protobuf.ByteString.copyFrom(data, off, n)).build());
      }
      observer.onNext(io.etcd.jetcd.api.SnapshotResponse.newBuilder().setRemainingBytes(0)
          .setBlob(com.google.protobuf.ByteString.copyFrom(sha.digest())).build());
      observer.onCompleted();
    });
  }

  /** etcd's Hash (the whole backend); Keel hashes its whole retained MVCC history. */
  @Override
  public void hash(io.etcd.jetcd.api.HashRequest request, StreamObserver<io.etcd.jetcd.api.HashResponse> observer) {
    Replies.reply(asAdmin(() -> server.hashKv(0)), observer,
        h -> io.etcd.jetcd.api.HashResponse.newBuilder()
        .setHeader(ProtoKv.header(server.header(h.revision()))).setHash(h.hash()).build());
  }

  /** Like etcd's, the answer is empty: no header. */
  @Override
  public void defragment(io.etcd.jetcd.api.DefragmentRequest request,
      StreamObserver<io.etcd.jetcd.api.DefragmentResponse> observer) {
    Replies.reply(asAdmin(server::defragment), observer,
        v -> io.etcd.jetcd.api.DefragmentResponse.getDefaultInstance());
  }

  /**
   * etcd's Alarm: GET lists active alarms; ACTIVATE and DEACTIVATE go through the log. Like
   * etcd's, the answer carries no header.
   */
  @Override
  public void alarm(io.etcd.jetcd.api.AlarmRequest request, StreamObserver<io.etcd.jetcd.api.AlarmResponse> observer) {
    io.keel.api.Alarm.Type type = switch (request.getAlarmValue()) {
      case 1 -> io.keel.api.Alarm.Type.NOSPACE;
      case 2 -> io.keel.api.Alarm.Type.CORRUPT;
      default -> io.keel.api.Alarm.Type.NONE;
    };
    // a DEACTIVATE answers with the alarms it cleared, as etcd's does (read before proposing)
    java.util.List<io.keel.api.Alarm> cleared = server.alarms().stream()
        .filter(a -> (request.getMemberID() == 0 || a.memberId() == request.getMemberID())
            && (type == io.keel.api.Alarm.Type.NONE || a.type() == type)).toList();
    java.util.concurrent.CompletionStage<java.util.List<io.keel.api.Alarm>> result = switch (request.getActionValue()) {
      case 1 -> server.alarm(true, request.getMemberID(), type);
      case 2 -> type == io.keel.api.Alarm.Type.NONE
          ? server.alarm(false, request.getMemberID(), io.keel.api.Alarm.Type.NOSPACE)
              .thenCompose(l -> server.alarm(false, request.getMemberID(), io.keel.api.Alarm.Type.CORRUPT))
          : server.alarm(false, request.getMemberID(), type);
      default -> java.util.concurrent.CompletableFuture.completedFuture(server.alarms());
    };
    boolean deactivate = request.getActionValue() == 2;
    Replies.reply(result, observer, alarms -> {
      io.etcd.jetcd.api.AlarmResponse.Builder b = io.etcd.jetcd.api.AlarmResponse.newBuilder();
      for (io.keel.api.Alarm a : deactivate ? cleared : alarms) {
        b.addAlarms(io.etcd.jetcd.api.AlarmMember.newBuilder().setMemberID(a.memberId())
            .setAlarmValue(a.type().ordinal()));
      }
      return b.build();
    });
  }

  /** Like etcd's, the answer is empty: no header. */
  @Override
  public void moveLeader(io.etcd.jetcd.api.MoveLeaderRequest request,
      StreamObserver<io.etcd.jetcd.api.MoveLeaderResponse> observer) {
    Replies.reply(server.moveLeader(request.getTargetID()), observer,
        v -> io.etcd.jetcd.api.MoveLeaderResponse.getDefaultInstance());
  }

  @Override
  public void status(StatusRequest request, StreamObserver<StatusResponse> observer) {
    StatusResponse response;
    try {
      ServerStatus s = server.status();
      response = StatusResponse.newBuilder()
          .setHeader(ProtoKv.header(server.header(server.currentRevision())))
          .setVersion(s.version()).setDbSize(s.dbSize()).setDbSizeInUse(s.dbSizeInUse()).setLeader(s.leader())
          .setRaftIndex(s.raftIndex()).setRaftTerm(s.raftTerm()).setRaftAppliedIndex(s.raftAppliedIndex())
          .setIsLearner(s.isLearner()).addAllErrors(s.errors()).build();
    } catch (RuntimeException e) {
      observer.onError(GrpcErrors.toStatus(e));
      return;
    }
    observer.onNext(response);
    observer.onCompleted();
  }
}
