package io.keel.raft;

import io.keel.api.Alarm;
import io.keel.api.Cluster;
import io.keel.api.HashKv;
import io.keel.api.Kv;
import io.keel.api.Leases;
import io.keel.api.Maintenance;
import io.keel.api.Member;
import io.keel.api.MemberChange;
import io.keel.api.ResponseHeader;
import io.keel.api.ServerStatus;
import io.keel.api.Watchable;
import io.keel.api.config.KeelConfig;
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
import io.keel.api.lease.LeaseGrant;
import io.keel.api.lease.LeaseTimeToLive;
import io.keel.api.watch.Watch;
import io.keel.api.watch.WatchSink;
import io.keel.api.watch.WatchSpec;
import io.keel.raft.internal.bootstrap.MemberStartup;
import io.keel.raft.internal.bootstrap.StaticMembership;
import io.keel.raft.internal.kv.WatchSync;
import io.keel.raft.internal.maintenance.MaintenanceOps;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Keel member: a SOFAJRaft node whose state machine is the MVCC store, serving etcd's
 * endpoints. A facade: each concern lives in its own package, {@link MemberParts} builds and wires
 * them, and this class only delegates.
 *
 * <pre>
 *   internal.bootstrap    start-up: data dir, identity (InitialMembership), restore, jraft, peer port
 *   internal.propose      one path to the leader (Proposer: here / forwarded / bounded wait), ReadIndex
 *   internal.kv           etcd's KV requests: checks, then propose or read
 *   internal.apply        the applier chain the state machine runs: quota -> capped -> backend
 *   internal.lease        the raft side of the Lessor: grants, revokes, checkpoints, renewals at the leader
 *   internal.membership   member table, changes, the reconcile pass, leader transfer, removal
 *   internal.maintenance  status, alarms, hash, defragment, backup, snapshot triggers
 * </pre>
 *
 * <p>Write path: validate and encode on the caller's thread, {@code Node.apply} (jraft batches,
 * replicates and fsyncs a quorum), the state machine applies it in log order and completes the
 * caller's future. Lifecycle: {@link #start} binds the peer port and starts the node; {@link
 * #close} stops it.
 */
