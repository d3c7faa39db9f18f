package io.keel.raft;

import io.keel.api.Alarm;
import io.keel.api.Auth;
import io.keel.api.auth.AuthInfo;
import io.keel.api.auth.Permission;
import io.keel.raft.internal.Command;
import io.keel.api.Cluster;
import io.keel.api.EtcdError;
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
import io.keel.raft.internal.compaction.AutoCompaction;
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
import io.keel.raft.internal.bootstrap.DecidedMembership;
import io.keel.raft.internal.kv.WatchSync;
import io.keel.raft.internal.maintenance.MaintenanceOps;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
public final class RaftNode implements Kv, Watchable, Leases, Cluster, Maintenance, Auth, io.keel.api.Health,
    io.keel.api.v2.V2Keys,
    AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RaftNode.class);
  /** The etcd API version Keel implements; clients gate features on it. */
  public static final String ETCD_VERSION = MaintenanceOps.ETCD_VERSION;

  private final KeelConfig config;
  private final MemberParts m;
  private volatile WatchSync watchSync;
  private final io.keel.raft.internal.HealthCheck health;
  private final io.keel.raft.internal.metrics.ServerMetrics metrics;
  /** etcd's auto compactor; replaced when its settings change (guarded by this). */
  private AutoCompaction compaction;

  private RaftNode(MemberParts parts) {
    this.m = parts;
    this.config = parts.started.config();
    this.health = new io.keel.raft.internal.HealthCheck(this, this, parts.deadlines);
    this.metrics = new io.keel.raft.internal.metrics.ServerMetrics(parts.raft.counters(), new MetricState(), ETCD_VERSION);
  }

  /** What the gauges of {@link #metrics()} read. */
  private final class MetricState implements io.keel.raft.internal.metrics.ServerMetrics.State {
    private final RangeRequest everyKey = new RangeRequest(new byte[] {0}, new byte[] {0}, 0, 0,
        io.keel.api.kv.SortOrder.NONE, io.keel.api.kv.SortTarget.KEY, true, false, true, 0, 0, 0, 0);

    @Override
    public boolean hasLeader() {
      com.alipay.sofa.jraft.entity.PeerId leader = m.raft.node().getLeaderId();
      return leader != null && !leader.isEmpty();
    }

    @Override
    public boolean isLeader() {
      return m.raft.node().isLeader();
    }

    @Override
    public boolean isLearner() {
      return m.table.selfIsLearner();
    }

    @Override
    public long memberId() {
      return m.started.identity().memberId();
    }

    @Override
    public long committedIndex() {
      return m.raft.node().getLastCommittedIndex();
    }

    @Override
    public long appliedIndex() {
      return m.raft.appliedIndex();
    }

    @Override
    public long dbSizeBytes() {
      return m.raft.store().approximateSizeBytes();
    }

    @Override
    public long keys() {
      return m.raft.store().range(everyKey).count();
    }

    @Override
    public long currentRevision() {
      return m.raft.store().currentRevision();
    }

    @Override
    public long compactRevision() {
      return m.raft.store().compactRevision();
    }

    @Override
    public int watchers() {
      return m.raft.watchHub().watcherCount();
    }

    @Override
    public int slowWatchers() {
      return m.raft.watchHub().unsyncedCount();
    }

    @Override
    public long quotaBackendBytes() {
      return config.quotaBackendBytes();
    }
  }

  /** The member's metrics under etcd's names (keel-http's /metrics reports them). */
  public io.keel.api.metrics.MetricSource metrics() {
    io.keel.raft.internal.metrics.PeerTraffic traffic = m.started.traffic();
    return sink -> {
      metrics.collect(sink);
      traffic.collect(sink);
    };
  }

  @Override
  public CompletionStage<Status> check(java.util.Set<String> excludedAlarms) {
    return health.check(excludedAlarms);
  }

  @Override
  public CompletionStage<Status> linearizableRead() {
    return health.linearizableRead();
  }

  @Override
  public CompletionStage<Status> serializableRead() {
    return health.serializableRead();
  }

  /** Starts this member from its configuration's initial-cluster (static bootstrap); see the other overload. */
  public static RaftNode start(KeelConfig config) throws IOException {
    return start(config, KeelConfig::initialCluster);
  }

  /**
   * Starts this member and waits (bounded) until a leader is known; at the first start {@code
   * initialMembership} decides the initial cluster (keel-bootstrap: static, DNS SRV, discovery).
   */
  public static RaftNode start(KeelConfig config, io.keel.api.bootstrap.InitialMembership initialMembership)
      throws IOException {
    LeaderSide leaderSide = new LeaderSide();
    MemberStartup.Started started = MemberStartup.start(config, new DecidedMembership(initialMembership), leaderSide);
    MemberParts parts = new MemberParts(started);
    leaderSide.bind(parts);
    RaftNode node = new RaftNode(parts);
    parts.leases.schedule(started.background());
    started.background().scheduleWithFixedDelay(parts::membershipPass, 1, 1, TimeUnit.SECONDS);
    started.background().scheduleWithFixedDelay(parts.raft.auth().tokens()::expire, 1, 1, TimeUnit.SECONDS);
    started.background().scheduleWithFixedDelay(parts.v2::syncStep, 500, 500, TimeUnit.MILLISECONDS);
    node.watchSync = WatchSync.start(parts.raft.watchHub());
    try {
      MemberStartup.settle(started);
    } catch (IOException | RuntimeException e) {
      node.close();
      throw e;
    }
    parts.publisher.publish();
    node.setAutoCompaction(config.autoCompactionMode(), config.autoCompactionRetention());
    return node;
  }

  // ---------------------------------------------------------------- etcd's v2 store (enable-v2)

  @Override
  public java.util.concurrent.CompletableFuture<io.keel.api.v2.V2Event> v2Write(io.keel.api.v2.V2Request request) {
    return m.v2.write(request);
  }

  @Override
  public java.util.concurrent.CompletableFuture<io.keel.api.v2.V2Event> v2Get(String path, boolean recursive,
      boolean sorted, boolean quorum) {
    return m.v2.get(path, recursive, sorted, quorum);
  }

  @Override
  public io.keel.api.v2.V2Keys.V2Watch v2Watch(String path, boolean recursive, boolean stream, long sinceIndex,
      java.util.function.Consumer<io.keel.api.v2.V2Event> sink) throws io.keel.api.v2.V2Error {
    return m.raft.v2().watch(path, recursive, stream, sinceIndex, sink);
  }

  @Override
  public java.util.Map<String, Long> v2StoreStats() {
    return m.raft.v2().stats();
  }

  @Override
  public io.keel.api.v2.V2PeerStats v2PeerStats() {
    return m.raft.counters().appends.snapshot();
  }

  @Override
  public long v2Index() {
    return m.raft.v2().index();
  }

  @Override
  public long v2RaftIndex() {
    return m.raft.appliedIndex();
  }

  @Override
  public long v2RaftTerm() {
    return m.raft.term();
  }

  // ---------------------------------------------------------------- live configuration

  /** etcd's quota-backend-bytes, from now on (a raised NOSPACE alarm stays until disarmed). */
  public void setQuotaBackendBytes(long quotaBackendBytes) {
    m.raft.quota().setQuotaBackendBytes(quotaBackendBytes);
    LOG.info("quota changed quota-backend-bytes={}", quotaBackendBytes);
  }

  /**
   * (Re)starts auto compaction: mode periodic or revision, retention in milliseconds or revisions
   * (0: off). Compactions go through the log as a client's Compact does, from the leader only.
   */
  public synchronized void setAutoCompaction(String mode, long retention) {
    if (compaction != null) {
      compaction.close();
    }
    compaction = AutoCompaction.start(mode, retention, () -> m.raft.store().currentRevision(), this::compactNow,
        this::isLeader);
  }

  private void compactNow(long revision) throws Exception {
    try {
      m.kv.compact(new CompactionRequest(revision, false)).toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  /**
   * New Raft timing in place: jraft's election timer and (through the election/heartbeat factor)
   * the leader's heartbeat interval. Waits derived from them at start (minimum lease TTL, the wait
   * for a leader) keep their start-time values until the member restarts.
   */
  public void setTiming(int heartbeatIntervalMs, int electionTimeoutMs) {
    com.alipay.sofa.jraft.Node node = m.raft.node();
    node.getRaftOptions().setElectionHeartbeatFactor(Math.max(2, electionTimeoutMs / heartbeatIntervalMs));
    node.resetElectionTimeoutMs(electionTimeoutMs);
    LOG.info("raft timing changed heartbeat-interval={}ms election-timeout={}ms", heartbeatIntervalMs,
        electionTimeoutMs);
  }

  // ---------------------------------------------------------------- KV and watch

  @Override
  public CompletionStage<RangeResponse> range(RangeRequest request, AuthInfo who) {
    return m.kv.range(request, who);
  }

  @Override
  public CompletionStage<PutResponse> put(PutRequest request, AuthInfo who) {
    return m.kv.put(request, who);
  }

  @Override
  public CompletionStage<DeleteRangeResponse> deleteRange(DeleteRangeRequest request, AuthInfo who) {
    return m.kv.deleteRange(request, who);
  }

  @Override
  public CompletionStage<TxnResponse> txn(TxnRequest request, AuthInfo who) {
    return m.kv.txn(request, who);
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
  public CompletionStage<Long> leaseRevoke(long id, AuthInfo who) {
    return m.leases.revoke(id, who);
  }

  @Override
  public CompletionStage<Long> leaseRenew(long id) {
    return m.leases.renew(id);
  }

  /**
   * With auth enabled and the keys asked for, {@code who} must be a user allowed to read every key
   * attached; without the keys nothing is checked. This is the check etcd added in 3.4.26 and 3.5.9
   * (CVE-2023-32082, v3_server.go checkLeaseTimeToLive); 3.4.23 checks nothing (docs/COMPATIBILITY.md).
   */
  @Override
  public CompletionStage<LeaseTimeToLive> leaseTimeToLive(long id, boolean withKeys, AuthInfo who) {
    if (!withKeys || !m.raft.auth().enabled()) {
      return m.leases.timeToLive(id, withKeys);
    }
    if (who.isNone()) {
      return CompletableFuture.failedFuture(EtcdError.USER_EMPTY.exception());
    }
    return m.leases.timeToLive(id, true).thenApply(ttl -> {
      for (byte[] key : ttl.keys()) {
        m.raft.auth().checkRange(who, key, null);
      }
      return ttl;
    });
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

  // ---------------------------------------------------------------- auth

  /** The auth store as this member applied it (users, roles, enabled, revision); for tests and tools. */
  public io.keel.auth.AuthState authState() {
    return m.raft.auth().state();
  }

  @Override
  public AuthInfo authInfo(String token, String certificateCommonName) {
    return m.raft.auth().authInfo(token, certificateCommonName);
  }

  @Override
  public CompletionStage<Void> caughtUp() {
    return m.reads.linearized();
  }

  @Override
  public void checkAdmin(AuthInfo who) {
    m.raft.auth().checkAdmin(who);
  }

  @Override
  public void checkRange(AuthInfo who, byte[] key, byte[] rangeEnd) {
    m.raft.auth().checkRange(who, key, rangeEnd);
  }

  @Override
  public CompletionStage<Long> authEnable(AuthInfo who) {
    return m.auth.change(who, new Command.AuthEnable());
  }

  @Override
  public CompletionStage<Long> authDisable(AuthInfo who) {
    return m.auth.change(who, new Command.AuthDisable());
  }

  @Override
  public CompletionStage<String> authenticate(String name, String password) {
    return m.auth.authenticate(name, password);
  }

  @Override
  public CompletionStage<Long> userAdd(AuthInfo who, String name, String password, boolean noPassword) {
    return m.auth.userAdd(who, name, password, noPassword);
  }

  @Override
  public CompletionStage<List<String>> userGet(AuthInfo who, String name) {
    return m.auth.userGet(who, name);
  }

  @Override
  public CompletionStage<List<String>> userList(AuthInfo who) {
    return m.auth.userList(who);
  }

  @Override
  public CompletionStage<Long> userDelete(AuthInfo who, String name) {
    return m.auth.change(who, new Command.UserDelete(name));
  }

  @Override
  public CompletionStage<Long> userChangePassword(AuthInfo who, String name, String password) {
    return m.auth.userChangePassword(who, name, password);
  }

  @Override
  public CompletionStage<Long> userGrantRole(AuthInfo who, String user, String role) {
    return m.auth.change(who, new Command.UserGrantRole(user, role));
  }

  @Override
  public CompletionStage<Long> userRevokeRole(AuthInfo who, String user, String role) {
    return m.auth.change(who, new Command.UserRevokeRole(user, role));
  }

  @Override
  public CompletionStage<Long> roleAdd(AuthInfo who, String name) {
    return m.auth.change(who, new Command.RoleAdd(name));
  }

  @Override
  public CompletionStage<List<Permission>> roleGet(AuthInfo who, String role) {
    return m.auth.roleGet(who, role);
  }

  @Override
  public CompletionStage<List<String>> roleList(AuthInfo who) {
    return m.auth.roleList(who);
  }

  @Override
  public CompletionStage<Long> roleDelete(AuthInfo who, String role) {
    return m.auth.change(who, new Command.RoleDelete(role));
  }

  @Override
  public CompletionStage<Long> roleGrantPermission(AuthInfo who, String role, Permission permission) {
    return m.auth.change(who, new Command.RoleGrantPermission(role, permission));
  }

  @Override
  public CompletionStage<Long> roleRevokePermission(AuthInfo who, String role, byte[] key, byte[] rangeEnd) {
    return m.auth.change(who, new Command.RoleRevokePermission(role, key == null ? new byte[0] : key,
        rangeEnd == null ? new byte[0] : rangeEnd));
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
    synchronized (this) {
      if (compaction != null) {
        compaction.close();
      }
    }
    m.started.background().shutdownNow();
    m.started.forwarding().close();
    m.auth.close();
    if (watchSync != null) {
      watchSync.close();
    }
    m.raft.close();
    m.deadlines.close();
    LOG.info("member stopped name={}", config.name());
  }
}
