package io.keel.mvcc;

import static io.keel.mvcc.Kv.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.api.EtcdError;
import io.keel.api.lease.LeaseTimeToLive;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.PrimitiveIterator;
import java.util.concurrent.CompletableFuture;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The lessor on a fake clock: grants, renewals, expiry, checkpoints, promotion, key attachment. */
class LessorTest {
  private final FakeClock clock = new FakeClock();
  private final MvccStore store = new MvccStore();
  private final Lessor lessor = lessor(clock, store, 2);

  private static Lessor lessor(FakeClock clock, MvccStore store, long minTtl) {
    Lessor l = new Lessor(clock, minTtl);
    l.recover(store);
    return l;
  }

  /** Proposals that stay in flight until the test completes them. */
  private static final class PendingRevokes implements Lessor.Revoker {
    final List<Long> asked = new ArrayList<>();
    final List<CompletableFuture<Long>> outcomes = new ArrayList<>();

    @Override
    public CompletableFuture<Long> revoke(long id) {
      asked.add(id);
      CompletableFuture<Long> f = new CompletableFuture<>();
      outcomes.add(f);
      return f;
    }
  }

  private static final Lessor.Revoker NEVER = id -> {
    throw new AssertionError("nothing should expire, yet " + id + " did");
  };

  private record Checkpoint(long[] ids, long[] remainingMs) {}

  private static Checkpoint checkpointOf(Lessor l) {
    Checkpoint[] taken = new Checkpoint[1];
    l.checkpointScheduled((ids, ms) -> taken[0] = new Checkpoint(ids, ms));
    return taken[0];
  }

  @ParameterizedTest(name = "election {0} ms, heartbeat {1} ms -> {2} s")
  @CsvSource({"1000, 100, 2", "1000, 300, 2", "5000, 100, 8", "3000, 1000, 4", "100, 100, 1"})
  void minimumTtlIsOneAndAHalfElectionTimeoutsInWholeTicksRoundedUp(long electionMs, long heartbeatMs, long min) {
    assertEquals(min, Lessor.minTtlSeconds(electionMs, heartbeatMs));
  }

  @Test
  void grantRaisesShortTtlsToTheMinimumAndRefusesTooLargeOnes() {
    Lessor l = lessor(clock, store, 5);
    assertEquals(new Lessor.Grant(7, 5), l.prepareGrant(7, 1));
    assertEquals(new Lessor.Grant(7, 5), l.prepareGrant(7, 0));
    assertEquals(new Lessor.Grant(7, 60), l.prepareGrant(7, 60));
    assertEquals(new Lessor.Grant(7, Lessor.MAX_TTL_SECONDS), l.prepareGrant(7, Lessor.MAX_TTL_SECONDS));
    assertError(EtcdError.LEASE_TTL_TOO_LARGE, () -> l.prepareGrant(7, Lessor.MAX_TTL_SECONDS + 1));
    assertError(EtcdError.LEASE_NOT_FOUND, () -> l.prepareGrant(-7, 60));
  }

  @Test
  void grantWithoutAnIdPicksAFreePositiveOne() {
    lessor.grant(42, 60);
    PrimitiveIterator.OfLong draws = LongStream.of(0, 42, -5L).iterator();
    Lessor l = new Lessor(clock, 2, draws::nextLong);
    l.recover(store);
    // 0 is no lease and 42 is taken; -5 becomes positive by dropping the sign bit
    assertEquals(new Lessor.Grant(-5L & Long.MAX_VALUE, 10), l.prepareGrant(0, 10));
  }

  @Test
  void appliedGrantChecksAsEtcdDoes() {
    lessor.grant(3, 10);
    assertError(EtcdError.LEASE_EXIST, () -> lessor.grant(3, 5));
    assertError(EtcdError.LEASE_NOT_FOUND, () -> lessor.grant(0, 5));
    assertError(EtcdError.LEASE_TTL_TOO_LARGE, () -> lessor.grant(4, Lessor.MAX_TTL_SECONDS + 1));
    assertEquals(List.of(3L), lessor.leases());
    assertEquals(10, lessor.lease(3).orElseThrow().ttlSeconds());
  }

