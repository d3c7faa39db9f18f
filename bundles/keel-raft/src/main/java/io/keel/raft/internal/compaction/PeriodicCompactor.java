package io.keel.raft.internal.compaction;

import io.keel.api.EtcdError;
import io.keel.api.EtcdException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * etcd 3.4's periodic compactor ({@code v3compactor.Periodic}): keep {@code period} of history.
 *
 * <p>Every retry interval (a tenth of the period, of at most an hour) it records the current
 * revision in a sliding window that reaches {@code period} back, so the window's oldest entry is
 * "the revision {@code period} ago". The first compaction waits a whole period after start; later
 * ones come every compact interval (the period, at most an hour) after the last success, each at
 * the window's oldest revision. A failed compaction is retried at the next tick. Worked example,
 * period 2h: retry interval 6 min, window of 21 revisions; the first compaction comes 2h after
 * start at the revision recorded at start, then one every hour, each at the revision recorded two
 * hours before it. Period 5s: retry 0.5 s, window of 11, a compaction every 5 s.
 *
 * <pre>
 *   start: lastSuccess = now, record()
 *   tick (every retry interval):
 *     unless paused (not leader) or now - lastSuccess &lt; base:  base = compactInterval after the first try,
 *                                                               compact(window[0]); success -> lastSuccess = now
 *     record()
 * </pre>
 *
 * Not thread-safe: {@link AutoCompaction} runs it on one thread. Time is passed in, so tests drive it.
 */
public final class PeriodicCompactor {
  private static final Logger LOG = LoggerFactory.getLogger(PeriodicCompactor.class);
  private static final long HOUR_MS = 3_600_000L;
  /** etcd's retryDivisor. */
  private static final int RETRY_DIVISOR = 10;

  private final long periodMs;
  private final LongSupplier revision;
  private final Compactable compactable;
  private final Deque<Long> window = new ArrayDeque<>();
  private long lastSuccessMs;
  private long baseIntervalMs;

  public PeriodicCompactor(long periodMs, LongSupplier revision, Compactable compactable) {
    if (periodMs <= 0) {
      throw new IllegalArgumentException("period must be positive: " + periodMs);
    }
    this.periodMs = periodMs;
    this.revision = revision;
    this.compactable = compactable;
  }

  /** The period, at most an hour: how often compaction runs once the first period has passed. */
  long compactIntervalMs() {
    return Math.min(periodMs, HOUR_MS);
  }

  /** How often {@link #tick} is called: a tenth of the compact interval (at least 1 ms). */
  public long retryIntervalMs() {
    return Math.max(1, compactIntervalMs() / RETRY_DIVISOR);
  }

  /** How many revisions the window holds: one per retry interval over the period, plus one. */
  int retentions() {
    return (int) (periodMs / retryIntervalMs()) + 1;
  }

  public void start(long nowMs) {
    lastSuccessMs = nowMs;
    baseIntervalMs = periodMs;
    record();
  }

  /** One retry interval has passed; {@code paused} while this member does not lead. */
  public void tick(long nowMs, boolean paused) {
    if (!paused && nowMs - lastSuccessMs >= baseIntervalMs) {
      if (baseIntervalMs == periodMs) {
        baseIntervalMs = compactIntervalMs();
      }
      long rev = window.peekFirst();
      LOG.info("starting auto periodic compaction revision={} compact-period={}ms", rev, periodMs);
      String failure = compact(compactable, rev);
      if (failure == null) {
        LOG.info("completed auto periodic compaction revision={} compact-period={}ms", rev, periodMs);
        lastSuccessMs = nowMs;
      } else {
        LOG.warn("failed auto periodic compaction revision={} retry-interval={}ms error={}", rev, retryIntervalMs(),
            failure);
      }
    }
    record();
  }

  private void record() {
    window.addLast(revision.getAsLong());
    if (window.size() > retentions()) {
      window.removeFirst(); // the first is always the revision of a period ago
    }
  }

  /**
   * Compacts; null when done or already compacted there (etcd: err == nil || err == ErrCompacted),
   * else why not.
   */
  static String compact(Compactable compactable, long rev) {
    try {
      compactable.compact(rev);
      return null;
    } catch (EtcdException e) {
      return e.error() == EtcdError.COMPACTED ? null : e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    } catch (Exception e) {
      return e.toString();
    }
  }
}