public final class RaftNode implements Kv, Watchable, Leases, Cluster, Maintenance, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RaftNode.class);
  /** The etcd API version Keel implements; clients gate features on it. */
  public static final String ETCD_VERSION = MaintenanceOps.ETCD_VERSION;

  private final KeelConfig config;
  private final MemberParts m;
  private volatile WatchSync watchSync;

  private RaftNode(MemberParts parts) {
    this.m = parts;
    this.config = parts.started.config();
  }

  /** Starts this member from its configuration and waits (bounded) until a leader is known. */
  public static RaftNode start(KeelConfig config) throws IOException {
    LeaderSide leaderSide = new LeaderSide();
    MemberStartup.Started started = MemberStartup.start(config, new StaticMembership(), leaderSide);
    MemberParts parts = new MemberParts(started);
    leaderSide.bind(parts);
    RaftNode node = new RaftNode(parts);
    parts.leases.schedule(started.background());
    started.background().scheduleWithFixedDelay(parts::membershipPass, 1, 1, TimeUnit.SECONDS);
    node.watchSync = WatchSync.start(parts.raft.watchHub());
    try {
      MemberStartup.settle(started);
    } catch (IOException | RuntimeException e) {
      node.close();
      throw e;
    }
    parts.publisher.publish();
    return node;
  }

  // ---------------------------------------------------------------- KV and watch

  @Override
  public CompletionStage<RangeResponse> range(RangeRequest request) {
    return m.kv.range(request);
  }

  @Override
  public CompletionStage<PutResponse> put(PutRequest request) {
    return m.kv.put(request);
  }

  @Override
  public CompletionStage<DeleteRangeResponse> deleteRange(DeleteRangeRequest request) {
    return m.kv.deleteRange(request);
  }

  @Override
  public CompletionStage<TxnResponse> txn(TxnRequest request) {
    return m.kv.txn(request);
  }

  @Override
  public CompletionStage<CompactionResponse> compact(CompactionRequest request) {
    return m.kv.compact(request);
  }

  @Override
  public Watch watch(WatchSpec spec, WatchSink sink) {
    return m.raft.watchHub().watch(spec, sink);
  }

  // ---------------------------------------------------------------- leases

  @Override
  public CompletionStage<LeaseGrant> leaseGrant(long id, long ttlSeconds) {
    return m.leases.grant(id, ttlSeconds);
  }

  @Override
  public CompletionStage<Long> leaseRevoke(long id) {
    return m.leases.revoke(id);
  }

  @Override
  public CompletionStage<Long> leaseRenew(long id) {
    return m.leases.renew(id);
  }

  @Override
  public CompletionStage<LeaseTimeToLive> leaseTimeToLive(long id, boolean withKeys) {
    return m.leases.timeToLive(id, withKeys);
  }

  @Override
  public CompletionStage<List<Long>> leases() {
    return m.leases.leases();
  }

  // ---------------------------------------------------------------- maintenance

  @Override
  public ServerStatus status() {
    return m.maintenance.status();
  }

  @Override
  public List<Alarm> alarms() {
    return m.maintenance.alarms();
  }

  @Override
  public CompletionStage<List<Alarm>> alarm(boolean activate, long member, Alarm.Type type) {
    return m.maintenance.alarm(activate, member, type);
  }

  @Override
  public CompletionStage<HashKv> hashKv(long revision) {
    return m.maintenance.hashKv(revision);
  }

  @Override
  public CompletionStage<byte[]> backup() {
    return m.maintenance.backup();
  }

  @Override
  public CompletionStage<Void> defragment() {
    return m.maintenance.defragment();
  }

  @Override
  public CompletionStage<Void> moveLeader(long targetId) {
    return m.transfer.moveLeader(targetId);
  }

  /** Takes a snapshot now and waits for it (bounded); for tests and maintenance. */
  public void snapshotNow() throws InterruptedException {
    m.started.snapshots().snapshotNow();
  }

  // ---------------------------------------------------------------- cluster

  @Override
  public ResponseHeader header(long revision) {
    return m.header(revision);
  }

  @Override
  public long currentRevision() {
    return m.raft.store().currentRevision();
  }

  @Override
  public List<Member> members() {
    return m.table.members();
  }

  @Override
  public CompletionStage<MemberChange> memberAdd(List<String> peerUrls, boolean isLearner) {
    return m.changes.add(peerUrls, isLearner);
  }

  @Override
  public CompletionStage<MemberChange> memberRemove(long id) {
    return m.changes.remove(id);
  }

  @Override
  public CompletionStage<MemberChange> memberPromote(long id) {
    return m.changes.promote(id);
  }

  @Override
  public CompletionStage<MemberChange> memberUpdate(long id, List<String> peerUrls) {
    return m.changes.update(id, peerUrls);
  }

  @Override
  public boolean isLearner() {
    return m.table.selfIsLearner();
  }

  /** jraft's configuration as this member knows it: voters as host:port, then "host:port (learner)". */
  public List<String> raftConfiguration() {
    return m.table.raftConfiguration();
  }

  /** Runs {@code action} once this member sees itself removed from the cluster (etcd then exits). */
  public void whenRemoved(Runnable action) {
    m.removal.whenRemoved(action);
  }

  /** Whether this member currently leads the cluster. */
  public boolean isLeader() {
    return m.raft.node().isLeader();
  }

  /** The member's name as configured. */
  public String name() {
    return config.name();
  }

  /** The test hook that cuts this member's peer links (a network partition in one JVM). */
  public PeerLinks links() {
    return m.started.peerFilter();
  }

  @Override
  public void close() {
    m.started.background().shutdownNow();
    m.started.forwarding().close();
    if (watchSync != null) {
      watchSync.close();
    }
    m.raft.close();
    LOG.info("member stopped name={}", config.name());
  }
}
