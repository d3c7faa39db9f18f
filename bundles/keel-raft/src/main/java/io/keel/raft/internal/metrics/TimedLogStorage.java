package io.keel.raft.internal.metrics;

import com.alipay.sofa.jraft.entity.LogEntry;
import com.alipay.sofa.jraft.option.LogStorageOptions;
import com.alipay.sofa.jraft.storage.LogStorage;
import com.alipay.sofa.jraft.util.Describer;
import java.util.List;

/**
 * jraft's log storage, timing each append: with sync=true an append returns once the entries are
 * fsynced, so its duration is etcd's WAL fsync latency (etcd_disk_wal_fsync_duration_seconds).
 */
public final class TimedLogStorage implements LogStorage, Describer {
  private final LogStorage delegate;
  private final ServerCounters counters;
  private final io.keel.raft.internal.failpoint.FailPoints failPoints;

  public TimedLogStorage(LogStorage delegate, ServerCounters counters,
      io.keel.raft.internal.failpoint.FailPoints failPoints) {
    this.delegate = delegate;
    this.counters = counters;
    this.failPoints = failPoints;
  }

  @Override
  public boolean appendEntry(LogEntry entry) {
    failPoints.hit("raftBeforeSave");
    long start = System.nanoTime();
    boolean ok;
    try {
      ok = delegate.appendEntry(entry);
    } finally {
      counters.walFsync.observeNanos(System.nanoTime() - start);
    }
    failPoints.hit("raftAfterSave");
    return ok;
  }

  @Override
  public int appendEntries(List<LogEntry> entries) {
    failPoints.hit("raftBeforeSave");
    long start = System.nanoTime();
    int appended;
    try {
      appended = delegate.appendEntries(entries);
    } finally {
      counters.walFsync.observeNanos(System.nanoTime() - start);
    }
    failPoints.hit("raftAfterSave");
    return appended;
  }

  @Override
  public boolean init(LogStorageOptions opts) {
    return delegate.init(opts);
  }

  @Override
  public void shutdown() {
    delegate.shutdown();
  }

  @Override
  public long getFirstLogIndex() {
    return delegate.getFirstLogIndex();
  }

  @Override
  public long getLastLogIndex() {
    return delegate.getLastLogIndex();
  }

  @Override
  public LogEntry getEntry(long index) {
    return delegate.getEntry(index);
  }

  @Override
  public long getTerm(long index) {
    return delegate.getTerm(index);
  }

  @Override
  public boolean truncatePrefix(long firstIndexKept) {
    return delegate.truncatePrefix(firstIndexKept);
  }

  @Override
  public boolean truncateSuffix(long lastIndexKept) {
    return delegate.truncateSuffix(lastIndexKept);
  }

  @Override
  public boolean reset(long nextLogIndex) {
    return delegate.reset(nextLogIndex);
  }

  @Override
  public void describe(Printer out) {
    if (delegate instanceof Describer d) {
      d.describe(out);
    }
  }
}
