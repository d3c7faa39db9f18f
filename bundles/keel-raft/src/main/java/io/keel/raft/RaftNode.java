package io.keel.raft;

import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.RaftGroupService;
import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.closure.ReadIndexClosure;
import com.alipay.sofa.jraft.conf.Configuration;
import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.option.NodeOptions;
import com.alipay.sofa.jraft.option.RaftOptions;
import com.alipay.sofa.jraft.rpc.RaftRpcServerFactory;
import com.alipay.sofa.jraft.rpc.RpcServer;
import com.alipay.sofa.jraft.rpc.impl.BoltRpcServer;
import io.keel.api.Alarm;
import io.keel.api.EtcdError;
import io.keel.api.EtcdException;
import io.keel.api.KeelServer;
import io.keel.api.Member;
import io.keel.api.ResponseHeader;
import io.keel.api.ServerStatus;
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
import io.keel.mvcc.MvccStore;
import io.keel.mvcc.RequestChecks;
import io.keel.raft.internal.Command;
import io.keel.raft.internal.ClusterView;
import io.keel.raft.internal.CommandCodec;
import io.keel.raft.internal.Identity;
import io.keel.raft.internal.Membership;
import io.keel.raft.internal.RaftAccess;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Keel member: a SOFAJRaft node whose state machine is the MVCC store.
 *
 * <p>Write path: validate, encode the command on the caller's thread, {@code Node.apply} (jraft
 * batches, replicates and fsyncs a quorum), the state machine applies it in log order and completes
 * the caller's future. Linearizable reads take a ReadIndex and read once the state machine has
 * applied up to it; serializable reads read local state at once.
 *
 * <p>Lifecycle: {@link #start} binds the peer port and starts the node; {@link #close} stops it.
 */
public final class RaftNode implements KeelServer, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RaftNode.class);
  static final String GROUP = "keel";
  /** The etcd API version Keel implements; clients gate features on it. */
  public static final String ETCD_VERSION = "3.4.0";

  private final KeelConfig config;
  private final RaftAccess raft;
  private final long memberId;
  private final Identity identity;
  private final Reconfiguration reconfiguration;
  private final ExecutorService snapshotTrigger; // also runs the lease expiry tick
  private final AtomicBoolean snapshotRunning = new AtomicBoolean();
  private volatile ExecutorService watchSync;
  private volatile io.keel.raft.internal.Forwarding forwarding;
  private final java.util.concurrent.ScheduledExecutorService scheduler;

  private RaftNode(KeelConfig config, RaftAccess raft, Identity identity,
      java.util.concurrent.ScheduledExecutorService snapshotTrigger) {
    this.config = config;
    this.raft = raft;
    this.identity = identity;
    this.memberId = identity.memberId();
    this.snapshotTrigger = snapshotTrigger;
    this.scheduler = snapshotTrigger;
    this.reconfiguration = new Reconfiguration(config, raft, memberId, snapshotTrigger, this::afterLeader,
        leaderWaitNanos());
  }

  /** Starts this member from its configuration and waits (bounded) until a leader is known. */
  public static RaftNode start(KeelConfig config) throws IOException {
    // decided at the first start, read back (initial-* flags ignored) afterwards
    Identity kept = Identity.load(config);
    PeerId self = Reconfiguration.peerId(config.initialAdvertisePeerUrls().get(0));

    Path raftDir = config.dataDir().toAbsolutePath().resolve("raft");
    Files.createDirectories(raftDir.resolve("log"));
    Files.createDirectories(raftDir.resolve("meta"));
    Files.createDirectories(raftDir.resolve("snapshot"));

    java.util.concurrent.ScheduledExecutorService snapshotTrigger = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "keel-background");
      t.setDaemon(true);
      return t;
    });
    RaftNode[] holder = new RaftNode[1];
    Path restoreFile = config.dataDir().toAbsolutePath().resolve("restore").resolve("kv.snap");
    RaftAccess raft = new RaftAccess(index -> {
      RaftNode n = holder[0];
      if (n != null) {
        n.maybeSnapshot(index);
      }
    });

    boolean freshLog;
    try (java.util.stream.Stream<Path> files = Files.list(raftDir.resolve("log"))) {
      freshLog = files.findAny().isEmpty();
    }
    if (freshLog && Files.exists(restoreFile)) {
      // seeded by `bin/keel snapshot restore`: every member of the new cluster starts from the
      // same state, then a Raft snapshot captures it for members that join later
      try (java.io.InputStream in = new java.io.BufferedInputStream(Files.newInputStream(restoreFile))) {
        raft.seed(BackupFormat.restore(in));
      }
      LOG.info("store seeded from {} revision={}", restoreFile, raft.store().currentRevision());
    }
    NodeOptions opts = new NodeOptions();
    opts.setElectionTimeoutMs(config.electionTimeoutMs());
    opts.setLogUri(raftDir.resolve("log").toString());
    opts.setRaftMetaUri(raftDir.resolve("meta").toString());
    opts.setSnapshotUri(raftDir.resolve("snapshot").toString());
    opts.setFsm(raft.stateMachine());
    opts.setSnapshotIntervalSecs(3600);
    RaftOptions raftOptions = new RaftOptions();
    raftOptions.setSync(true); // never answer a write before it is on disk
    raftOptions.setElectionHeartbeatFactor(Math.max(2, config.electionTimeoutMs() / config.heartbeatIntervalMs()));
    // Up to 128 proposals (and ReadIndex requests) per batch instead of 32: under load one log append
    // and one ReadIndex round instead of four (the fsync is shared by whatever is queued either way);
    // a lone request still goes at once.
    raftOptions.setApplyBatch(128);
    raftOptions.setOpenStatistics(false); // RocksDB's statistics cost every log write; nothing reads them
    opts.setRaftOptions(raftOptions);
    io.keel.raft.internal.LogStorageOptions.register(); // smaller RocksDB memtables for the log

    URI listenPeer = config.listenPeerUrls().get(0);
    String bindIp = Reconfiguration.peerId(listenPeer).getIp();
    io.keel.raft.internal.PeerFilter peerFilter = new io.keel.raft.internal.PeerFilter();
    RpcServer rpcServer = peerFilter.wrap(
        new BoltRpcServer(new com.alipay.remoting.rpc.RpcServer(bindIp, listenPeer.getPort(), true)));
    RaftRpcServerFactory.addRaftRequestProcessors(rpcServer);
    io.keel.raft.internal.Forwarding forwarding = io.keel.raft.internal.Forwarding.start(rpcServer,
        new io.keel.raft.internal.Forwarding.Leader() {
          @Override
          public CompletionStage<Object> proposeLocally(Command command, byte[] encoded) {
            return raft.apply(command, ByteBuffer.wrap(encoded));
          }

          @Override
          public CompletionStage<Long> renewLocally(long leaseId) {
            RaftNode n = holder[0];
            return n == null ? CompletableFuture.failedFuture(EtcdError.NO_LEADER.exception()) : n.renewHere(leaseId);
          }

          @Override
          public long remainingLocally(long leaseId) {
            return raft.store().lease(leaseId).map(l -> raft.lessor().remainingSeconds(leaseId, l.ttlSeconds()))
                .orElse(-1L);
          }

          @Override
          public CompletionStage<?> administerLocally(Command change) {
            RaftNode n = holder[0];
            return n == null ? CompletableFuture.failedFuture(EtcdError.NO_LEADER.exception())
                : n.reconfiguration.administerLocally(change);
          }

          @Override
          public CompletionStage<ClusterView> clusterView() {
            RaftNode n = holder[0];
            return n == null ? CompletableFuture.failedFuture(EtcdError.STOPPED.exception())
                : CompletableFuture.completedFuture(new ClusterView(n.header(0).clusterId(), n.members()));
          }
        }, peerFilter::blocks, Math.max(5_000L, config.electionTimeoutMs() * 5L));
    Identity identity;
    try {
      identity = kept != null ? kept : firstStart(config, forwarding, self);
      if (kept == null) {
        identity.keep(config);
      }
    } catch (IOException | RuntimeException e) {
      forwarding.close();
      snapshotTrigger.shutdownNow();
      throw e;
    }
    raft.membership().seed(identity);
    // a member joining a running cluster starts with no configuration: the leader adds it (jraft
    // uses this only while its log holds no configuration)
    opts.setInitialConf(config.initialClusterState().equals("existing") ? new Configuration()
        : new Configuration(new ArrayList<>(identity.bootstrap().values().stream()
            .map(b -> Reconfiguration.peerId(b.peerUrls().get(0))).toList())));
    RaftGroupService group = new RaftGroupService(GROUP, self, opts, rpcServer);
    Node node = group.start();
    if (node == null) {
      forwarding.close();
      snapshotTrigger.shutdownNow();
      throw new IOException("raft node failed to start; see the log above (peer port " + listenPeer + " in use?)");
    }
    raft.attach(group, node);
    RaftNode keel = new RaftNode(config, raft, identity, snapshotTrigger);
    keel.peerFilter = peerFilter;
    holder[0] = keel;
    keel.forwarding = forwarding;
    keel.reconfiguration.forwardVia(forwarding);
    snapshotTrigger.scheduleWithFixedDelay(keel::expireLeases, 100, 100, java.util.concurrent.TimeUnit.MILLISECONDS);
    snapshotTrigger.scheduleWithFixedDelay(keel::membershipPass, 1, 1, java.util.concurrent.TimeUnit.SECONDS);
    snapshotTrigger.scheduleWithFixedDelay(keel::checkpointLeases, LEASE_CHECKPOINT_MS, LEASE_CHECKPOINT_MS,
        java.util.concurrent.TimeUnit.MILLISECONDS);
    java.util.concurrent.ScheduledExecutorService watchSync = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "keel-watch-sync");
      t.setDaemon(true);
      return t;
    });
    keel.watchSync = watchSync;
    watchSync.scheduleWithFixedDelay(keel::syncWatchers, 20, 20, java.util.concurrent.TimeUnit.MILLISECONDS);
    LOG.info("member started name={} id={} cluster={} peer={}", config.name(), Long.toHexString(identity.memberId()),
        Long.toHexString(identity.clusterId()), self);
    keel.awaitLeader(config.electionTimeoutMs() * 10L);
    if (freshLog && Files.exists(restoreFile)) {
      try {
        keel.snapshotNow();
        Files.move(restoreFile, restoreFile.resolveSibling("kv.snap.applied"),
            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      } catch (InterruptedException | RuntimeException e) {
        LOG.warn("could not snapshot the restored state yet: {}", e.toString());
      }
    }
    keel.publish();
    return keel;
  }

  /**
   * The identity of a data dir's first start: for a new cluster, from the flags; for a member
   * joining a running one, from the cluster's member list, asked of the members in initial-cluster
   * (bounded; etcd fails the same way when none answers).
   */
  private static Identity firstStart(KeelConfig config, io.keel.raft.internal.Forwarding forwarding, PeerId self)
      throws IOException {
    Identity flags = Identity.fromFlags(config);
    if (config.initialClusterState().equals("new")) {
      return flags;
    }
    List<PeerId> peers = flags.bootstrap().values().stream().map(b -> Reconfiguration.peerId(b.peerUrls().get(0)))
        .filter(p -> !p.equals(self)).toList();
    long deadline = System.nanoTime() + Math.max(10_000L, config.electionTimeoutMs() * 10L) * 1_000_000L;
    while (true) {
      for (PeerId peer : peers) {
        try {
          ClusterView view = (ClusterView) forwarding.clusterView(peer).get(2, java.util.concurrent.TimeUnit.SECONDS);
          return Identity.joining(config, view.clusterId(), view.members());
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
          LOG.debug("no cluster information from {}: {}", peer, e.toString());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while fetching the cluster from its members", e);
        }
      }
      if (System.nanoTime() > deadline) {
        throw new IOException("cannot fetch cluster info from peer urls: could not retrieve cluster information from"
            + " the given URLs " + peers);
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while fetching the cluster from its members", e);
      }
    }
  }

  private void awaitLeader(long timeoutMs) {
    long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
    while (raft.node().getLeaderId() == null || raft.node().getLeaderId().isEmpty()) {
      if (System.nanoTime() > deadline) {
        LOG.warn("no leader yet after {} ms; serving anyway, requests fail until one is elected", timeoutMs);
        return;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static String urlString(URI u) {
    return u.toString();
  }

  // ---------------------------------------------------------------- KV

  @Override
  public CompletionStage<RangeResponse> range(RangeRequest request) {
    try {
      RequestChecks.checkRange(request);
    } catch (EtcdException e) {
      return CompletableFuture.failedFuture(e);
    }
    if (removed()) {
      return CompletableFuture.failedFuture(EtcdError.STOPPED.exception());
    }
    if (request.serializable()) {
      return readNow(request);
    }
    CompletableFuture<RangeResponse> result = new CompletableFuture<>();
    raft.node().readIndex(null, new ReadIndexClosure() {
      @Override
      public void run(Status status, long index, byte[] reqCtx) {
        if (!status.isOk()) {
          result.completeExceptionally(raft.toEtcd(status));
          return;
        }
        try {
          result.complete(store().range(request));
        } catch (RuntimeException e) {
          result.completeExceptionally(e);
        }
      }
    });
    return result;
  }

  private CompletionStage<RangeResponse> readNow(RangeRequest request) {
    try {
      return CompletableFuture.completedFuture(store().range(request));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public CompletionStage<PutResponse> put(PutRequest request) {
    return checkThenPropose(() -> RequestChecks.checkPut(request), new Command.Put(request), PutResponse.class);
  }

  @Override
  public CompletionStage<DeleteRangeResponse> deleteRange(DeleteRangeRequest request) {
    return checkThenPropose(() -> RequestChecks.checkDeleteRange(request), new Command.DeleteRange(request),
        DeleteRangeResponse.class);
  }

  @Override
  public CompletionStage<TxnResponse> txn(TxnRequest request) {
    return checkThenPropose(() -> RequestChecks.checkTxn(request, config.maxTxnOps()), new Command.Txn(request),
        TxnResponse.class);
  }

  /** Runs etcd's request checks (which throw its errors), then proposes the command. */
  private <T> CompletionStage<T> checkThenPropose(Runnable checks, Command command, Class<T> type) {
    try {
      checks.run();
    } catch (EtcdException e) {
      return CompletableFuture.failedFuture(e);
    }
    return propose(command, type);
  }

  @Override
  public CompletionStage<CompactionResponse> compact(CompactionRequest request) {
    return propose(new Command.Compact(request), CompactionResponse.class);
  }

  private <T> CompletionStage<T> propose(Command command, Class<T> type) {
    byte[] data = CommandCodec.encode(command);
    if (data.length > config.maxRequestBytes()) {
      return CompletableFuture.failedFuture(EtcdError.REQUEST_TOO_LARGE.exception());
    }
    if (consumesSpace(command) && store().approximateSizeBytes() + data.length > config.quotaBackendBytes()) {
      // etcd raises NOSPACE through the log and refuses the request
      if (raft.membership().alarms().stream().noneMatch(a -> a.getKey() == memberId && a.getValue() == NOSPACE)) {
        Command.AlarmChange raise = new Command.AlarmChange(true, memberId, NOSPACE);
        route(raise, CommandCodec.encode(raise), System.nanoTime() + leaderWaitNanos());
        LOG.warn("backend quota exceeded, NOSPACE alarm raised size={} quota={}", store().approximateSizeBytes(),
            config.quotaBackendBytes());
      }
      return CompletableFuture.failedFuture(EtcdError.NO_SPACE.exception());
    }
    return route(command, data, System.nanoTime() + leaderWaitNanos()).thenApply(type::cast);
  }

  private static final int NOSPACE = Alarm.Type.NOSPACE.ordinal();

  private static boolean consumesSpace(Command command) {
    if (command instanceof Command.Put || command instanceof Command.LeaseGrant) {
      return true;
    }
    return command instanceof Command.Txn t && hasPut(t.request());
  }

  private static boolean hasPut(TxnRequest t) {
    for (List<io.keel.api.kv.RequestOp> branch : List.of(t.success(), t.failure())) {
      for (io.keel.api.kv.RequestOp op : branch) {
        if (op instanceof PutRequest || (op instanceof TxnRequest inner && hasPut(inner))) {
          return true;
        }
      }
    }
    return false;
  }

  // ---------------------------------------------------------------- alarms

  @Override
  public List<Alarm> alarms() {
    return raft.membership().alarms().stream()
        .map(a -> new Alarm(a.getKey(), Alarm.Type.values()[a.getValue()])).toList();
  }

  @Override
  public CompletionStage<List<Alarm>> alarm(boolean activate, long member, Alarm.Type type) {
    Command.AlarmChange change = new Command.AlarmChange(activate, member, type.ordinal());
    return route(change, CommandCodec.encode(change), System.nanoTime() + leaderWaitNanos())
        .thenApply(r -> alarms());
  }

  /** How long a request waits for a leader during an election before failing with "no leader". */
  private long leaderWaitNanos() {
    return config.electionTimeoutMs() * 3L * 1_000_000L;
  }

  /**
   * The leader applies locally; a follower forwards to the leader; with no leader the request
   * waits (bounded, without holding a thread) and then fails with etcd's "no leader".
   */
  private CompletableFuture<Object> route(Command command, byte[] data, long deadline) {
    if (removed()) {
      return CompletableFuture.failedFuture(EtcdError.STOPPED.exception());
    }
    Node n = raft.node();
    if (n.isLeader()) {
      return raft.apply(command, ByteBuffer.wrap(data));
    }
    PeerId leader = n.getLeaderId();
    if (leader != null && !leader.isEmpty()) {
      return forwarding.command(leader, data);
    }
    return afterLeader(deadline).thenCompose(ignored -> route(command, data, deadline));
  }

  /** Completes once a leader is known, or fails with NO_LEADER at the deadline. */
  private CompletableFuture<Void> afterLeader(long deadline) {
    CompletableFuture<Void> ready = new CompletableFuture<>();
    Runnable[] check = new Runnable[1];
    check[0] = () -> {
      PeerId leader = raft.node().getLeaderId();
      if (leader != null && !leader.isEmpty()) {
        ready.complete(null);
      } else if (System.nanoTime() > deadline) {
        ready.completeExceptionally(EtcdError.NO_LEADER.exception());
      } else {
        try {
          scheduler.schedule(check[0], 20, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
          ready.completeExceptionally(EtcdError.STOPPED.exception());
        }
      }
    };
    check[0].run();
    return ready;
  }

  /** Announces this member's name and client URLs through the log; retried until it lands. */
  private void publish() {
    long proposedClusterId = identity.clusterId();
    Command.Publish p = new Command.Publish(memberId, config.name(),
        config.advertiseClientUrls().stream().map(RaftNode::urlString).toList(), proposedClusterId);
    Membership.Attributes current = raft.membership().get(memberId);
    if (current != null && current.name().equals(p.name()) && current.clientUrls().equals(p.clientUrls())) {
      return;
    }
    byte[] data = CommandCodec.encode(p);
    route(p, data, System.nanoTime() + leaderWaitNanos()).whenComplete((r, e) -> {
      if (e != null) {
        LOG.debug("publish failed, retrying: {}", e.toString());
        try {
          scheduler.schedule(this::publish, 500, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
          // shutting down
        }
      } else {
        LOG.info("published name={} clientUrls={}", p.name(), p.clientUrls());
      }
    });
  }

  // ---------------------------------------------------------------- leases

  /** etcd's MaxLeaseTTL: 9,000,000,000 seconds. */
  static final long MAX_LEASE_TTL = 9_000_000_000L;

  /** etcd's minimum lease TTL: 1.5 election timeouts (in whole heartbeat ticks), rounded up to seconds. */
  long minLeaseTtlSeconds() {
    long ticks = config.electionTimeoutMs() / config.heartbeatIntervalMs();
    long minMs = (3 * ticks / 2) * config.heartbeatIntervalMs();
    return (minMs + 999) / 1000;
  }

  @Override
  public CompletionStage<io.keel.api.lease.LeaseGrant> leaseGrant(long id, long ttlSeconds) {
    if (ttlSeconds > MAX_LEASE_TTL) {
      return CompletableFuture.failedFuture(EtcdError.LEASE_TTL_TOO_LARGE.exception());
    }
    long ttl = Math.max(ttlSeconds, minLeaseTtlSeconds());
    long leaseId = id != 0 ? id : newLeaseId();
    if (leaseId < 0) {
      // etcd's lease IDs are positive int64s; a negative one can never be found again by etcdctl
      return CompletableFuture.failedFuture(EtcdError.LEASE_NOT_FOUND.exception());
    }
    return propose(new Command.LeaseGrant(leaseId, ttl), Long.class)
        .thenApply(revision -> new io.keel.api.lease.LeaseGrant(revision, leaseId, ttl));
  }

  private long newLeaseId() {
    long candidate;
    do {
      candidate = java.util.concurrent.ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE;
    } while (candidate == 0 || store().leaseExists(candidate));
    return candidate;
  }

  @Override
  public CompletionStage<Long> leaseRevoke(long id) {
    return propose(new Command.LeaseRevoke(id), Long.class);
  }

  @Override
  public CompletionStage<Long> leaseRenew(long id) {
    if (!raft.node().isLeader()) {
      PeerId leader = raft.node().getLeaderId();
      if (leader == null || leader.isEmpty()) {
        return CompletableFuture.failedFuture(EtcdError.NO_LEADER.exception());
      }
      return forwarding.renew(leader, id).thenApply(Long.class::cast);
    }
    return renewHere(id);
  }

  /** Renews on this member, which must be the leader (the primary lessor). */
  CompletionStage<Long> renewHere(long id) {
    if (!raft.node().isLeader()) {
      return CompletableFuture.failedFuture(EtcdError.LEADER_CHANGED.exception());
    }
    java.util.Optional<io.keel.mvcc.LeaseInfo> lease = store().lease(id);
    if (lease.isEmpty()) {
      return CompletableFuture.failedFuture(EtcdError.LEASE_NOT_FOUND.exception());
    }
    raft.lessor().renew(id, lease.get().ttlSeconds());
    return CompletableFuture.completedFuture(lease.get().ttlSeconds());
  }

  @Override
  public CompletionStage<io.keel.api.lease.LeaseTimeToLive> leaseTimeToLive(long id, boolean withKeys) {
    if (raft.node().isLeader()) {
      return CompletableFuture.completedFuture(timeToLive(id, withKeys, null));
    }
    PeerId leader = raft.node().getLeaderId();
    if (leader == null || leader.isEmpty()) {
      return CompletableFuture.failedFuture(EtcdError.NO_LEADER.exception());
    }
    // only the leader's clock knows how much time is left; the rest is read here once this member
    // has applied everything the leader had committed (a ReadIndex), as etcd forwards it whole
    return forwarding.remaining(leader, id).thenCompose(r -> linearized().thenApply(
        ignored -> timeToLive(id, withKeys, (Long) r)));
  }

  private io.keel.api.lease.LeaseTimeToLive timeToLive(long id, boolean withKeys, Long remainingFromLeader) {
    MvccStore s = store();
    long revision = s.currentRevision();
    java.util.Optional<io.keel.mvcc.LeaseInfo> lease = s.lease(id);
    if (lease.isEmpty() || (remainingFromLeader != null && remainingFromLeader < 0)) {
      return new io.keel.api.lease.LeaseTimeToLive(revision, id, -1, 0, List.of());
    }
    io.keel.mvcc.LeaseInfo l = lease.get();
    long remaining = remainingFromLeader != null ? remainingFromLeader
        : raft.lessor().remainingSeconds(id, l.ttlSeconds());
    return new io.keel.api.lease.LeaseTimeToLive(revision, id, remaining, l.ttlSeconds(),
        withKeys ? l.keys() : List.of());
  }

  /** Completes once this member has applied everything committed when it was called (ReadIndex). */
  private CompletableFuture<Void> linearized() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    raft.node().readIndex(null, new ReadIndexClosure() {
      @Override
      public void run(Status status, long index, byte[] reqCtx) {
        if (status.isOk()) {
          done.complete(null);
        } else {
          done.completeExceptionally(raft.toEtcd(status));
        }
      }
    });
    return done;
  }

  @Override
  public CompletionStage<List<Long>> leases() {
    return CompletableFuture.completedFuture(store().leases().stream().map(io.keel.mvcc.LeaseInfo::id).toList());
  }

  /** How often the leader records remaining lease TTLs in the log. */
  static final long LEASE_CHECKPOINT_MS = 5_000;

  /**
   * The leader's checkpoint: remaining TTLs go through the log so that a new leader (or this one
   * after a restart) continues each lease's clock instead of granting it a full TTL again.
   */
  private void checkpointLeases() {
    try {
      if (!raft.node().isLeader()) {
        return;
      }
      long[][] remaining = raft.lessor().snapshotRemaining(1000);
      if (remaining[0].length == 0) {
        return;
      }
      Command.LeaseCheckpoint cp = new Command.LeaseCheckpoint(remaining[0], remaining[1]);
      raft.apply(cp, ByteBuffer.wrap(CommandCodec.encode(cp)));
    } catch (RuntimeException e) {
      LOG.warn("lease checkpoint failed", e);
    }
  }

  /** The primary lessor's tick: propose a revoke for every lease past its deadline. */
  private void expireLeases() {
    try {
      if (!raft.node().isLeader()) {
        return;
      }
      for (long id : raft.lessor().expired()) {
        propose(new Command.LeaseRevoke(id), Long.class).whenComplete((rev, err) -> {
          if (err != null) {
            raft.lessor().revokeFailed(id);
            LOG.warn("lease revoke on expiry failed id={} error={}", Long.toHexString(id), err.toString());
          } else {
            LOG.debug("lease expired id={} revision={}", Long.toHexString(id), rev);
          }
        });
      }
    } catch (RuntimeException e) {
      LOG.error("lease expiry tick failed", e);
    }
  }

  // ---------------------------------------------------------------- maintenance

  @Override
  public CompletionStage<io.keel.api.HashKv> hashKv(long revision) {
    MvccStore s = store();
    long current = s.currentRevision();
    long rev = revision <= 0 ? current : revision;
    if (rev > current) {
      return CompletableFuture.failedFuture(EtcdError.FUTURE_REV.exception());
    }
    if (rev < s.compactRevision()) {
      return CompletableFuture.failedFuture(EtcdError.COMPACTED.exception());
    }
    return CompletableFuture.completedFuture(new io.keel.api.HashKv(current, (int) s.hashKv(rev), s.compactRevision()));
  }

  @Override
  public CompletionStage<byte[]> backup() {
    // a linearizable point first, so the backup holds every write acknowledged before the call
    return linearized().thenApply(ignored -> {
      try {
        return BackupFormat.backup(store());
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
  }

  @Override
  public CompletionStage<Void> defragment() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    raft.node().snapshot(status -> {
      // OK also when nothing was applied since the last snapshot: then there is nothing to reclaim.
      // EBUSY means a snapshot is already being taken, which does the same work.
      if (status.isOk() || status.getRaftError() == com.alipay.sofa.jraft.error.RaftError.EBUSY) {
        done.complete(null);
      } else {
        LOG.warn("defragment: snapshot failed status={}", status);
        done.completeExceptionally(raft.toEtcd(status));
      }
    });
    return done;
  }

  // ---------------------------------------------------------------- watch

  @Override
  public io.keel.api.watch.Watch watch(io.keel.api.watch.WatchSpec spec, io.keel.api.watch.WatchSink sink) {
    return raft.watchHub().watch(spec, sink);
  }

  private void syncWatchers() {
    try {
      raft.watchHub().syncUnsynced();
    } catch (RuntimeException e) {
      LOG.error("watch catch-up pass failed", e);
    }
  }

  // ---------------------------------------------------------------- cluster facts

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
    return reconfiguration.members();
  }

  // ---------------------------------------------------------------- reconfiguration

  @Override
  public CompletionStage<io.keel.api.MemberChange> memberAdd(List<String> peerUrls, boolean isLearner) {
    return reconfiguration.add(peerUrls, isLearner);
  }

  @Override
  public CompletionStage<io.keel.api.MemberChange> memberRemove(long id) {
    return reconfiguration.remove(id);
  }

  @Override
  public CompletionStage<io.keel.api.MemberChange> memberPromote(long id) {
    return reconfiguration.promote(id);
  }

  @Override
  public CompletionStage<io.keel.api.MemberChange> memberUpdate(long id, List<String> peerUrls) {
    return reconfiguration.update(id, peerUrls);
  }

  @Override
  public CompletionStage<Void> moveLeader(long targetId) {
    return reconfiguration.moveLeader(targetId);
  }

  /**
   * jraft's configuration as this member knows it: voters as host:port, then learners as
   * "host:port (learner)".
   */
  public List<String> raftConfiguration() {
    return reconfiguration.raftConfiguration();
  }

  /** Every second: the leader reconciles jraft with the member table; a removed member stops. */
  private void membershipPass() {
    reconfiguration.reconcile();
    if (raft.membership().isRemoved(memberId) && !raft.node().isLeader()) {
      stopAsRemoved();
    }
    PeerId leader = raft.node().getLeaderId();
    if (leader != null && !leader.isEmpty()) {
      leaderlessPasses = 0;
    } else if (++leaderlessPasses % 3 == 0) {
      askWhetherRemoved();
    }
  }

  private int leaderlessPasses; // membership pass thread only

  /**
   * A member removed while it was down never sees its removal in the log (the others no longer
   * replicate to it) and finds no leader; like etcd, it learns it from another member, and stops.
   */
  private void askWhetherRemoved() {
    long clusterId = header(0).clusterId();
    for (Member m : members()) {
      if (m.id() == memberId || m.peerUrls().isEmpty()) {
        continue;
      }
      PeerId peer = Reconfiguration.peerId(m.peerUrls().get(0));
      forwarding.clusterView(peer).whenComplete((answer, error) -> {
        if (answer instanceof ClusterView view && view.clusterId() == clusterId
            && view.members().stream().noneMatch(x -> x.id() == memberId)) {
          stopAsRemoved();
        }
      });
      return; // one member a pass is enough
    }
  }

  private synchronized void stopAsRemoved() {
    if (!removedFromCluster) {
      removedFromCluster = true;
      LOG.warn("the member has been permanently removed from the cluster; it stops serving");
      whenRemoved.run();
    }
  }

  private volatile io.keel.raft.internal.PeerFilter peerFilter;

  /**
   * Cuts this member's links with these peers ("host:port" of their peer URLs), or heals them all
   * with an empty set: a network partition for tests that run a cluster in one JVM. Cut both ways
   * (on this member and on those peers) for a real partition.
   */
  public void cutLinks(java.util.Set<String> peerEndpoints) {
    peerFilter.block(peerEndpoints);
  }

  private volatile boolean removedFromCluster;

  /** A member that applied its own removal serves nothing more. */
  private boolean removed() {
    return removedFromCluster || raft.membership().isRemoved(memberId);
  }
  private volatile Runnable whenRemoved = () -> {};

  /** Runs {@code action} once this member sees itself removed from the cluster (etcd then exits). */
  public void whenRemoved(Runnable action) {
    this.whenRemoved = action;
  }

  @Override
  public ServerStatus status() {
    Node node = raft.node();
    PeerId leaderPeer = node.getLeaderId();
    Member leader = reconfiguration.memberAt(leaderPeer);
    long size = store().approximateSizeBytes();
    return new ServerStatus(ETCD_VERSION, size, size, leader == null ? 0 : leader.id(),
        node.getLastCommittedIndex(), raft.term(), node.getLastAppliedLogIndex(),
        isLearner(),
        alarms().stream().map(a -> "memberID:" + Long.toUnsignedString(a.memberId()) + " alarm:" + a.type()).toList());
  }

  @Override
  public boolean isLearner() {
    return reconfiguration.selfIsLearner();
  }

  /** Whether this member currently leads the cluster. */
  public boolean isLeader() {
    return raft.node().isLeader();
  }

  /** The member's name as configured. */
  public String name() {
    return config.name();
  }

  private MvccStore store() {
    return raft.store();
  }

  // ---------------------------------------------------------------- snapshots

  /** Triggers a jraft snapshot once snapshot-count entries were applied since the last one. */
  private void maybeSnapshot(long appliedIndex) {
    if (appliedIndex - raft.lastSnapshotIndex() < config.snapshotCount()
        || !snapshotRunning.compareAndSet(false, true)) {
      return;
    }
    // Never from the FSM thread: node.snapshot enqueues to the FSM's own queue.
    snapshotTrigger.execute(() -> raft.node().snapshot(status -> {
      snapshotRunning.set(false);
      if (!status.isOk()) {
        LOG.warn("snapshot failed status={}", status);
      }
    }));
  }

  /** Takes a snapshot now and waits for it (bounded); for tests and maintenance. */
  public void snapshotNow() throws InterruptedException {
    CompletableFuture<Status> done = new CompletableFuture<>();
    raft.node().snapshot(done::complete);
    try {
      Status s = done.get(60, java.util.concurrent.TimeUnit.SECONDS);
      if (!s.isOk()) {
        throw new IllegalStateException("snapshot failed: " + s);
      }
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("snapshot failed", e);
    }
  }

  @Override
  public void close() {
    snapshotTrigger.shutdownNow();
    if (forwarding != null) {
      forwarding.close();
    }
    if (watchSync != null) {
      watchSync.shutdownNow();
    }
    raft.close();
    LOG.info("member stopped name={}", config.name());
  }
}
