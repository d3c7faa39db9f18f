package io.keel.raft.internal;

import com.alipay.sofa.jraft.Closure;
import com.alipay.sofa.jraft.Iterator;
import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.core.StateMachineAdapter;
import com.alipay.sofa.jraft.entity.LeaderChangeContext;
import com.alipay.sofa.jraft.error.RaftError;
import com.alipay.sofa.jraft.error.RaftException;
import com.alipay.sofa.jraft.storage.snapshot.SnapshotReader;
import com.alipay.sofa.jraft.storage.snapshot.SnapshotWriter;
import io.keel.api.EtcdException;
import io.keel.mvcc.Lessor;
import io.keel.mvcc.MvccStore;
import io.keel.raft.internal.apply.Applier;
import io.keel.raft.internal.apply.Quota;
import java.io.IOException;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies committed log entries to the MVCC store, one at a time, in log order, on jraft's single
 * FSM thread. Invariants: the store is only ever mutated here (or replaced wholesale from a
 * snapshot); {@link #appliedIndex} is the index of the last entry reflected in the store. A client
 * error (an {@link EtcdException}) is part of the entry's deterministic outcome and is returned to
 * the proposer; any other exception means replicas could diverge, so the FSM is halted.
 */
final class KvStateMachine extends StateMachineAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(KvStateMachine.class);
  private final Membership membership = new Membership();

  private volatile MvccStore store = new MvccStore();
  private volatile long appliedIndex;
  private volatile long term;
  private volatile long lastSnapshotIndex;
  private final LongConsumer afterApply;
  private final Lessor lessor;
  private final java.util.concurrent.Executor completions;
  /** The applier chain every committed command goes through (FSM thread only). */
  private final Applier applier;
  private volatile java.util.function.Consumer<MvccStore> storeReplaced = s -> {};
  private final io.keel.auth.AuthStore auth;
  /** Writes snapshots off the FSM thread, one at a time. */
  private final java.util.concurrent.ExecutorService snapshotWriter = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "keel-snapshot-writer");
    t.setDaemon(true);
    return t;
  });
  /** etcd's v2 store (enable-v2), apart from the v3 keyspace; written only here, from the log */
  private final io.keel.raft.internal.v2store.V2Store v2 = new io.keel.raft.internal.v2store.V2Store(System::currentTimeMillis);
  private final io.keel.raft.internal.metrics.ServerCounters counters;
  private final io.keel.raft.internal.failpoint.FailPoints failPoints;
  /** the index of the entry being applied (FSM thread only) */
  private long applyingIndex;

  /**
   * @param afterApply called with the applied index after each batch (e.g. to trigger snapshots)
   * @param completions runs the closures of applied entries, so that answering the proposers (encoding
   *     and sending their replies) does not hold up this thread; see {@link CompletionPool}
   * @param quota the backend quota, checked again at apply time
   */
  KvStateMachine(LongConsumer afterApply, Lessor lessor, java.util.concurrent.Executor completions, Quota quota,
      io.keel.auth.AuthStore auth, io.keel.raft.internal.metrics.ServerCounters counters,
      io.keel.raft.internal.failpoint.FailPoints failPoints) {
    this.counters = counters;
    this.failPoints = failPoints;
    this.afterApply = afterApply;
    this.lessor = lessor;
    this.completions = completions;
    this.auth = auth;
    this.applier = Applier.chain(new BackendApplier(this::store, lessor, membership, auth, v2, () -> applyingIndex,
        counters, failPoints),
        membership::noSpace, quota, auth,
        id -> lessor.lease(id).map(io.keel.mvcc.LeaseInfo::keys).orElse(java.util.List.of()));
  }

  io.keel.auth.AuthStore auth() {
    return auth;
  }

  io.keel.raft.internal.v2store.V2Store v2() {
    return v2;
  }

  /** Closures handed to {@link #completions} per task: fewer hand-offs, yet a big batch uses every core. */
  static final int COMPLETIONS_PER_TASK = 32;
  private boolean handedOver; // FSM thread only: whether this batch already handed closures over

  /** Told of the new store when a snapshot replaces the state wholesale. */
  void onStoreReplaced(java.util.function.Consumer<MvccStore> listener) {
    this.storeReplaced = listener;
  }

  MvccStore store() {
    return store;
  }

  void seed(MvccStore restored) {
    store = restored;
    storeReplaced.accept(restored);
  }

  Membership membership() {
    return membership;
  }

  long appliedIndex() {
    return appliedIndex;
  }

  long term() {
    return term;
  }

  long lastSnapshotIndex() {
    return lastSnapshotIndex;
  }

  @Override
  public void onApply(Iterator iter) {
    long started = System.nanoTime();
    long first = iter.getIndex();
    long applied = -1;
    java.util.List<Closure> done = new java.util.ArrayList<>();
    handedOver = false;
    failPoints.hit("beforeCommit");
    try {
      applied = applyAll(iter, done);
      failPoints.hit("afterCommit");
    } finally {
      // the entries of these closures are applied (even if a later one halted the FSM): answer them
      if (!handedOver) {
        // fewer than COMPLETIONS_PER_TASK: answered here. Measured on 2 cores shared with the
        // clients, a hand-off of small batches added a thread wake-up to every reply's latency and
        // freed this thread of almost nothing; only big batches (hundreds of clients) are worth it
        for (Closure c : done) {
          c.run(Status.OK());
        }
      } else {
        complete(done);
      }
    }
    long took = System.nanoTime() - started;
    counters.backendCommit.observeNanos(took);
    if (took > io.keel.raft.internal.metrics.ServerCounters.SLOW_APPLY_NANOS) {
      counters.slowApplies.increment();
    }
    if (applied > 0) {
      counters.applyBatch.observe(applied - first + 1);
      afterApply.accept(applied);
    }
  }

  /**
   * Applies the iterator's entries in order; collects their closures into {@code completed}, handing
   * them to {@link #completions} every {@link #COMPLETIONS_PER_TASK}. Returns the last applied index, or
   * -1 if nothing was applied or the state machine halted.
   */
  private long applyAll(Iterator iter, java.util.List<Closure> completed) {
    long applied = -1;
    while (iter.hasNext()) {
      Closure done = iter.done();
      Proposal proposal = done instanceof Proposal p ? p : null;
      Command command;
      Object result = null;
      EtcdException error = null;
      try {
        command = proposal != null ? proposal.command : CommandCodec.decode(iter.getData());
        applyingIndex = iter.getIndex();
        result = Applier.apply(applier, command);
      } catch (EtcdException e) {
        error = e;
      } catch (RuntimeException e) {
        LOG.error("apply failed, halting the state machine index={} term={}", iter.getIndex(), iter.getTerm(), e);
        iter.setErrorAndRollback(1, new Status(RaftError.ESTATEMACHINE, "apply failed at index %d: %s",
            iter.getIndex(), e));
        return -1; // halted: no afterApply, as for a batch that applied nothing
      }
      applied = iter.getIndex();
      appliedIndex = applied;
      if (proposal != null) {
        proposal.setOutcome(result, error);
      }
      if (done != null) {
        completed.add(done);
        if (completed.size() == COMPLETIONS_PER_TASK) {
          complete(completed);
        }
      }
      iter.next();
    }
    return applied;
  }

  /** Runs (elsewhere) the closures of applied entries, then empties the list. */
  private void complete(java.util.List<Closure> closures) {
    if (closures.isEmpty()) {
      return;
    }
    Closure[] batch = closures.toArray(new Closure[0]);
    closures.clear();
    handedOver = true;
    completions.execute(() -> {
      for (Closure c : batch) {
        c.run(Status.OK());
      }
    });
  }

  /**
   * Freezes the state at the applied index here, on the FSM thread (cheap: a revision, the lease
   * table, and the immutable member and auth states), and writes it on {@link #snapshotWriter} while
   * the log goes on being applied, so a snapshot of a large store never stalls writes. jraft takes
   * one snapshot at a time and waits for {@code done}.
   */
  @Override
  public void onSnapshotSave(SnapshotWriter writer, Closure done) {
    long index = appliedIndex;
    long started = System.nanoTime();
    io.keel.mvcc.StoreView view = store.view();
    Membership.State members = membership.state();
    java.util.Map<Long, Long> checkpoints = lessor.checkpoints();
    io.keel.auth.AuthState authState = auth.state();
    // the v2 store goes in only once it was written (index > 0), so snapshots of v3-only members
    // stay as earlier builds wrote them; it is small, so it is serialized here
    byte[] v2State = v2.index() > 0 ? v2.save() : null;
    long frozenMicros = (System.nanoTime() - started) / 1_000;
    try {
      snapshotWriter.execute(() -> {
        try (view) {
          failPoints.hit("raftBeforeSaveSnap");
          SnapshotFile.save(writer, view, members, checkpoints, authState, v2State);
          failPoints.hit("raftAfterSaveSnap");
        } catch (IOException | RuntimeException e) {
          LOG.error("snapshot save failed path={}", writer.getPath(), e);
          done.run(new Status(RaftError.EIO, "snapshot save failed: %s", e));
          return;
        }
        lastSnapshotIndex = index;
        LOG.info("snapshot saved index={} revision={} in {} ms (the FSM thread was held {} µs)", index, view.revision(),
            (System.nanoTime() - started) / 1_000_000, frozenMicros);
        done.run(Status.OK());
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      view.close();
      done.run(new Status(RaftError.ESTOP, "the member is shutting down"));
    }
  }

  @Override
  public void onShutdown() {
    snapshotWriter.shutdown(); // a snapshot being written still completes (jraft waits for it)
  }

  @Override
  public boolean onSnapshotLoad(SnapshotReader reader) {
    SnapshotFile.Contents loaded;
    failPoints.hit("raftBeforeApplySnap");
    try {
      loaded = SnapshotFile.load(reader);
    } catch (IOException e) {
      LOG.error("snapshot load failed path={}", reader.getPath(), e);
      return false;
    }
    store = loaded.store();
    auth.restore(loaded.auth());
    if (loaded.v2() != null) {
      v2.recover(loaded.v2());
    } else {
      v2.recover(new io.keel.raft.internal.v2store.V2Store(System::currentTimeMillis).save());
    }
    if (loaded.members() != null) {
      membership.restore(loaded.members());
      lessor.restoreCheckpoints(loaded.checkpoints());
    }
    storeReplaced.accept(store);
    long index = reader.load().getLastIncludedIndex();
    appliedIndex = index;
    lastSnapshotIndex = index;
    LOG.info("snapshot loaded index={} revision={}", index, store.currentRevision());
    failPoints.hit("raftAfterApplySnap");
    return true;
  }

  @Override
  public void onLeaderStart(long term) {
    this.term = term;
    counters.leaderChanges.increment();
    counters.appends.leaderChanged();
    lessor.promote();
    LOG.info("became leader term={}", term);
  }

  @Override
  public void onLeaderStop(Status status) {
    lessor.demote();
    LOG.info("stepped down status={}", status);
  }

  @Override
  public void onStartFollowing(LeaderChangeContext ctx) {
    this.term = ctx.getTerm();
    counters.leaderChanges.increment();
    counters.appends.leaderChanged();
    LOG.info("following leader={} term={}", ctx.getLeaderId(), ctx.getTerm());
  }

  @Override
  public void onError(RaftException e) {
    LOG.error("raft node stopped on error; this member needs an operator status={}", e.getStatus(), e);
  }

}