  @Test
  void leaseExpiresOnceTheClockPassesItsDeadline() {
    lessor.grant(1, 10);
    lessor.grant(2, 20);
    lessor.promote();
    clock.advanceMs(9_999);
    assertEquals(List.of(), lessor.revokeExpired(NEVER));
    clock.advanceMs(1);
    PendingRevokes revokes = new PendingRevokes();
    assertEquals(List.of(1L), lessor.revokeExpired(revokes));
    assertEquals(List.of(1L), revokes.asked);
    clock.advanceMs(10_000);
    assertEquals(List.of(2L), lessor.revokeExpired(revokes), "1 is not asked again while its revoke is in flight");
  }

  @Test
  void expiredLeasesAreHandedOverInIdOrder() {
    for (long id : new long[] {30, 4, 17}) {
      lessor.grant(id, 5);
    }
    lessor.promote();
    clock.advanceMs(5_000);
    PendingRevokes revokes = new PendingRevokes();
    assertEquals(List.of(4L, 17L, 30L), lessor.revokeExpired(revokes));
    assertEquals(List.of(4L, 17L, 30L), revokes.asked);
  }

  @Test
  void appliedRevokeForgetsTheLease() {
    lessor.grant(1, 10);
    lessor.promote();
    clock.advanceMs(10_000);
    PendingRevokes revokes = new PendingRevokes();
    lessor.revokeExpired(revokes);
    lessor.revoke(1); // the revoke command applied
    revokes.outcomes.get(0).complete(store.currentRevision());
    assertEquals(List.of(), lessor.revokeExpired(NEVER));
    assertEquals(-1, lessor.remainingSeconds(1));
    assertError(EtcdError.LEASE_NOT_FOUND, () -> lessor.revoke(1));
  }

  @Test
  void failedRevokeIsTriedAgainAtTheNextStep() {
    lessor.grant(1, 10);
    lessor.promote();
    clock.advanceMs(10_000);
    PendingRevokes revokes = new PendingRevokes();
    lessor.revokeExpired(revokes);
    assertEquals(List.of(), lessor.revokeExpired(revokes), "in flight");
    revokes.outcomes.get(0).completeExceptionally(EtcdError.LEADER_CHANGED.exception());
    assertEquals(List.of(1L), lessor.revokeExpired(revokes));
    assertEquals(List.of(1L, 1L), revokes.asked);
  }

