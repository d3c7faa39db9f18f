package io.keel.raft.internal.maintenance;

import com.alipay.sofa.jraft.Status;
import io.keel.raft.internal.RaftAccess;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When a jraft snapshot is taken: every snapshot-count applied entries (etcd's --snapshot-count),
 * one at a time, and on demand. Told of applied indexes by the state machine; inactive until
 * {@link #attach} (entries replayed before the node exists take no snapshot).
 */
public final class SnapshotTrigger {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotTrigger.class);
  private final long snapshotCount;
  private final Executor background;
  private final AtomicBoolean running = new AtomicBoolean();
  private volatile RaftAccess raft;

  /** @param background where snapshots are started: never the FSM thread, whose queue they join */
  public SnapshotTrigger(long snapshotCount, Executor background) {
    this.snapshotCount = snapshotCount;
    this.background = background;
  }

  public void attach(RaftAccess raft) {
    this.raft = raft;
  }

  /** Called by the state machine after each batch (FSM thread): snapshot once enough was applied. */
  public void applied(long appliedIndex) {
    RaftAccess r = raft;
    if (r == null || appliedIndex - r.lastSnapshotIndex() < snapshotCount || !running.compareAndSet(false, true)) {
      return;
    }
    background.execute(() -> r.node().snapshot(status -> {
      running.set(false);
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
      Status s = done.get(60, TimeUnit.SECONDS);
      if (!s.isOk()) {
        throw new IllegalStateException("snapshot failed: " + s);
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("snapshot failed", e);
    }
  }
}
