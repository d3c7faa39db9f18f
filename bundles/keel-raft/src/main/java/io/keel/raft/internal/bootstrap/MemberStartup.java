package io.keel.raft.internal.bootstrap;

import com.alipay.remoting.rpc.RpcServer;
import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.RaftGroupService;
import com.alipay.sofa.jraft.conf.Configuration;
import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.option.NodeOptions;
import com.alipay.sofa.jraft.option.RaftOptions;
import com.alipay.sofa.jraft.rpc.RaftRpcServerFactory;
import com.alipay.sofa.jraft.rpc.impl.BoltRpcServer;
import io.keel.api.config.AuthTokenSpec;
import io.keel.api.config.KeelConfig;
import io.keel.auth.AuthStore;
import io.keel.auth.JwtTokens;
import io.keel.auth.SimpleTokens;
import io.keel.mvcc.Lessor;
import io.keel.mvcc.MvccStore;
import io.keel.raft.BackupFormat;
import io.keel.raft.internal.ClusterView;
import io.keel.raft.internal.Forwarding;
import io.keel.raft.internal.Identity;
import io.keel.raft.internal.LogStorageOptions;
import io.keel.raft.internal.PeerFilter;
import io.keel.raft.internal.PeerTls;
import io.keel.raft.internal.RaftAccess;
import io.keel.raft.internal.RpcServers;
import io.keel.raft.internal.maintenance.SnapshotTrigger;
import io.keel.raft.internal.membership.PeerIds;
import io.keel.raft.internal.metrics.PeerTraffic;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a member's jraft node (etcd's bootstrap.go): the data dir's layout, the identity (kept
 * from the first start, or decided now by an {@link InitialMembership}), the store seeded from a
 * restored backup, jraft's options, the peer port (bolt RPC behind the {@link PeerFilter}) with
 * {@link Forwarding} on it, and the node itself.
 */
public final class MemberStartup {
  private static final Logger LOG = LoggerFactory.getLogger(MemberStartup.class);
  static final String GROUP = "keel";

  private MemberStartup() {}

  /**
   * What start-up built; the caller owns it. {@code background} runs timers (snapshots, leader
   * waits, periodic passes), never requests. {@code traffic} counts the peer port's bytes.
   */
  public record Started(KeelConfig config, RaftAccess raft, Identity identity, Forwarding forwarding,
      PeerFilter peerFilter, ScheduledExecutorService background, SnapshotTrigger snapshots, Path restoreFile,
      boolean restored, PeerTraffic traffic) {}

