package io.keel.raft.internal.compaction;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a member's auto compactor (etcd's auto-compaction-mode and -retention) on a thread of its
 * own, {@code keel-compactor}: the compaction waits for the log, which no shared timer thread
 * should. Every member runs it, but only the leader compacts (etcd pauses the compactor on
 * followers): a compaction is a log entry, so every member compacts at the same revision. A
 * retention of 0 runs nothing. {@link #close} stops it; a new configuration gets a new one.
 */
public final class AutoCompaction implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AutoCompaction.class);
  private final ScheduledExecutorService thread;

  private AutoCompaction(ScheduledExecutorService thread) {
    this.thread = thread;
  }

  /**
   * @param mode periodic or revision
   * @param retention milliseconds (periodic) or revisions (revision); 0 turns auto compaction off
   * @param revision the store's current revision
   * @param leader whether this member leads now
   */
  public static AutoCompaction start(String mode, long retention, LongSupplier revision, Compactable compactable,
      BooleanSupplier leader) {
    if (retention == 0) {
      return new AutoCompaction(null);
    }
    ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "keel-compactor");
      t.setDaemon(true);
      return t;
    });
    if (mode.equals("revision")) {
      RevisionCompactor c = new RevisionCompactor(retention, revision, compactable);
      thread.scheduleWithFixedDelay(() -> guarded(() -> c.tick(!leader.getAsBoolean())),
          RevisionCompactor.INTERVAL_MS, RevisionCompactor.INTERVAL_MS, TimeUnit.MILLISECONDS);
    } else {
      PeriodicCompactor c = new PeriodicCompactor(retention, revision, compactable);
      long retry = c.retryIntervalMs();
      thread.execute(() -> guarded(() -> c.start(nowMs())));
      thread.scheduleWithFixedDelay(() -> guarded(() -> c.tick(nowMs(), !leader.getAsBoolean())), retry, retry,
          TimeUnit.MILLISECONDS);
    }
    LOG.info("auto compaction started mode={} retention={}{}", mode, retention, mode.equals("revision") ? "" : "ms");
    return new AutoCompaction(thread);
  }

  private static long nowMs() {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
  }

  /** A failing tick must not end the schedule (a scheduled task that throws is never run again). */
  private static void guarded(Runnable tick) {
    try {
      tick.run();
    } catch (RuntimeException e) {
      LOG.warn("auto compaction step failed: {}", e.toString(), e);
    }
  }

  @Override
  public void close() {
    if (thread == null) {
      return;
    }
    thread.shutdownNow(); // interrupts a wait for a compaction; the entry itself still applies
    try {
      if (!thread.awaitTermination(10, TimeUnit.SECONDS)) {
        LOG.warn("auto compaction thread did not stop within 10 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
