package io.keel.raft.internal.metrics;

import io.keel.api.metrics.Histogram;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the member counts as it works, each a lock-free adder: one object per member, outliving the
 * stores a snapshot may replace. Read at scrape time by {@link ServerMetrics}.
 */
public final class ServerCounters {
  /** etcd's slow-apply warning threshold (warnApplyDuration): 100 ms. */
  public static final long SLOW_APPLY_NANOS = 100_000_000L;

  public final LongAdder leaderChanges = new LongAdder();
  public final LongAdder proposalsPending = new LongAdder();
  public final LongAdder proposalsFailed = new LongAdder();
  public final LongAdder slowApplies = new LongAdder();
  public final LongAdder puts = new LongAdder();
  public final LongAdder deletes = new LongAdder();
  public final LongAdder ranges = new LongAdder();
  public final LongAdder txns = new LongAdder();
  public final LongAdder leasesGranted = new LongAdder();
  public final LongAdder forwardedProposals = new LongAdder();
  /** etcd's v2 server and leader stats: appends received and sent, follower latencies. */
  public final AppendStats appends = new AppendStats();
  /** the Raft log's appends, each synced to disk before it returns (jraft's sync=true). */
  public final Histogram walFsync = Histogram.exponential(0.001, 2, 14);
  /** applying a batch of committed entries to the store. */
  public final Histogram backendCommit = Histogram.exponential(0.001, 2, 14);
  /** entries per applied batch (jraft's batching). */
  public final Histogram applyBatch = Histogram.exponential(1, 2, 10);
}
