package io.keel.grpc.internal;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.CampaignRequest;
import io.etcd.jetcd.api.CampaignResponse;
import io.etcd.jetcd.api.ElectionGrpc;
import io.etcd.jetcd.api.LeaderKey;
import io.etcd.jetcd.api.LeaderRequest;
import io.etcd.jetcd.api.LeaderResponse;
import io.etcd.jetcd.api.ProclaimRequest;
import io.etcd.jetcd.api.ProclaimResponse;
import io.etcd.jetcd.api.ResignRequest;
import io.etcd.jetcd.api.ResignResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.keel.api.Kv;
import io.keel.grpc.internal.recipes.Cancellation;
import io.keel.grpc.internal.recipes.Elections;

/**
 * v3electionpb.Election: campaign, proclaim, leader, observe, resign, as etcd 3.4's server; each
 * runs as the caller, so while auth is enabled it needs the caller's permissions on the election's keys.
 */
final class ElectionService extends ElectionGrpc.ElectionImplBase {
  /** etcd's ErrMissingLeaderKey, a plain error (code Unknown). */
  static final String MISSING_LEADER_KEY = "\"leader\" field must be provided";
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ElectionService.class);

  private final Kv kv;
  private final Elections elections;

  ElectionService(Kv kv, Elections elections) {
    this.kv = kv;
    this.elections = elections;
  }

  @Override
  public void campaign(CampaignRequest request, StreamObserver<CampaignResponse> observer) {
    Cancellation cancellation = Replies.cancellation(observer);
    Replies.replyAs(who -> elections.as(who).campaign(request.getName().toByteArray(), request.getLease(),
        request.getValue().toByteArray(), cancellation), observer,
        won -> CampaignResponse.newBuilder().setHeader(ProtoKv.header(kv.header(won.revision())))
            .setLeader(leaderKey(won.leader())).build(), GrpcErrors::toClientStatus);
  }

  @Override
  public void proclaim(ProclaimRequest request, StreamObserver<ProclaimResponse> observer) {
    if (!request.hasLeader()) {
      observer.onError(missingLeaderKey());
      return;
    }
    Replies.replyAs(who -> elections.as(who).proclaim(leader(request.getLeader()), request.getValue().toByteArray()),
        observer,
        revision -> ProclaimResponse.newBuilder().setHeader(ProtoKv.header(kv.header(revision))).build(),
        GrpcErrors::toClientStatus);
  }

  @Override
  public void leader(LeaderRequest request, StreamObserver<LeaderResponse> observer) {
    Replies.replyAs(who -> elections.as(who).leader(request.getName().toByteArray()), observer,
        current -> leaderResponse(current.revision(), current.kv()),
        GrpcErrors::toClientStatus);
  }

  /**
   * As etcd's Observe, a failed read or watch (permission denied, no or an unknown token, history
   * compacted) ends the stream with an OK status and nothing sent: etcd's server relays clientv3's
   * Election.Observe channel, which closes without an error when its Get or Watch fails.
   */
  @Override
  public void observe(LeaderRequest request, StreamObserver<LeaderResponse> observer) {
    Elections asCaller;
    try {
      asCaller = elections.as(AuthContext.who());
    } catch (RuntimeException e) {
      LOG.debug("observe ended at once error={}", e.getMessage());
      observer.onCompleted(); // etcd's Get with an unknown token fails, and the channel closes
      return;
    }
    Cancellation cancellation = Replies.cancellation(observer);
    asCaller.observe(request.getName().toByteArray(), (revision, leader) -> {
      synchronized (observer) {
        if (!cancellation.isCancelled()) {
          observer.onNext(leaderResponse(revision, leader));
        }
      }
    }, cancellation).whenComplete((ended, error) -> {
      synchronized (observer) {
        if (error != null) {
          LOG.debug("observe ended by a failed read or watch error={}", GrpcErrors.toStatus(error).getMessage());
        }
        if (!cancellation.isCancelled()) {
          observer.onCompleted();
        }
      }
    });
  }

  @Override
  public void resign(ResignRequest request, StreamObserver<ResignResponse> observer) {
    if (!request.hasLeader()) {
      observer.onError(missingLeaderKey());
      return;
    }
    Replies.replyAs(who -> elections.as(who).resign(leader(request.getLeader())), observer,
        revision -> ResignResponse.newBuilder().setHeader(ProtoKv.header(kv.header(revision))).build(),
        GrpcErrors::toClientStatus);
  }

  private LeaderResponse leaderResponse(long revision, io.keel.api.kv.KeyValue leader) {
    return LeaderResponse.newBuilder().setHeader(ProtoKv.header(kv.header(revision))).setKv(ProtoKv.kv(leader)).build();
  }

  private static Elections.Leader leader(LeaderKey k) {
    return new Elections.Leader(k.getName().toByteArray(), k.getKey().toByteArray(), k.getRev(), k.getLease());
  }

  private static LeaderKey leaderKey(Elections.Leader l) {
    return LeaderKey.newBuilder().setName(ByteString.copyFrom(l.name())).setKey(ByteString.copyFrom(l.key()))
        .setRev(l.revision()).setLease(l.lease()).build();
  }

  private static RuntimeException missingLeaderKey() {
    return Status.UNKNOWN.withDescription(MISSING_LEADER_KEY).asRuntimeException();
  }
}