  @Test
  void revokerThatThrowsStillHandsOverTheOthersAndIsRetried() {
    lessor.grant(1, 5);
    lessor.grant(2, 5);
    lessor.promote();
    clock.advanceMs(5_000);
    List<Long> asked = new ArrayList<>();
    IllegalStateException boom = new IllegalStateException("boom");
    IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> lessor.revokeExpired(id -> {
      asked.add(id);
      if (id == 1) {
        throw boom;
      }
      return new CompletableFuture<>();
    }));
    assertEquals(boom, thrown);
    assertEquals(List.of(1L, 2L), asked);
    assertEquals(List.of(1L), lessor.revokeExpired(new PendingRevokes()), "1 again; 2 still in flight");
  }

  @Test
  void renewRestartsTheClock() {
    lessor.grant(1, 10);
    lessor.promote();
    clock.advanceMs(6_000);
    assertEquals(4, lessor.remainingSeconds(1));
    assertEquals(10, lessor.renew(1));
    assertEquals(10, lessor.remainingSeconds(1));
    clock.advanceMs(9_999);
    assertEquals(List.of(), lessor.revokeExpired(NEVER), "the renewal moved the deadline");
    clock.advanceMs(1);
    assertEquals(List.of(1L), lessor.revokeExpired(new PendingRevokes()));
    assertError(EtcdError.LEASE_NOT_FOUND, () -> lessor.renew(2));
  }

  @Test
  void remainingSecondsAreTruncatedAndNeverNegative() {
    lessor.grant(1, 10);
    lessor.promote();
    clock.advanceMs(1_500);
    assertEquals(8, lessor.remainingSeconds(1), "8.5 s left reads 8, as etcd truncates");
    clock.advanceMs(20_000);
    assertEquals(0, lessor.remainingSeconds(1));
  }

  @Test
  void checkpointRecordsRemainingMillisecondsOfEveryLease() {
    lessor.grant(2, 60);
    lessor.grant(1, 10);
    lessor.promote();
    clock.advanceMs(3_500);
    Checkpoint cp = checkpointOf(lessor);
    assertArrayEquals(new long[] {1, 2}, cp.ids());
    assertArrayEquals(new long[] {6_500, 56_500}, cp.remainingMs());
    clock.advanceMs(10_000);
    assertArrayEquals(new long[] {0, 46_500}, checkpointOf(lessor).remainingMs(), "an overdue lease has 0 left");
  }

  @Test
  void checkpointTakesAtMostABatchOfTheLowestIds() {
    for (long id = Lessor.MAX_CHECKPOINT_LEASES + 1; id >= 1; id--) {
      lessor.grant(id, 60);
    }
    lessor.promote();
    Checkpoint cp = checkpointOf(lessor);
    assertEquals(Lessor.MAX_CHECKPOINT_LEASES, cp.ids().length);
    assertEquals(1, cp.ids()[0]);
    assertEquals(Lessor.MAX_CHECKPOINT_LEASES, cp.ids()[cp.ids().length - 1]);
  }

  @Test
  void onlyThePrimaryCheckpoints() {
    lessor.grant(1, 10);
    assertEquals(null, checkpointOf(lessor), "never promoted");
    lessor.promote();
    lessor.demote();
    assertEquals(null, checkpointOf(lessor), "demoted");
    lessor.promote();
    lessor.revoke(1);
    assertEquals(null, checkpointOf(lessor), "no leases");
  }

  @Test
  void promotionContinuesFromCheckpointsAndGivesTheRestTheirFullTtl() {
    // the old leader's view: two leases, 10 s into their 30 s
    lessor.grant(1, 30);
    lessor.grant(2, 30);
    lessor.promote();
    clock.advanceMs(10_000);
    Checkpoint cp = checkpointOf(lessor);
    assertArrayEquals(new long[] {20_000, 20_000}, cp.remainingMs());

    // a follower applied both grants, then a checkpoint that names only lease 1
    FakeClock followerClock = new FakeClock();
    Lessor follower = lessor(followerClock, new MvccStore(), 2);
    follower.grant(1, 30);
    follower.grant(2, 30);
    follower.checkpoint(new long[] {1}, new long[] {cp.remainingMs()[0]});
    followerClock.advanceMs(7_000); // the election takes a while; the clock resumes at promotion
    follower.promote();
    assertTrue(follower.isPrimary());
    assertEquals(20, follower.remainingSeconds(1), "continued from the checkpoint");
    assertEquals(30, follower.remainingSeconds(2), "never checkpointed: full TTL");
    followerClock.advanceMs(20_000);
    PendingRevokes revokes = new PendingRevokes();
    assertEquals(List.of(1L), follower.revokeExpired(revokes));
  }

  @Test
  void demotionStopsExpiry() {
    lessor.grant(1, 10);
    lessor.promote();
    lessor.demote();
    assertFalse(lessor.isPrimary());
    clock.advanceMs(60_000);
    assertEquals(List.of(), lessor.revokeExpired(NEVER));
    lessor.promote(); // no checkpoint was recorded: the lease runs its full TTL again
    assertEquals(10, lessor.remainingSeconds(1));
    assertEquals(List.of(), lessor.revokeExpired(NEVER));
  }

  @Test
  void demotionForgetsRevokesInFlight() {
    lessor.grant(1, 10);
    lessor.promote();
    clock.advanceMs(10_000);
    lessor.revokeExpired(new PendingRevokes());
    lessor.demote();
    lessor.checkpoint(new long[] {1}, new long[] {0});
    lessor.promote();
    assertEquals(List.of(1L), lessor.revokeExpired(new PendingRevokes()), "the new term proposes it again");
  }

  @Test
  void checkpointsRoundTripThroughASnapshotAndGoWithTheirLease() {
    lessor.grant(5, 60);
    lessor.grant(3, 60);
    lessor.checkpoint(new long[] {5, 3}, new long[] {1_000, 2_000});
    assertEquals(Map.of(3L, 2_000L, 5L, 1_000L), lessor.checkpoints());
    assertEquals(List.of(3L, 5L), List.copyOf(lessor.checkpoints().keySet()), "ascending IDs");
    lessor.revoke(5);
    assertEquals(Map.of(3L, 2_000L), lessor.checkpoints());

    Lessor restarted = lessor(clock, store, 2);
    restarted.restoreCheckpoints(lessor.checkpoints());
    restarted.promote();
    assertEquals(2, restarted.remainingSeconds(3));
  }

  @Test
  void keysAttachOnPutAndDetachOnOverwriteDeleteAndRevoke() {
    lessor.grant(1, 60);
    lessor.grant(2, 60);
    store.put(putLease("b", "1", 1));
    store.put(putLease("a", "1", 1));
    store.put(putLease("c", "1", 1));
    assertEquals(List.of("a", "b", "c"), keysOf(1));
    store.put(putLease("a", "2", 2)); // moves a to lease 2
    store.put(put("b", "2")); // a put without a lease detaches
    store.deleteRange(del("c"));
    assertEquals(List.of(), keysOf(1));
    assertEquals(List.of("a"), keysOf(2));
    store.put(putLease("d", "1", 2)); // revision 8
    long revision = lessor.revoke(2);
    assertEquals(9, revision, "both keys deleted at one new revision");
    assertEquals(List.of("b"), keys(store.range(all()).kvs()));
    assertEquals(List.of(1L), lessor.leases());
    assertError(EtcdError.LEASE_NOT_FOUND, () -> store.put(putLease("e", "1", 2)));
  }

  @Test
  void timeToLiveByThisClockOrTheLeaders() {
    lessor.grant(1, 30);
    store.put(putLease("k", "v", 1));
    lessor.promote();
    clock.advanceMs(12_000);
    LeaseTimeToLive local = lessor.timeToLive(1, true);
    assertEquals(List.of(2L, 1L, 18L, 30L), List.of(local.revision(), local.id(), local.ttlSeconds(),
        local.grantedTtlSeconds()));
    assertEquals(List.of("k"), local.keys().stream().map(Kv::s).toList());
    assertEquals(List.of(), lessor.timeToLive(1, false).keys());

    LeaseTimeToLive fromLeader = lessor.timeToLive(1, false, 7);
    assertEquals(List.of(7L, 30L), List.of(fromLeader.ttlSeconds(), fromLeader.grantedTtlSeconds()));
    LeaseTimeToLive goneAtLeader = lessor.timeToLive(1, true, -1);
    assertEquals(List.of(-1L, 0L), List.of(goneAtLeader.ttlSeconds(), goneAtLeader.grantedTtlSeconds()));
    assertEquals(List.of(), goneAtLeader.keys());
    LeaseTimeToLive unknown = lessor.timeToLive(9, true);
    assertEquals(List.of(-1L, 0L), List.of(unknown.ttlSeconds(), unknown.grantedTtlSeconds()));
  }

  @Test
  void aLeaseWithoutADeadlineHereReportsItsTtl() {
    lessor.grant(1, 30);
    lessor.recover(store); // e.g. a restart: the table is back, no clock has started
    assertEquals(30, lessor.remainingSeconds(1));
    assertEquals(-1, lessor.remainingSeconds(2));
  }

  @Test
  void recoverServesTheRestoredStore() throws Exception {
    lessor.grant(1, 30);
    ExportTest.Contents snapshot = ExportTest.Contents.of(store);
    lessor.revoke(1);
    MvccStore restored = snapshot.rebuild();
    lessor.recover(restored);
    assertEquals(List.of(1L), lessor.leases());
    assertEquals(List.of(), store.leases(), "the old store is no longer served");
  }

  private List<String> keysOf(long lease) {
    return lessor.lease(lease).orElseThrow().keys().stream().map(Kv::s).toList();
  }
}
