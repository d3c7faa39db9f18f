package io.keel.raft.internal.failpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class FailPointsTest {
  private final AtomicInteger panics = new AtomicInteger();

  @Test
  void countedTermsRunOutAndTheNextTakesOverAsGofailDoes() {
    FailPoints f = FailPoints.parse("raftAfterSave=2*off->panic", panics::incrementAndGet);
    f.hit("raftAfterSave");
    f.hit("raftAfterSave");
    assertEquals(0, panics.get(), "the first two hits do nothing");
    f.hit("raftAfterSave");
    assertEquals(1, panics.get(), "the third panics");
    f.hit("beforeCommit");
    assertEquals(1, panics.get(), "a point not enabled does nothing");
  }

  @Test
  void sleepHoldsTheCallerAndSeveralPointsCanBeSet() {
    FailPoints f = FailPoints.parse("beforeCommit=sleep(50);compactBeforeCommitBatch=panic", panics::incrementAndGet);
    long start = System.nanoTime();
    f.hit("beforeCommit");
    assertTrue(System.nanoTime() - start >= 50_000_000L);
    f.hit("compactBeforeCommitBatch");
    assertEquals(1, panics.get());
  }

  @Test
  void unknownPointsAndBadTermsAreRefusedWithWhatIsWrong() {
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
        () -> FailPoints.parse("raftAfterSafe=panic", panics::incrementAndGet));
    assertTrue(unknown.getMessage().contains("raftAfterSafe") && unknown.getMessage().contains("raftAfterSave"),
        unknown.getMessage());
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> FailPoints.parse("beforeCommit=explode", panics::incrementAndGet));
    assertTrue(bad.getMessage().contains("explode"), bad.getMessage());
  }

  @Test
  void noneEnabledDoesNothing() {
    FailPoints.NONE.hit("raftAfterSave");
    assertEquals(0, panics.get());
  }
}
