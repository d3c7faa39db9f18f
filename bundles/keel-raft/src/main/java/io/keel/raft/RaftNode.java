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
import io.keel.mvcc.MvccStore;
import io.keel.raft.internal.ClusterView;
import io.keel.raft.internal.Command;
import io.keel.raft.internal.Forwarding;
import io.keel.raft.internal.Identity;
import io.keel.raft.internal.RaftAccess;
import io.keel.raft.internal.bootstrap.MemberStartup;
import io.keel.raft.internal.bootstrap.StaticMembership;
import io.keel.raft.internal.kv.KvRequests;
import io.keel.raft.internal.lease.LeaseGateway;
import io.keel.raft.internal.lease.RaftLeadership;
import io.keel.raft.internal.kv.WatchSync;
import io.keel.raft.internal.maintenance.MaintenanceOps;
import io.keel.raft.internal.maintenance.SnapshotTrigger;
import io.keel.raft.internal.membership.LeaderTransfer;
import io.keel.raft.internal.membership.MemberChanges;
import io.keel.raft.internal.membership.MemberTable;
import io.keel.raft.internal.membership.Publisher;
import io.keel.raft.internal.membership.Reconciler;
import io.keel.raft.internal.membership.RemovalWatch;
import io.keel.raft.internal.propose.Proposer;
import io.keel.raft.internal.propose.ReadIndex;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Keel member: a SOFAJRaft node whose state machine is the MVCC store, serving etcd's
 * endpoints. A facade: each concern lives in its own package and this class only wires and
 * delegates.
 *
 * <pre>
 *   internal.bootstrap    start-up: data dir, identity (InitialMembership), restore, jraft, peer port
 *   internal.propose      one path to the leader (Proposer: here / forwarded / bounded wait), ReadIndex
 *   internal.kv           etcd's KV requests: checks, then propose or read
 *   internal.apply        the applier chain the state machine runs: quota -> capped -> backend
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
  private final RaftAccess raft;
  private final Identity identity;
  private final long memberId;
  private final Forwarding forwarding;
  private final PeerLinks links;
  private final ScheduledExecutorService background; // timers: snapshots, leader waits, passes, lease ticks
  private volatile WatchSync watchSync;
  private final SnapshotTrigger snapshots;
  private final Proposer proposer;
  private final ReadIndex reads;
  private final KvRequests kv;
  private final MemberTable table;
  private final MemberChanges changes;
  private final Reconciler reconciler;
  private final LeaderTransfer transfer;
  private final RemovalWatch removal;
  private final MaintenanceOps maintenance;
  private final Publisher publisher;
  private final LeaseGateway leases;

  private RaftNode(MemberStartup.Started s) {
    this.config = s.config();
    this.raft = s.raft();
    this.identity = s.identity();
    this.memberId = identity.memberId();
    this.forwarding = s.forwarding();
    this.links = s.peerFilter();
    this.background = s.background();
    this.snapshots = s.snapshots();
    List<String> clientUrls = config.advertiseClientUrls().stream().map(URI::toString).toList();
    this.table = new MemberTable(raft, memberId, config.name(), clientUrls);
    this.removal = new RemovalWatch(raft, table, forwarding, memberId, () -> header(0).clusterId());
    // how long a request waits for a leader during an election before failing with "no leader"
    long leaderWaitNanos = config.electionTimeoutMs() * 3L * 1_000_000L;
    this.proposer = new Proposer(raft, forwarding, background, memberId, config.maxRequestBytes(), leaderWaitNanos,
        removal::removed);
    this.reads = new ReadIndex(raft);
    this.kv = new KvRequests(raft::store, proposer, reads, config.maxTxnOps(), removal::removed);
    this.changes = new MemberChanges(table, raft, proposer, forwarding, config.initialClusterToken());
    this.reconciler = new Reconciler(raft, changes);
    this.transfer = new LeaderTransfer(raft, table, memberId, background, config.electionTimeoutMs() * 5L * 1_000_000L);
    this.maintenance = new MaintenanceOps(raft, proposer, reads, table);
    this.publisher = new Publisher(raft, proposer, background, memberId, config.name(), clientUrls,
        identity.clusterId());
    this.leases = new LeaseGateway(raft.lessor(), proposer::propose,
        new RaftLeadership(raft, () -> forwarding, reads::linearized));
  }

  /** Starts this member from its configuration and waits (bounded) until a leader is known. */
  public static RaftNode start(KeelConfig config) throws IOException {
    LeaderSide leaderSide = new LeaderSide();
    MemberStartup.Started started = MemberStartup.start(config, new StaticMembership(), leaderSide);
    RaftNode node = new RaftNode(started);
    leaderSide.bind(node);
    node.leases.schedule(node.background);
    node.background.scheduleWithFixedDelay(node::membershipPass, 1, 1, TimeUnit.SECONDS);
    node.watchSync = WatchSync.start(node.raft.watchHub());
    try {
      MemberStartup.settle(started);
    } catch (IOException | RuntimeException e) {
      node.close();
      throw e;
    }
    node.publisher.publish();
    return node;
  }

  // ---------------------------------------------------------------- KV and watch

  @Override
  public CompletionStage<RangeResponse> range(RangeRequest request) {
    return kv.range(request);
  }

  @Override
  public CompletionStage<PutResponse> put(PutRequest request) {
    return kv.put(request);
  }

  @Override
  public CompletionStage<DeleteRangeResponse> deleteRange(DeleteRangeRequest request) {
    return kv.deleteRange(request);
  }

  @Override
  public CompletionStage<TxnResponse> txn(TxnRequest request) {
    return kv.txn(request);
  }

  @Override
  public CompletionStage<CompactionResponse> compact(CompactionRequest request) {
    return kv.compact(request);
  }

  @Override
  public Watch watch(WatchSpec spec, WatchSink sink) {
    return raft.watchHub().watch(spec, sink);
  }

  /** A proposal a follower forwarded here (this member leads, or answers that it no longer does). */
  CompletionStage<Object> proposeForwarded(Command command, byte[] encoded) {
    return raft.apply(command, ByteBuffer.wrap(encoded));
  }

  /** A member change a follower forwarded here. */
  CompletionStage<MemberChange> administerForwarded(Command change) {
    return changes.administerLocally(change);
  }

  /** What this member tells a member that joins, or asks whether it was removed. */
  ClusterView clusterView() {
    return new ClusterView(header(0).clusterId(), members());
  }

  /** Seconds left of a lease on this member's clock (the leader's), -1 if there is no such lease. */
  long remainingHere(long leaseId) {
    return raft.lessor().remainingSeconds(leaseId);
  }

  /** A lease renewal a follower forwarded here (this member must lead: the primary lessor). */
  CompletionStage<Long> renewHere(long leaseId) {
    return leases.renewHere(leaseId);
  }

  // ---------------------------------------------------------------- leases

  @Override
  public CompletionStage<LeaseGrant> leaseGrant(long id, long ttlSeconds) {
    return leases.grant(id, ttlSeconds);
  }

  @Override
  public CompletionStage<Long> leaseRevoke(long id) {
    return leases.revoke(id);
  }

  @Override
  public CompletionStage<Long> leaseRenew(long id) {
    return leases.renew(id);
  }

  @Override
  public CompletionStage<LeaseTimeToLive> leaseTimeToLive(long id, boolean withKeys) {
    return leases.timeToLive(id, withKeys);
  }

  @Override
  public CompletionStage<List<Long>> leases() {
    return leases.leases();
  }

  // ---------------------------------------------------------------- maintenance

  @Override
  public ServerStatus status() {
    return maintenance.status();
  }

  @Override
  public List<Alarm> alarms() {
    return maintenance.alarms();
  }

  @Override
  public CompletionStage<List<Alarm>> alarm(boolean activate, long member, Alarm.Type type) {
    return maintenance.alarm(activate, member, type);
  }

  @Override
  public CompletionStage<HashKv> hashKv(long revision) {
    return maintenance.hashKv(revision);
  }

  @Override
  public CompletionStage<byte[]> backup() {
    return maintenance.backup();
  }

  @Override
  public CompletionStage<Void> defragment() {
    return maintenance.defragment();
  }

  @Override
  public CompletionStage<Void> moveLeader(long targetId) {
    return transfer.moveLeader(targetId);
  }

  /** Takes a snapshot now and waits for it (bounded); for tests and maintenance. */
  public void snapshotNow() throws InterruptedException {
    snapshots.snapshotNow();
  }

  // ---------------------------------------------------------------- cluster

  @Override
  public ResponseHeader header(long revision) {
    long agreed = raft.membership().clusterId();
    return new ResponseHeader(agreed != 0 ? agreed : identity.clusterId(), memberId, revision, raft.term());
  }

  @Override
  public long currentRevision() {
    return store().currentRevision();
  }

  @Override
  public List<Member> members() {
    return table.members();
  }

  @Override
  public CompletionStage<MemberChange> memberAdd(List<String> peerUrls, boolean isLearner) {
    return changes.add(peerUrls, isLearner);
  }

  @Override
  public CompletionStage<MemberChange> memberRemove(long id) {
    return changes.remove(id);
  }

  @Override
  public CompletionStage<MemberChange> memberPromote(long id) {
    return changes.promote(id);
  }

  @Override
  public CompletionStage<MemberChange> memberUpdate(long id, List<String> peerUrls) {
    return changes.update(id, peerUrls);
  }

  @Override
  public boolean isLearner() {
    return table.selfIsLearner();
  }

  /** jraft's configuration as this member knows it: voters as host:port, then "host:port (learner)". */
  public List<String> raftConfiguration() {
    return table.raftConfiguration();
  }

  /** Every second: the leader reconciles jraft with the member table; a removed member stops. */
  private void membershipPass() {
    reconciler.reconcile();
    removal.check();
  }

  /** Runs {@code action} once this member sees itself removed from the cluster (etcd then exits). */
  public void whenRemoved(Runnable action) {
    removal.whenRemoved(action);
  }

  /** Whether this member currently leads the cluster. */
  public boolean isLeader() {
    return raft.node().isLeader();
  }

  /** The member's name as configured. */
  public String name() {
    return config.name();
  }

  /** The test hook that cuts this member's peer links (a network partition in one JVM). */
  public PeerLinks links() {
    return links;
  }

  private MvccStore store() {
    return raft.store();
  }

  @Override
  public void close() {
    background.shutdownNow();
    forwarding.close();
    if (watchSync != null) {
      watchSync.close();
    }
    raft.close();
    LOG.info("member stopped name={}", config.name());
  }
}
