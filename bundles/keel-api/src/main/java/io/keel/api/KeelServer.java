package io.keel.api;

import io.keel.api.kv.CompactionRequest;
import io.keel.api.kv.CompactionResponse;
import io.keel.api.kv.DeleteRangeRequest;
import io.keel.api.kv.DeleteRangeResponse;
import io.keel.api.kv.PutRequest;
import io.keel.api.kv.PutResponse;
import io.keel.api.kv.RangeRequest;
import io.keel.api.kv.RangeResponse;
import io.keel.api.kv.TxnRequest;
import io.keel.api.kv.TxnResponse;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * One Keel member, as the API bundles see it. Every mutation goes through consensus and completes
 * only once a quorum has it on disk and it has been applied; a linearizable range waits for a
 * ReadIndex, a serializable one reads local state at once. Failures complete the stage
 * exceptionally with an {@link EtcdException}. Implementations never block the calling thread.
 */
public interface KeelServer {

  CompletionStage<RangeResponse> range(RangeRequest request);

  CompletionStage<PutResponse> put(PutRequest request);

  CompletionStage<DeleteRangeResponse> deleteRange(DeleteRangeRequest request);

  CompletionStage<TxnResponse> txn(TxnRequest request);

  CompletionStage<CompactionResponse> compact(CompactionRequest request);

  /** Grants a lease; {@code id} 0 lets the server choose. Completes with the ID and effective TTL. */
  CompletionStage<io.keel.api.lease.LeaseGrant> leaseGrant(long id, long ttlSeconds);

  /** Revokes a lease and deletes its keys at one revision; completes with the store revision. */
  CompletionStage<Long> leaseRevoke(long id);

  /** Renews a lease to its full TTL; completes with that TTL, or fails with LEASE_NOT_FOUND. */
  CompletionStage<Long> leaseRenew(long id);

  CompletionStage<io.keel.api.lease.LeaseTimeToLive> leaseTimeToLive(long id, boolean withKeys);

  /** The IDs of all live leases. */
  CompletionStage<List<Long>> leases();

  /**
   * Registers a watcher; its events go to {@code sink} in revision order, each exactly once. A
   * start revision below the compaction point cancels it at once through {@link
   * io.keel.api.watch.WatchSink#compacted}.
   */
  io.keel.api.watch.Watch watch(io.keel.api.watch.WatchSpec spec, io.keel.api.watch.WatchSink sink);

  /**
   * Hashes the MVCC history up to {@code revision} (0 = latest): equal on members with equal
   * history, so it proves replicas agree. COMPACTED / FUTURE_REV outside the retained range.
   */
  CompletionStage<HashKv> hashKv(long revision);

  /**
   * Reclaims this member's disk space (etcd's Defragment): Keel's store lives in memory, so this
   * takes a Raft snapshot, which lets the log be truncated.
   */
  CompletionStage<Void> defragment();

  /**
   * A consistent backup of this member's key-value state (all retained revisions and leases), in
   * Keel's snapshot format, taken at one revision; {@code bin/keel snapshot restore} seeds new
   * members from it.
   */
  CompletionStage<byte[]> backup();

  /**
   * Adds a member with these peer URLs (etcd's runtime reconfiguration: add it, then start it with
   * initial-cluster-state=existing). A voter joins the quorum once it has caught up.
   */
  CompletionStage<MemberChange> memberAdd(List<String> peerUrls, boolean isLearner);

  CompletionStage<MemberChange> memberRemove(long id);

  /**
   * New peer URLs for a member (etcd's member update; then restart the member with them). The
   * member keeps its ID.
   */
  CompletionStage<MemberChange> memberUpdate(long id, List<String> peerUrls);

  /** Makes a caught-up learner a voter; LEARNER_NOT_READY if it is behind. */
  CompletionStage<MemberChange> memberPromote(long id);

  /** Hands leadership to {@code targetId}; only the leader can (NOT_LEADER elsewhere). */
  CompletionStage<Void> moveLeader(long targetId);

  /** Active alarms, cluster-wide. */
  List<Alarm> alarms();

  /**
   * Raises or clears an alarm through the log (memberId 0 = every member's). While NOSPACE is
   * raised, only reads, deletes, compaction and lease revocation are allowed, as in etcd.
   */
  CompletionStage<List<Alarm>> alarm(boolean activate, long memberId, Alarm.Type type);

  /** The cluster ID, member ID, given revision and current raft term, for a response header. */
  ResponseHeader header(long revision);

  /** The latest applied store revision. */
  long currentRevision();

  List<Member> members();

  /**
   * Whether this member is a learner: like etcd, it then answers only Status, serializable Range
   * and Snapshot; everything else fails with NOT_SUPPORTED_FOR_LEARNER.
   */
  boolean isLearner();

  ServerStatus status();
}
