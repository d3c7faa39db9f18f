package io.keel.raft.internal.lease;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.api.EtcdError;
import io.keel.api.EtcdException;
import io.keel.api.lease.LeaseGrant;
import io.keel.api.lease.LeaseTimeToLive;
import io.keel.mvcc.Lessor;
import io.keel.mvcc.MvccStore;
import io.keel.raft.internal.Command;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** The raft side of leases on fakes: what is proposed, what is forwarded, and when. */
class LeaseGatewayTest {
  private long nanos = 5_000_000_000L;
  private final MvccStore store = new MvccStore();
  private final Lessor lessor = new Lessor(() -> nanos, 2);
  private final FakeProposer proposer = new FakeProposer();
  private final FakeLeadership leadership = new FakeLeadership();
  private final LeaseGateway gateway = new LeaseGateway(lessor, proposer, leadership);

  LeaseGatewayTest() {
    lessor.recover(store);
  }

  /** Records proposals; each stays pending until the test completes it. */
  private static final class FakeProposer implements LeaseGateway.Proposer {
    final List<Command> proposed = new ArrayList<>();
    final List<CompletableFuture<Object>> outcomes = new ArrayList<>();

    @Override
    public <T> CompletionStage<T> propose(Command command, Class<T> type) {
      proposed.add(command);
      CompletableFuture<Object> f = new CompletableFuture<>();
      outcomes.add(f);
      return f.thenApply(type::cast);
    }
  }

  private static final class FakeLeadership implements LeaseGateway.Leadership {
    boolean leader = true;
    final List<String> forwarded = new ArrayList<>();
    long leaderRemaining = 17;
    CompletableFuture<Void> readIndex = CompletableFuture.completedFuture(null);

    @Override
    public boolean isLeader() {
      return leader;
    }

    @Override
    public CompletionStage<Long> renewAtLeader(long id) {
      forwarded.add("renew " + id);
      return CompletableFuture.completedFuture(99L);
    }

    @Override
    public CompletionStage<Long> remainingAtLeader(long id) {
      forwarded.add("remaining " + id);
      return CompletableFuture.completedFuture(leaderRemaining);
    }

    @Override
    public CompletionStage<Void> linearized() {
      return readIndex;
    }
  }

  private static <T> T done(CompletionStage<T> stage) throws Exception {
    CompletableFuture<T> f = stage.toCompletableFuture();
    assertTrue(f.isDone(), "answered at once");
    return f.get();
  }

  private static EtcdError failure(CompletionStage<?> stage) {
    CompletableFuture<?> f = stage.toCompletableFuture();
    assertTrue(f.isCompletedExceptionally(), "failed");
    try {
      f.get();
      throw new AssertionError("not failed");
    } catch (ExecutionException e) {
      return ((EtcdException) e.getCause()).error();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void grantProposesTheRaisedTtlAndAnswersWithTheAppliedRevision() throws Exception {
    CompletionStage<LeaseGrant> answer = gateway.grant(7, 1);
    assertEquals(List.of(new Command.LeaseGrant(7, 2)), proposer.proposed);
    proposer.outcomes.get(0).complete(4L);
    assertEquals(new LeaseGrant(4, 7, 2), done(answer));
  }

  @Test
  void grantRefusesATooLargeTtlWithoutProposing() {
    assertEquals(EtcdError.LEASE_TTL_TOO_LARGE, failure(gateway.grant(7, Lessor.MAX_TTL_SECONDS + 1)));
    assertEquals(EtcdError.LEASE_NOT_FOUND, failure(gateway.grant(-7, 10)));
    assertEquals(List.of(), proposer.proposed);
  }

  @Test
  void revokeIsProposed() {
    gateway.revoke(7, new io.keel.api.auth.AuthInfo("alice", 3));
    assertEquals(List.of(new Command.AsUser("alice", 3, new Command.LeaseRevoke(7))), proposer.proposed);
  }

  @Test
  void renewOnAFollowerGoesToTheLeader() throws Exception {
    leadership.leader = false;
    assertEquals(99L, done(gateway.renew(7)));
    assertEquals(List.of("renew 7"), leadership.forwarded);
    assertEquals(EtcdError.LEADER_CHANGED, failure(gateway.renewHere(7)), "a forwarded renewal that missed the leader");
  }

  @Test
  void renewOnTheLeaderRestartsTheClock() throws Exception {
    lessor.grant(7, 10);
    lessor.promote();
    nanos += 6_000_000_000L;
    assertEquals(10L, done(gateway.renew(7)));
    assertEquals(10, lessor.remainingSeconds(7));
    assertEquals(EtcdError.LEASE_NOT_FOUND, failure(gateway.renew(8)));
    assertEquals(List.of(), leadership.forwarded);
  }

  @Test
  void timeToLiveOnAFollowerTakesTheLeadersClockAfterAReadIndex() throws Exception {
    lessor.grant(7, 30);
    leadership.leader = false;
    leadership.readIndex = new CompletableFuture<>();
    CompletionStage<LeaseTimeToLive> answer = gateway.timeToLive(7, false);
    assertEquals(List.of("remaining 7"), leadership.forwarded);
    assertTrue(!answer.toCompletableFuture().isDone(), "waits for the read index");
    leadership.readIndex.complete(null);
    LeaseTimeToLive ttl = done(answer);
    assertEquals(List.of(17L, 30L), List.of(ttl.ttlSeconds(), ttl.grantedTtlSeconds()));
  }

  @Test
  void timeToLiveOnTheLeaderReadsItsOwnClock() throws Exception {
    lessor.grant(7, 30);
    lessor.promote();
    nanos += 4_000_000_000L;
    assertEquals(26, done(gateway.timeToLive(7, false)).ttlSeconds());
    assertEquals(List.of(), leadership.forwarded);
  }

  @Test
  void expiryProposesRevokesOnTheLeaderOnlyAndRetriesFailedOnes() {
    lessor.grant(7, 10);
    lessor.promote();
    nanos += 10_000_000_000L;
    leadership.leader = false;
    gateway.revokeExpired();
    assertEquals(List.of(), proposer.proposed, "not the leader");
    leadership.leader = true;
    gateway.revokeExpired();
    assertEquals(List.of(new Command.LeaseRevoke(7)), proposer.proposed);
    proposer.outcomes.get(0).completeExceptionally(EtcdError.LEADER_CHANGED.exception());
    gateway.revokeExpired();
    assertEquals(List.of(new Command.LeaseRevoke(7), new Command.LeaseRevoke(7)), proposer.proposed);
  }

  @Test
  void checkpointProposesTheRemainingMilliseconds() {
    lessor.grant(7, 10);
    lessor.grant(3, 60);
    lessor.promote();
    nanos += 2_500_000_000L;
    gateway.checkpoint();
    assertEquals(1, proposer.proposed.size());
    Command.LeaseCheckpoint cp = (Command.LeaseCheckpoint) proposer.proposed.get(0);
    assertArrayEquals(new long[] {3, 7}, cp.ids());
    assertArrayEquals(new long[] {57_500, 7_500}, cp.remainingMs());
    leadership.leader = false;
    gateway.checkpoint();
    assertEquals(1, proposer.proposed.size(), "not the leader");
  }

  @Test
  void leasesListsEveryId() throws Exception {
    lessor.grant(9, 10);
    lessor.grant(2, 10);
    assertEquals(List.of(2L, 9L), done(gateway.leases()));
  }
}
