package io.keel.raft;

import com.alipay.sofa.jraft.Closure;
import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.error.RaftError;
import io.keel.api.EtcdError;
import io.keel.api.Member;
import io.keel.api.MemberChange;
import io.keel.api.config.KeelConfig;
import io.keel.raft.internal.Command;
import io.keel.raft.internal.CommandCodec;
import io.keel.raft.internal.Forwarding;
import io.keel.raft.internal.MemberIds;
import io.keel.raft.internal.Membership;
import io.keel.raft.internal.RaftAccess;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * etcd's runtime reconfiguration over jraft: the member table lives in the log ({@link Membership}),
 * and jraft's configuration follows it. Any member takes a change; a follower forwards it to the
 * leader, which records it in the log and then changes jraft's configuration.
 *
 * <p>jraft only adds a voter through a catch-up stage, which a member that is not running yet can
 * never pass; so a member added as a voter (or a member moved to new peer URLs) first joins as a
 * jraft learner, and the leader's {@link #reconcile} pass makes it a voter once it runs and has
 * caught up, then drops voters that no member owns any more (an updated member's old address).
 */
final class Reconfiguration {
  private static final Logger LOG = LoggerFactory.getLogger(Reconfiguration.class);

  private final KeelConfig config;
  private final RaftAccess raft;
  private final long memberId;
  private final ScheduledExecutorService scheduler;
  /** Completes once a leader is known, or fails with etcd's "no leader" at the deadline (nanoTime). */
  private final LongFunction<CompletableFuture<Void>> afterLeader;
  private final long leaderWaitNanos;
  private final AtomicBoolean reconciling = new AtomicBoolean();
  /** Changes asked for by users that are still running here; the reconcile pass waits for them. */
  private final java.util.concurrent.atomic.AtomicInteger changesInFlight = new java.util.concurrent.atomic.AtomicInteger();
  private volatile Forwarding forwarding;

  Reconfiguration(KeelConfig config, RaftAccess raft, long memberId, ScheduledExecutorService scheduler,
      LongFunction<CompletableFuture<Void>> afterLeader, long leaderWaitNanos) {
    this.config = config;
    this.raft = raft;
    this.memberId = memberId;
    this.scheduler = scheduler;
    this.afterLeader = afterLeader;
    this.leaderWaitNanos = leaderWaitNanos;
  }

  void forwardVia(Forwarding forwarding) {
    this.forwarding = forwarding;
  }

  static PeerId peerId(String url) {
    return peerId(URI.create(url));
  }

  static PeerId peerId(URI url) {
    try {
      return new PeerId(InetAddress.getByName(url.getHost()).getHostAddress(), url.getPort());
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("cannot resolve peer host " + url.getHost(), e);
    }
  }

  // ---------------------------------------------------------------- the member list

  /** Every member, ordered by ID as etcd lists them. */
  List<Member> members() {
    List<Member> out = new ArrayList<>();
    for (Map.Entry<Long, Membership.Entry> e : raft.membership().members().entrySet()) {
      out.add(describe(e.getKey(), e.getValue()));
    }
    out.sort(Comparator.comparing(Member::id, Long::compareUnsigned));
    return out;
  }

  /** This member's own name and client URLs are known locally; others' once published. */
  private Member describe(long id, Membership.Entry entry) {
    if (id == memberId) {
      return new Member(id, config.name(), entry.peerUrls(),
          config.advertiseClientUrls().stream().map(URI::toString).toList(), entry.learner());
    }
    Membership.Attributes a = raft.membership().get(id);
    return a == null ? new Member(id, "", entry.peerUrls(), List.of(), entry.learner())
        : new Member(id, a.name(), entry.peerUrls(), a.clientUrls(), entry.learner());
  }

  Member member(long id) {
    Membership.Entry e = raft.membership().member(id);
    return e == null ? null : describe(id, e);
  }

  /** The member jraft knows at {@code peer}, or null. */
  Member memberAt(PeerId peer) {
    if (peer == null || peer.isEmpty()) {
      return null;
    }
    for (Member m : members()) {
      if (!m.peerUrls().isEmpty() && peerId(m.peerUrls().get(0)).equals(peer)) {
        return m;
      }
    }
    return null;
  }

  /** jraft's current voters and learners, as host:port (what the member table is reconciled to). */
  List<String> raftConfiguration() {
    Node node = raft.node();
    List<String> out = new ArrayList<>();
    node.listPeers().forEach(p -> out.add(p.getEndpoint().toString()));
    node.listLearners().forEach(p -> out.add(p.getEndpoint().toString() + " (learner)"));
    return out;
  }

  boolean selfIsLearner() {
    Membership.Entry self = raft.membership().member(memberId);
    return self != null && self.learner();
  }

  // ---------------------------------------------------------------- changes, from any member

  CompletionStage<MemberChange> add(List<String> peerUrls, boolean learner) {
    return administer(new Command.MemberAdd(0, List.copyOf(peerUrls), learner), deadline());
  }

  CompletionStage<MemberChange> remove(long id) {
    return administer(new Command.MemberRemove(id), deadline());
  }

  CompletionStage<MemberChange> promote(long id) {
    return administer(new Command.MemberPromote(id), deadline());
  }

  CompletionStage<MemberChange> update(long id, List<String> peerUrls) {
    return administer(new Command.MemberUpdate(id, List.copyOf(peerUrls)), deadline());
  }

  private long deadline() {
    return System.nanoTime() + leaderWaitNanos;
  }

  /** The leader changes the configuration; a follower forwards; with no leader, wait (bounded). */
  private CompletableFuture<MemberChange> administer(Command change, long deadline) {
    Node n = raft.node();
    if (n.isLeader()) {
      return administerLocally(change);
    }
    PeerId leader = n.getLeaderId();
    if (leader != null && !leader.isEmpty()) {
      return forwarding.administer(leader, CommandCodec.encode(change)).thenApply(MemberChange.class::cast);
    }
    return afterLeader.apply(deadline).thenCompose(ignored -> administer(change, deadline));
  }

  /** The leader's side of a change (also what a forwarded change runs). */
  CompletableFuture<MemberChange> administerLocally(Command change) {
    if (!raft.node().isLeader()) {
      return CompletableFuture.failedFuture(EtcdError.NOT_LEADER.exception());
    }
    changesInFlight.incrementAndGet();
    CompletableFuture<MemberChange> outcome;
    try {
      outcome = change(change);
    } catch (RuntimeException e) {
      outcome = CompletableFuture.failedFuture(e);
    }
    return outcome.whenComplete((r, e) -> changesInFlight.decrementAndGet());
  }

  private CompletableFuture<MemberChange> change(Command change) {
    if (change instanceof Command.MemberAdd a) {
      return addHere(a.peerUrls(), a.learner());
    } else if (change instanceof Command.MemberRemove r) {
      return removeHere(r.memberId());
    } else if (change instanceof Command.MemberPromote p) {
      return promoteHere(p.memberId());
    } else if (change instanceof Command.MemberUpdate u) {
      return updateHere(u.memberId(), u.peerUrls());
    }
    return CompletableFuture.failedFuture(new IllegalArgumentException("not a membership change: " + change));
  }

  private CompletableFuture<MemberChange> addHere(List<String> peerUrls, boolean isLearner) {
    List<URI> urls = parse(peerUrls);
    if (urls == null) {
      return CompletableFuture.failedFuture(EtcdError.MEMBER_BAD_URLS.exception());
    }
    List<Member> current = members();
    if (urlsTaken(current, peerUrls, 0)) {
      return CompletableFuture.failedFuture(EtcdError.PEER_URL_EXIST.exception());
    }
    if (isLearner && current.stream().anyMatch(Member::isLearner)) {
      return CompletableFuture.failedFuture(EtcdError.TOO_MANY_LEARNERS.exception());
    }
    long id = MemberIds.memberId(urls, config.initialClusterToken());
    PeerId peer = peerId(urls.get(0));
    Command.MemberAdd add = new Command.MemberAdd(id, List.copyOf(peerUrls), isLearner);
    return record(add)
        .thenCompose(r -> confChange(done -> raft.node().addLearners(List.of(peer), done)))
        .thenApply(ok -> new MemberChange(member(id), members()));
  }

  /**
   * The removal is recorded first, so the removed member applies it and knows to stop serving;
   * then jraft drops it (if that fails, {@link #reconcile} drops it later).
   */
  private CompletableFuture<MemberChange> removeHere(long id) {
    Member m = member(id);
    if (m == null) {
      return CompletableFuture.failedFuture(EtcdError.MEMBER_NOT_FOUND.exception());
    }
    PeerId peer = peerId(m.peerUrls().get(0));
    boolean jraftLearner = raft.node().listLearners().contains(peer);
    return record(new Command.MemberRemove(id))
        .thenCompose(r -> confChange(done -> {
          if (jraftLearner) {
            raft.node().removeLearners(List.of(peer), done);
          } else {
            raft.node().removePeer(peer, done);
          }
        }))
        .thenApply(ok -> new MemberChange(m, members()));
  }

  private CompletableFuture<MemberChange> promoteHere(long id) {
    Member m = member(id);
    if (m == null) {
      return CompletableFuture.failedFuture(EtcdError.MEMBER_NOT_FOUND.exception());
    }
    PeerId peer = peerId(m.peerUrls().get(0));
    if (!m.isLearner() && !raft.node().listLearners().contains(peer)) {
      return CompletableFuture.failedFuture(EtcdError.MEMBER_NOT_LEARNER.exception());
    }
    return toVoter(id, peer).thenApply(ok -> new MemberChange(member(id), members()));
  }

  /**
   * New peer URLs for a member (etcd's member update: update, then restart the member with them).
   * Same address: only the record changes. A new address joins jraft as a learner at once; a voter
   * keeps its old address as a voter until the member runs at the new one and has caught up.
   */
  private CompletableFuture<MemberChange> updateHere(long id, List<String> peerUrls) {
    List<URI> urls = parse(peerUrls);
    if (urls == null) {
      return CompletableFuture.failedFuture(EtcdError.MEMBER_BAD_URLS.exception());
    }
    Member m = member(id);
    if (m == null) {
      return CompletableFuture.failedFuture(EtcdError.MEMBER_NOT_FOUND.exception());
    }
    if (urlsTaken(members(), peerUrls, id)) {
      return CompletableFuture.failedFuture(EtcdError.PEER_URL_EXIST.exception());
    }
    PeerId oldPeer = peerId(m.peerUrls().get(0));
    PeerId newPeer = peerId(urls.get(0));
    CompletableFuture<?> recorded = record(new Command.MemberUpdate(id, List.copyOf(peerUrls)));
    if (!oldPeer.equals(newPeer)) {
      boolean wasJraftLearner = raft.node().listLearners().contains(oldPeer);
      recorded = recorded
          .thenCompose(r -> confChange(done -> raft.node().addLearners(List.of(newPeer), done)))
          .thenCompose(r -> wasJraftLearner ? confChange(done -> raft.node().removeLearners(List.of(oldPeer), done))
              : CompletableFuture.completedFuture(r));
    }
    return recorded.thenApply(ok -> new MemberChange(member(id), members()));
  }

  private static List<URI> parse(List<String> peerUrls) {
    List<URI> urls = new ArrayList<>();
    try {
      for (String u : peerUrls) {
        URI uri = new URI(u);
        if (uri.getHost() == null || uri.getPort() <= 0) {
          return null;
        }
        urls.add(uri);
      }
    } catch (java.net.URISyntaxException e) {
      return null;
    }
    return urls.isEmpty() ? null : urls;
  }

  private static boolean urlsTaken(List<Member> members, List<String> peerUrls, long except) {
    return members.stream().anyMatch(m -> m.id() != except && m.peerUrls().stream().anyMatch(peerUrls::contains));
  }

  /**
   * Learner to voter: leave the learners, then join the voters through jraft's catch-up stage; a
   * learner that cannot catch up goes back to the learners and the answer is LEARNER_NOT_READY.
   */
  private CompletableFuture<Object> toVoter(long id, PeerId peer) {
    return confChange(done -> raft.node().removeLearners(List.of(peer), done))
        .thenCompose(ok -> confChange(done -> raft.node().addPeer(peer, done)).exceptionallyCompose(e -> {
          confChange(done -> raft.node().addLearners(List.of(peer), done));
          return CompletableFuture.failedFuture(EtcdError.LEARNER_NOT_READY.exception());
        }))
        .thenCompose(ok -> record(new Command.MemberPromote(id)));
  }

  private CompletableFuture<Object> record(Command change) {
    return raft.apply(change, ByteBuffer.wrap(CommandCodec.encode(change)));
  }

  private CompletableFuture<Status> confChange(Consumer<Closure> op) {
    CompletableFuture<Status> result = new CompletableFuture<>();
    op.accept(status -> {
      if (status.isOk()) {
        result.complete(status);
      } else {
        LOG.warn("configuration change failed status={}", status);
        result.completeExceptionally(status.getRaftError() == RaftError.ECATCHUP
            ? EtcdError.LEARNER_NOT_READY.exception() : raft.toEtcd(status));
      }
    });
    return result;
  }

  // ---------------------------------------------------------------- the leader's reconcile pass

  /**
   * Periodic, on the leader: a voter that jraft still has as a learner (added as a voter, or moved
   * to new peer URLs) becomes a voter once it is alive; then voters that no member owns any more
   * are dropped, one change at a time.
   */
  void reconcile() {
    try {
      Node node = raft.node();
      if (!node.isLeader() || changesInFlight.get() > 0 || !reconciling.compareAndSet(false, true)) {
        return;
      }
      List<PeerId> voters = node.listPeers();
      List<PeerId> learners = node.listLearners();
      // one look at the table, each member's address resolved once for this pass
      Map<Long, Membership.Entry> members = raft.membership().members();
      Map<Long, PeerId> address = new java.util.HashMap<>();
      members.forEach((id, m) -> address.put(id, peerId(m.peerUrls().get(0))));
      for (Map.Entry<Long, PeerId> e : address.entrySet()) {
        PeerId peer = e.getValue();
        if (!voters.contains(peer) && !learners.contains(peer)) {
          // a change that stopped half-way (e.g. the leader stepped down during a promotion)
          LOG.info("member {} at {} is missing from jraft's configuration; adding it as a learner",
              Long.toHexString(e.getKey()), peer);
          confChange(done -> node.addLearners(List.of(peer), done)).whenComplete((r, err) -> reconciling.set(false));
          return;
        }
      }
      List<PeerId> alive = node.listAliveLearners();
      for (Map.Entry<Long, PeerId> e : address.entrySet()) {
        PeerId peer = e.getValue();
        if (!members.get(e.getKey()).learner() && alive.contains(peer)) {
          LOG.info("member {} has caught up at {}; making it a voter", Long.toHexString(e.getKey()), peer);
          toVoter(e.getKey(), peer).whenComplete((r, err) -> reconciling.set(false));
          return;
        }
      }
      // a moved voter keeps its old address in the quorum until the new one is a voter
      boolean votersPending = address.entrySet().stream()
          .anyMatch(e -> !members.get(e.getKey()).learner() && !voters.contains(e.getValue()));
      if (votersPending) {
        reconciling.set(false);
        return;
      }
      // only addresses the log says were given up: a member's table may lag jraft, never the reverse
      List<PeerId> retired = raft.membership().retired().stream().map(Reconfiguration::peerId)
          .filter(p -> !address.containsValue(p)).toList();
      for (PeerId voter : voters) {
        if (retired.contains(voter)) {
          LOG.info("dropping voter {}: its member was removed or moved", voter);
          confChange(done -> node.removePeer(voter, done)).whenComplete((r, err) -> reconciling.set(false));
          return;
        }
      }
      for (PeerId learner : learners) {
        if (retired.contains(learner)) {
          LOG.info("dropping learner {}: its member was removed or moved", learner);
          confChange(done -> node.removeLearners(List.of(learner), done))
              .whenComplete((r, err) -> reconciling.set(false));
          return;
        }
      }
      reconciling.set(false);
    } catch (RuntimeException e) {
      reconciling.set(false);
      LOG.warn("membership reconcile pass failed", e);
    }
  }

  // ---------------------------------------------------------------- leadership transfer

  /** etcd's MoveLeader: only the leader hands over, to a voter; waits (bounded) for the new leader. */
  CompletionStage<Void> moveLeader(long targetId) {
    if (!raft.node().isLeader()) {
      return CompletableFuture.failedFuture(EtcdError.NOT_LEADER.exception());
    }
    Member target = member(targetId);
    if (target == null || target.isLearner()) {
      return CompletableFuture.failedFuture(EtcdError.BAD_LEADER_TRANSFEREE.exception());
    }
    if (targetId == memberId) {
      return CompletableFuture.completedFuture(null);
    }
    PeerId peer = peerId(target.peerUrls().get(0));
    Status s = raft.node().transferLeadershipTo(peer);
    if (!s.isOk()) {
      return CompletableFuture.failedFuture(EtcdError.BAD_LEADER_TRANSFEREE.exception());
    }
    long deadline = System.nanoTime() + config.electionTimeoutMs() * 5L * 1_000_000L;
    CompletableFuture<Void> done = new CompletableFuture<>();
    Runnable[] check = new Runnable[1];
    check[0] = () -> {
      if (peer.equals(raft.node().getLeaderId())) {
        done.complete(null);
      } else if (System.nanoTime() > deadline) {
        done.completeExceptionally(EtcdError.TIMEOUT.exception());
      } else {
        scheduler.schedule(check[0], 20, TimeUnit.MILLISECONDS);
      }
    };
    check[0].run();
    return done;
  }
}
