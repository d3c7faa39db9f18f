package io.keel.raft.internal.compaction;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.keel.api.EtcdError;
import io.keel.api.EtcdException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/**
 * etcd's v3compactor tests (periodic_test.go, revision_test.go) on the plain-Java compactors: a
 * revision getter that moves one revision per read (etcd's fakeRevGetter), time passed in.
 */
class CompactorTest {
  private static final long HOUR = 3_600_000L;
  private static final long MINUTE = 60_000L;

  /** Each read returns the next revision: 1, 2, 3... as etcd's fakeRevGetter (rev++ then return). */
  private static final class FakeRev implements LongSupplier {
    long rev;

    @Override
    public long getAsLong() {
      return ++rev;
    }
  }

  /** Records every compaction; optionally fails (a future revision, say) or answers COMPACTED. */
  private static final class FakeCompactable implements Compactable {
    final List<Long> compacted = new ArrayList<>();
    EtcdError fail;

    @Override
    public void compact(long revision) {
      compacted.add(revision);
      if (fail != null) {
        throw new EtcdException(fail);
      }
    }
  }

  @Test
  void periodicHourly() {
    FakeRev rg = new FakeRev();
    FakeCompactable c = new FakeCompactable();
    PeriodicCompactor p = new PeriodicCompactor(2 * HOUR, rg, c);
    assertEquals(6 * MINUTE, p.retryIntervalMs());
    assertEquals(21, p.retentions());
    long now = 0;
    p.start(now);
    // nothing until two hours have passed
    for (int i = 0; i < 19; i++) {
      p.tick(now += p.retryIntervalMs(), false);
    }
    assertEquals(List.of(), c.compacted);
    p.tick(now += p.retryIntervalMs(), false);
    assertEquals(List.of(1L), c.compacted, "the first compaction, at the revision of two hours ago");
    // then one an hour, each at the revision recorded two hours earlier
    for (int hour = 1; hour <= 3; hour++) {
      for (int j = 0; j < 10; j++) {
        p.tick(now += p.retryIntervalMs(), false);
      }
      assertEquals(hour + 1, c.compacted.size());
      assertEquals(hour * 10L, c.compacted.get(hour), "compaction " + hour);
    }
  }

  @Test
  void periodicMinutes() {
    FakeRev rg = new FakeRev();
    FakeCompactable c = new FakeCompactable();
    PeriodicCompactor p = new PeriodicCompactor(5 * MINUTE, rg, c);
    assertEquals(30_000, p.retryIntervalMs());
    long now = 0;
    p.start(now);
    for (int i = 0; i < 10; i++) {
      p.tick(now += p.retryIntervalMs(), false);
    }
    assertEquals(List.of(1L), c.compacted);
    // then every 5 minutes (the period is under an hour), each at the revision of 5 minutes before
    for (int i = 0; i < 5; i++) {
      for (int j = 0; j < 10; j++) {
        p.tick(now += p.retryIntervalMs(), false);
      }
      assertEquals((i + 1) * 10L, c.compacted.get(i + 1), "compaction " + (i + 1));
    }
  }

  @Test
  void periodicPausedRecordsButDoesNotCompactUntilResumed() {
    FakeRev rg = new FakeRev();
    FakeCompactable c = new FakeCompactable();
    PeriodicCompactor p = new PeriodicCompactor(HOUR, rg, c);
    long now = 0;
    p.start(now);
    int n = p.retentions();
    for (int i = 0; i < 3 * n; i++) {
      p.tick(now += p.retryIntervalMs(), true);
    }
    assertEquals(List.of(), c.compacted, "a follower never compacts");
    // resumed: compacts at once, at the revision an hour back in the window (etcd's TestPeriodicPause)
    p.tick(now += p.retryIntervalMs(), false);
    assertEquals(List.of(1L + 2 * n + 1), c.compacted);
  }

  @Test
  void periodicRetriesAFailureAtTheNextTickAndTakesCompactedAsDone() {
    FakeRev rg = new FakeRev();
    FakeCompactable c = new FakeCompactable();
    PeriodicCompactor p = new PeriodicCompactor(10 * MINUTE, rg, c);
    long now = 0;
    p.start(now);
    c.fail = EtcdError.FUTURE_REV;
    for (int i = 0; i < 10; i++) {
      p.tick(now += p.retryIntervalMs(), false);
    }
    assertEquals(1, c.compacted.size());
    p.tick(now += p.retryIntervalMs(), false);
    assertEquals(2, c.compacted.size(), "retried one retry interval later");
    c.fail = EtcdError.COMPACTED;
    p.tick(now += p.retryIntervalMs(), false);
    assertEquals(3, c.compacted.size());
    c.fail = null;
    p.tick(now += p.retryIntervalMs(), false);
    assertEquals(3, c.compacted.size(), "COMPACTED counted as success: the next waits a compact interval");
  }

  @Test
  void revisionKeepsTheLastRetentionRevisions() {
    long[] current = {0};
    FakeCompactable c = new FakeCompactable();
    RevisionCompactor r = new RevisionCompactor(10, () -> current[0], c);
    current[0] = 1;
    r.tick(false);
    assertEquals(List.of(), c.compacted, "nothing below the retention");
    current[0] = 100;
    r.tick(false);
    assertEquals(List.of(90L), c.compacted);
    r.tick(false);
    assertEquals(List.of(90L), c.compacted, "the same revision is skipped");
    current[0] = 200;
    r.tick(false);
    assertEquals(List.of(90L, 190L), c.compacted);
  }

  @Test
  void revisionPausedThenResumed() {
    long[] current = {100};
    FakeCompactable c = new FakeCompactable();
    RevisionCompactor r = new RevisionCompactor(10, () -> current[0], c);
    r.tick(true);
    assertEquals(List.of(), c.compacted);
    r.tick(false);
    assertEquals(List.of(90L), c.compacted);
  }

  @Test
  void revisionRetriesAFailure() {
    long[] current = {100};
    FakeCompactable c = new FakeCompactable();
    c.fail = EtcdError.FUTURE_REV;
    RevisionCompactor r = new RevisionCompactor(10, () -> current[0], c);
    r.tick(false);
    r.tick(false);
    assertEquals(List.of(90L, 90L), c.compacted, "a failed revision is not remembered as done");
  }
}
