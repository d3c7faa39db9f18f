package io.keel.raft.internal;

import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.RaftGroupService;
import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.entity.Task;
import io.keel.api.EtcdException;
import io.keel.mvcc.Lessor;
import io.keel.mvcc.MvccStore;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongConsumer;

/**
 * The jraft group behind a member, and the one door to its log: {@link #apply} proposes an encoded
 * command and completes when the entry is applied (or can never be).
 */
public final class RaftAccess implements AutoCloseable {
  private final KvStateMachine fsm;
  private final Lessor lessor;
  private final CompletionPool completions = new CompletionPool("keel-complete", CompletionPool.defaultThreads());
  private final io.keel.mvcc.WatchHub watchHub;
  private volatile RaftGroupService group;
  private volatile Node node;
  private volatile com.alipay.remoting.rpc.RpcServer peerServer;

  private final io.keel.raft.internal.apply.Quota quota;
  private final io.keel.raft.internal.metrics.ServerCounters counters = new io.keel.raft.internal.metrics.ServerCounters();
  private final io.keel.raft.internal.failpoint.FailPoints failPoints =
      io.keel.raft.internal.failpoint.FailPoints.fromSystemProperty();

  /**
   * @param lessor the member's lessor, which the state machine applies lease commands to and tells
   *     of leadership; it serves whichever store the state machine holds
   * @param afterApply called with the applied index after each batch (e.g. to trigger snapshots)
   * @param quotaBackendBytes the backend quota (etcd's quota-backend-bytes)
   */
  public RaftAccess(Lessor lessor, LongConsumer afterApply, long quotaBackendBytes, io.keel.auth.AuthStore auth) {
    this.lessor = lessor;
    this.quota = new io.keel.raft.internal.apply.Quota(quotaBackendBytes, this::storeSizeBytes);
    this.fsm = new KvStateMachine(afterApply, lessor, completions, quota, auth, counters, failPoints);
    this.watchHub = new io.keel.mvcc.WatchHub(fsm.store());
    lessor.recover(fsm.store());
    fsm.onStoreReplaced(s -> {
      watchHub.attach(s);
      lessor.recover(s);
    });
  }

  private long storeSizeBytes() {
    return fsm.store().approximateSizeBytes();
  }

  /** What this member counts for its metrics (etcd_server_*, etcd_mvcc_*, etcd_disk_*). */
  /** The fail points a test enabled (none in normal use). */
  public io.keel.raft.internal.failpoint.FailPoints failPoints() {
    return failPoints;
  }

  public io.keel.raft.internal.metrics.ServerCounters counters() {
    return counters;
  }

  /** The backend quota: whether a request fits, decided the same way when proposing and applying. */
  public io.keel.raft.internal.apply.Quota quota() {
    return quota;
  }

  public io.keel.mvcc.WatchHub watchHub() {
    return watchHub;
  }

  public Lessor lessor() {
    return lessor;
  }

  public com.alipay.sofa.jraft.StateMachine stateMachine() {
    return fsm;
  }

  /** The started group and node, and the bolt server behind the peer port (its last thread ends at close). */
  public void attach(RaftGroupService group, Node node, com.alipay.remoting.rpc.RpcServer peerServer) {
    this.group = group;
    this.node = node;
    this.peerServer = peerServer;
  }

  public Node node() {
    return node;
  }

  public MvccStore store() {
    return fsm.store();
  }

  /** Replaces the (empty) store before the node starts, with restored state. */
  public void seed(MvccStore restored) {
    fsm.seed(restored);
  }

  /** The replicated auth store (changed on the FSM thread only) and this member's tokens. */
  public io.keel.auth.AuthStore auth() {
    return fsm.auth();
  }

  public Membership membership() {
    return fsm.membership();
  }

  /** etcd's v2 store (enable-v2), kept by the state machine apart from the v3 store. */
  public io.keel.raft.internal.v2store.V2Store v2() {
    return fsm.v2();
  }

  public long term() {
    return fsm.term();
  }

  public long appliedIndex() {
    return fsm.appliedIndex();
  }

  public long lastSnapshotIndex() {
    return fsm.lastSnapshotIndex();
  }

  public EtcdException toEtcd(Status status) {
    return RaftErrors.toEtcd(status);
  }

  /** Proposes {@code command} (already encoded as {@code data}); the future holds its result. */
  public CompletableFuture<Object> apply(Command command, ByteBuffer data) {
    Proposal proposal = new Proposal(command);
    Task task = new Task(data, proposal);
    node.apply(task);
    return proposal.future;
  }

  @Override
  public void close() {
    RaftGroupService g = group;
    if (g != null) {
      com.alipay.sofa.jraft.rpc.RpcClient client =
          ((com.alipay.sofa.jraft.rpc.impl.AbstractClientService) ((com.alipay.sofa.jraft.core.NodeImpl) node)
              .getRpcService()).getRpcClient();
      g.shutdown();
      try {
        g.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      BoltThreads.endConnectionEvents(client);
      BoltThreads.endConnectionEvents(peerServer);
    }
    completions.close(); // after the FSM stopped: nothing is handed over any more
  }
}