  /**
   * Starts the node; {@code leaderSide} answers what followers forward here (it may be bound later,
   * but must answer from the moment the peer port is open).
   */
  public static Started start(KeelConfig config, InitialMembership decision, Forwarding.Leader leaderSide)
      throws IOException {
    // decided at the first start, read back (initial-* flags ignored) afterwards
    Identity kept = Identity.load(config);
    PeerId self = PeerIds.peerId(config.initialAdvertisePeerUrls().get(0));

    Path raftDir = config.dataDir().toAbsolutePath().resolve("raft");
    Files.createDirectories(raftDir.resolve("log"));
    Files.createDirectories(raftDir.resolve("meta"));
    Files.createDirectories(raftDir.resolve("snapshot"));

    ScheduledExecutorService background = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "keel-background");
      t.setDaemon(true);
      return t;
    });
    SnapshotTrigger snapshots = new SnapshotTrigger(config.snapshotCount(), background);
    Lessor lessor = new Lessor(System::nanoTime,
        Lessor.minTtlSeconds(config.electionTimeoutMs(), config.heartbeatIntervalMs()));
    RaftAccess raft = new RaftAccess(lessor, snapshots::applied, config.quotaBackendBytes(),
        authStore(config));
    Path restoreFile = config.dataDir().toAbsolutePath().resolve("restore").resolve("kv.snap");
    boolean restored = seedFromRestore(raftDir, restoreFile, raft);

    URI listenPeer = config.listenPeerUrls().get(0);
    PeerFilter peerFilter = new PeerFilter();
    PeerTls peerTls = PeerTls.open(config);
    PeerTraffic traffic = new PeerTraffic(raft.counters().appends);
    RpcServer boltServer = new RpcServer(PeerIds.peerId(listenPeer).getIp(), listenPeer.getPort(), true);
    PeerTls.serve(boltServer, peerTls, traffic);
    com.alipay.sofa.jraft.rpc.RpcServer rpcServer = RpcServers.endingAppendThreads(
        RpcServers.notingSenders(peerFilter.wrap(new BoltRpcServer(boltServer)), traffic));
    RaftRpcServerFactory.addRaftRequestProcessors(RpcServers.readIndexInIoThread(rpcServer));
    Forwarding forwarding = Forwarding.start(rpcServer, leaderSide, peerFilter::blocks,
        Math.max(5_000L, config.electionTimeoutMs() * 5L), peerTls, traffic);
    Identity identity;
    try {
      identity = kept != null ? kept : decision.decide(config,
          peer -> forwarding.clusterView(PeerIds.peerId(peer)).thenApply(ClusterView.class::cast));
      if (kept == null) {
        identity.keep(config);
      }
    } catch (IOException | RuntimeException e) {
      forwarding.close();
      background.shutdownNow();
      throw e;
    }
    raft.membership().seed(identity);
    NodeOptions opts = nodeOptions(config, raftDir, raft);
    // a member joining a running cluster starts with no configuration: the leader adds it (jraft
    // uses this only while its log holds no configuration)
    opts.setInitialConf(config.initialClusterState().equals("existing") ? new Configuration()
        : new Configuration(identity.bootstrap().values().stream()
            .map(b -> PeerIds.peerId(b.peerUrls().get(0))).toList()));
    RaftGroupService group = new RaftGroupService(GROUP, self, opts, rpcServer);
    Node node = group.start();
    if (node == null) {
      forwarding.close();
      background.shutdownNow();
      throw new IOException("raft node failed to start; see the log above (peer port " + listenPeer + " in use?)");
    }
    // before its first election timeout: its votes and replication go over TLS, and are counted
    PeerTls.dial(node, peerTls, traffic);
    forwarding.sendAs(identity.memberId());
    raft.attach(group, node, boltServer);
    snapshots.attach(raft);
    LOG.info("member started name={} id={} cluster={} peer={}", config.name(), Long.toHexString(identity.memberId()),
        Long.toHexString(identity.clusterId()), self);
    return new Started(config, raft, identity, forwarding, peerFilter, background, snapshots, restoreFile, restored,
        traffic);
  }

  /**
   * Seeded by {@code bin/keel snapshot restore}: every member of the new cluster starts from the
   * same state (only while its log is empty), then a Raft snapshot captures it for members that
   * join later ({@link #settle}).
   */
  /** The auth store with the token provider {@code auth-token} names (a JWT key that cannot be read fails the start). */
  private static AuthStore authStore(KeelConfig config) {
    SimpleTokens simple = new SimpleTokens(config.authTokenTtlSeconds(), System::nanoTime);
    AuthTokenSpec spec = AuthTokenSpec.parse(config.authToken());
    if (!spec.isJwt()) {
      return new AuthStore(simple);
    }
    JwtTokens jwt = JwtTokens.create(spec, System::currentTimeMillis);
    LOG.info("auth tokens: JWT signed with {}{}", spec.signMethod(), jwt.verifyOnly() ? " (verify only: no private key)" : "");
    return new AuthStore(simple, jwt);
  }

  private static boolean seedFromRestore(Path raftDir, Path restoreFile, RaftAccess raft) throws IOException {
    boolean freshLog;
    try (Stream<Path> files = Files.list(raftDir.resolve("log"))) {
      freshLog = files.findAny().isEmpty();
    }
    if (!freshLog || !Files.exists(restoreFile)) {
      return false;
    }
    io.keel.raft.internal.SnapshotFile.Restored restored = BackupFormat.restoreAll(restoreFile);
    raft.seed(restored.store());
    raft.auth().restore(restored.auth());
    LOG.info("store seeded from {} revision={}", restoreFile, raft.store().currentRevision());
    return true;
  }

  private static NodeOptions nodeOptions(KeelConfig config, Path raftDir, RaftAccess raft) {
    NodeOptions opts = new NodeOptions();
    opts.setElectionTimeoutMs(config.electionTimeoutMs());
    opts.setLogUri(raftDir.resolve("log").toString());
    opts.setRaftMetaUri(raftDir.resolve("meta").toString());
    opts.setSnapshotUri(raftDir.resolve("snapshot").toString());
    opts.setFsm(raft.stateMachine());
    // the Raft log's appends are timed: etcd_disk_wal_fsync_duration_seconds
    io.keel.raft.internal.metrics.ServerCounters counters = raft.counters();
    opts.setServiceFactory(new com.alipay.sofa.jraft.core.DefaultJRaftServiceFactory() {
      @Override
      public com.alipay.sofa.jraft.storage.LogStorage createLogStorage(String uri,
          com.alipay.sofa.jraft.option.RaftOptions raftOptions) {
        return new io.keel.raft.internal.metrics.TimedLogStorage(super.createLogStorage(uri, raftOptions), counters,
            raft.failPoints());
      }
    });
    opts.setSnapshotIntervalSecs(3600);
    // jraft's own election, vote, step-down and snapshot timers are wheel timers, one thread each
    // ticking every millisecond even while idle (4,000 wake-ups a second per member, competing with
    // the request path for the cores); the shared ones are scheduled executors that sleep until
    // the next deadline. Their deadlines are tens of milliseconds or more, so nothing is lost.
    opts.setSharedElectionTimer(true);
    opts.setSharedVoteTimer(true);
    opts.setSharedStepDownTimer(true);
    opts.setSharedSnapshotTimer(true);
    RaftOptions raftOptions = new RaftOptions();
    raftOptions.setSync(true); // never answer a write before it is on disk
    raftOptions.setElectionHeartbeatFactor(Math.max(2, config.electionTimeoutMs() / config.heartbeatIntervalMs()));
    // Up to 128 proposals (and ReadIndex requests) per batch instead of 32: under load one log append
    // and one ReadIndex round instead of four (the fsync is shared by whatever is queued either way);
    // a lone request still goes at once.
    raftOptions.setApplyBatch(128);
    raftOptions.setOpenStatistics(false); // RocksDB's statistics cost every log write; nothing reads them
    opts.setRaftOptions(raftOptions);
    LogStorageOptions.register(); // smaller RocksDB memtables for the log
    return opts;
  }

  /**
   * Once started: waits (bounded) until a leader is known, then, for a member seeded from a
   * restore, snapshots the restored state and sets the restore file aside.
   */
  public static void settle(Started s) throws IOException {
    awaitLeader(s.raft(), s.config().electionTimeoutMs() * 10L);
    if (!s.restored()) {
      return;
    }
    try {
      s.snapshots().snapshotNow();
      Files.move(s.restoreFile(), s.restoreFile().resolveSibling("kv.snap.applied"),
          StandardCopyOption.REPLACE_EXISTING);
    } catch (InterruptedException | RuntimeException e) {
      LOG.warn("could not snapshot the restored state yet: {}", e.toString());
    }
  }

  private static void awaitLeader(RaftAccess raft, long timeoutMs) {
    long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
    while (true) {
      // read once a pass: jraft answers null while there is no leader, and one can be lost between two reads
      com.alipay.sofa.jraft.entity.PeerId leader = raft.node().getLeaderId();
      if (leader != null && !leader.isEmpty()) {
        return;
      }
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
}
