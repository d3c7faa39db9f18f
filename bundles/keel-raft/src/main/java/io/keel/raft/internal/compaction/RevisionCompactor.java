package io.keel.raft.internal.compaction;

import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * etcd 3.4's revision compactor ({@code v3compactor.Revision}): keep the last {@code retention}
 * revisions. Every 5 minutes, unless paused (not the leader), it compacts at {@code current -
 * retention} when that is positive and not where it last compacted; a failure is retried 5
 * minutes later. Not thread-safe: {@link AutoCompaction} runs it on one thread.
 */
public final class RevisionCompactor {
  private static final Logger LOG = LoggerFactory.getLogger(RevisionCompactor.class);
  /** etcd's revInterval. */
  public static final long INTERVAL_MS = 5 * 60_000L;

  private final long retention;
  private final LongSupplier revision;
  private final Compactable compactable;
  private long previous;

  public RevisionCompactor(long retention, LongSupplier revision, Compactable compactable) {
    if (retention <= 0) {
      throw new IllegalArgumentException("retention must be positive: " + retention);
    }
    this.retention = retention;
    this.revision = revision;
    this.compactable = compactable;
  }

  /** One interval has passed; {@code paused} while this member does not lead. */
  public void tick(boolean paused) {
    if (paused) {
      return;
    }
    long rev = revision.getAsLong() - retention;
    if (rev <= 0 || rev == previous) {
      return;
    }
    LOG.info("starting auto revision compaction revision={} revision-compaction-retention={}", rev, retention);
    String failure = PeriodicCompactor.compact(compactable, rev);
    if (failure == null) {
      previous = rev;
      LOG.info("completed auto revision compaction revision={} revision-compaction-retention={}", rev, retention);
    } else {
      LOG.warn("failed auto revision compaction revision={} retry-interval={}ms error={}", rev, INTERVAL_MS, failure);
    }
  }
}
