package io.keel.raft.internal.membership;

import com.alipay.sofa.jraft.entity.PeerId;
import io.keel.api.EtcdError;
import io.keel.api.EtcdException;
import io.keel.api.Member;
import io.keel.api.MemberChange;
import io.keel.api.bootstrap.MemberIds;
import io.keel.raft.internal.Command;
import io.keel.raft.internal.CommandCodec;
import io.keel.raft.internal.Forwarding;
import io.keel.raft.internal.RaftAccess;
import io.keel.raft.internal.propose.Proposer;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * etcd's member add, remove, promote and update. Any member takes a change; it goes to the leader
 * through the {@link Proposer}'s path (forwarded whole, as an administrative request, since the
 * leader both records it and changes jraft's configuration).
 *
 * <p>jraft only adds a voter through a catch-up stage, which a member that is not running yet can
 * never pass; so a member added as a voter (or moved to new peer URLs) first joins as a jraft
 * learner, and the {@link Reconciler} makes it a voter once it runs and has caught up.
 */
public final class MemberChanges {
  private final MemberTable table;
  private final ConfChanges conf;
  private final Proposer proposer;
  private final Forwarding forwarding;
  /** How long a removal's liveness probe waits for each voter's answer. */
  private final long probeMs;
  /** Changes asked for by users that are still running here; the reconcile pass waits for them. */
  private final AtomicInteger inFlight = new AtomicInteger();

  public MemberChanges(MemberTable table, RaftAccess raft, Proposer proposer,
      Forwarding forwarding, long probeMs) {
    this.table = table;
    this.probeMs = probeMs;
    this.conf = new ConfChanges(raft);
    this.proposer = proposer;
    this.forwarding = forwarding;
  }

  /** Whether a change is running on this member (as leader). */
  boolean inFlight() {
    return inFlight.get() > 0;
  }

  public CompletableFuture<MemberChange> add(List<String> peerUrls, boolean learner) {
    return administer(new Command.MemberAdd(0, List.copyOf(peerUrls), learner));
  }

  public CompletableFuture<MemberChange> remove(long id) {
    return administer(new Command.MemberRemove(id));
  }

  public CompletableFuture<MemberChange> promote(long id) {
    return administer(new Command.MemberPromote(id));
  }

  public CompletableFuture<MemberChange> update(long id, List<String> peerUrls) {
    return administer(new Command.MemberUpdate(id, List.copyOf(peerUrls)));
  }

  private CompletableFuture<MemberChange> administer(Command change) {
    return proposer.onLeader(() -> administerLocally(change),
        leader -> forwarding.administer(leader, CommandCodec.encode(change)).thenApply(MemberChange.class::cast));
  }

  /** The leader's side of a change (also what a forwarded change runs). */
  public CompletableFuture<MemberChange> administerLocally(Command change) {
    if (!conf.node().isLeader()) {
      return CompletableFuture.failedFuture(EtcdError.NOT_LEADER.exception());
    }
    inFlight.incrementAndGet();
    CompletableFuture<MemberChange> outcome;
    try {
      outcome = change(change);
    } catch (RuntimeException e) {
      outcome = CompletableFuture.failedFuture(e);
    }
    return outcome.whenComplete((r, e) -> inFlight.decrementAndGet());
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
    List<URI> urls = checkAdd(table.members(), peerUrls, isLearner);
    long id = newMemberId(urls);
    PeerId peer = PeerIds.peerId(urls.get(0));
    return conf.record(new Command.MemberAdd(id, List.copyOf(peerUrls), isLearner))
        .thenCompose(r -> conf.addLearner(peer))
        .thenApply(ok -> new MemberChange(table.member(id), table.members()));
  }

  /**
   * etcd's ID for an added member (its URLs and the time), moved on a second while that ID is in the
   * table or was removed: a member removed and added again within one second still gets a new ID.
   */
  private long newMemberId(List<URI> urls) {
    long second = System.currentTimeMillis() / 1000;
    long id = MemberIds.addedMemberId(urls, second);
    while (table.member(id) != null || table.isRemoved(id)) {
      id = MemberIds.addedMemberId(urls, ++second);
    }
    return id;
  }

  /**
   * etcd's strict reconfiguration check for a removal (mayRemoveMember): removing a voter that is up
   * must leave enough voters up for the smaller cluster's quorum, or the change could never commit
   * and the cluster would stop. A voter that is down can always go (it is not part of the active
   * quorum).
   */
  static boolean breaksActiveQuorum(PeerId removed, List<PeerId> voters, List<PeerId> alive) {
    if (!voters.contains(removed) || !alive.contains(removed)) {
      return false;
    }
    long active = voters.stream().filter(alive::contains).count();
    return active - 1 < 1 + (voters.size() - 1) / 2;
  }

  /**
   * The voters that are up now: this leader, and each other voter that answers a ping within the
   * probe bound and that jraft's leader view also counts alive (answered within the leader lease).
   * jraft's view alone lags: a voter killed a moment ago stays alive in it for most of an election
   * timeout, and a removal allowed in that window stops the cluster. etcd counts a member up only
   * while its peer stream is connected, and a killed member's stream breaks at once; the ping asks
   * the same question at the moment of the removal.
   */
  private CompletableFuture<List<PeerId>> votersUp(List<PeerId> voters) {
    PeerId self = conf.node().getLeaderId();
    List<CompletableFuture<PeerId>> answers = new ArrayList<>();
    for (PeerId v : voters) {
      answers.add(v.equals(self) ? CompletableFuture.completedFuture(v)
          : forwarding.ping(v, probeMs).handle((nanos, error) -> error == null ? v : null));
    }
    return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).thenApply(done -> {
      List<PeerId> lease = conf.node().listAlivePeers();
      List<PeerId> up = new ArrayList<>();
      for (CompletableFuture<PeerId> a : answers) {
        PeerId v = a.join();
        if (v != null && (v.equals(self) || lease.contains(v))) {
          up.add(v);
        }
      }
      return up;
    });
  }

  /**
   * The removal is recorded first, so the removed member applies it and knows to stop serving;
   * then jraft drops it (if that fails, the {@link Reconciler} drops it later).
   */
  private CompletableFuture<MemberChange> removeHere(long id) {
    Member m = table.member(id);
    if (m == null) {
      return CompletableFuture.failedFuture(EtcdError.MEMBER_NOT_FOUND.exception());
    }
    PeerId peer = PeerIds.peerId(m.peerUrls().get(0));
    boolean jraftLearner = conf.node().listLearners().contains(peer);
    // a voter is one by the table, even while its new address (after a member update) is a jraft learner
    if (m.isLearner()) {
      return drop(m, peer, jraftLearner);
    }
    if (!enoughStartedWithout(id, table.members())) {
      return CompletableFuture.failedFuture(EtcdError.MEMBER_NOT_ENOUGH_STARTED.exception());
    }
    List<PeerId> voters = conf.node().listPeers();
    return votersUp(voters).thenCompose(up -> breaksActiveQuorum(peer, voters, up)
        ? CompletableFuture.failedFuture(EtcdError.UNHEALTHY.exception())
        : drop(m, peer, jraftLearner));
  }

  /**
   * etcd's first check on removing a voter (IsReadyToRemoveVotingMember): of the other voters, the
   * started ones (those that have published their name) must be a quorum of them. So the last voter
   * is never removed: 0 started of 0 is below a quorum of 1.
   */
  static boolean enoughStartedWithout(long removed, List<Member> members) {
    int voters = 0;
    int started = 0;
    for (Member m : members) {
      if (m.isLearner() || m.id() == removed) {
        continue;
      }
      voters++;
      if (!m.name().isEmpty()) {
        started++;
      }
    }
    return started >= voters / 2 + 1;
  }

  private CompletableFuture<MemberChange> drop(Member m, PeerId peer, boolean jraftLearner) {
    return conf.record(new Command.MemberRemove(m.id()))
        .thenCompose(r -> jraftLearner ? conf.removeLearner(peer) : conf.removeVoter(peer))
        .thenApply(ok -> new MemberChange(m, table.members()));
  }

  private CompletableFuture<MemberChange> promoteHere(long id) {
    Member m = table.member(id);
    if (m == null) {
      return CompletableFuture.failedFuture(EtcdError.MEMBER_NOT_FOUND.exception());
    }
    if (!m.isLearner()) {
      // a voter whose new address is still a jraft learner (after a member update) is not one
      // either: the Reconciler promotes that address once the member runs there
      return CompletableFuture.failedFuture(EtcdError.MEMBER_NOT_LEARNER.exception());
    }
    PeerId peer = PeerIds.peerId(m.peerUrls().get(0));
    return conf.toVoter(id, peer).thenApply(ok -> new MemberChange(table.member(id), table.members()));
  }

  /**
   * New peer URLs for a member (etcd's member update: update, then restart the member with them).
   * Same address: only the record changes. A new address joins jraft as a learner at once; a voter
   * keeps its old address as a voter until the member runs at the new one and has caught up.
   */
  private CompletableFuture<MemberChange> updateHere(long id, List<String> peerUrls) {
    List<URI> urls = checkUpdate(table.members(), id, peerUrls);
    Member m = table.member(id);
    PeerId oldPeer = PeerIds.peerId(m.peerUrls().get(0));
    PeerId newPeer = PeerIds.peerId(urls.get(0));
    CompletableFuture<?> recorded = conf.record(new Command.MemberUpdate(id, List.copyOf(peerUrls)));
    if (!oldPeer.equals(newPeer)) {
      boolean wasJraftLearner = conf.node().listLearners().contains(oldPeer);
      recorded = recorded
          .thenCompose(r -> conf.addLearner(newPeer))
          .thenCompose(r -> wasJraftLearner ? conf.removeLearner(oldPeer) : CompletableFuture.completedFuture(r));
    }
    return recorded.thenApply(ok -> new MemberChange(table.member(id), table.members()));
  }

  /**
   * etcd's checks on a member add, in its order: well-formed URLs, URLs no member has, at most one
   * learner. Returns the parsed URLs; throws etcd's error otherwise.
   */
  static List<URI> checkAdd(List<Member> current, List<String> peerUrls, boolean learner) {
    List<URI> urls = parse(peerUrls);
    if (urlsTaken(current, peerUrls, 0)) {
      throw EtcdError.PEER_URL_EXIST.exception();
    }
    if (learner && current.stream().anyMatch(Member::isLearner)) {
      throw EtcdError.TOO_MANY_LEARNERS.exception();
    }
    return urls;
  }

  /** etcd's checks on a member update: well-formed URLs, a known member, URLs no other member has. */
  static List<URI> checkUpdate(List<Member> current, long id, List<String> peerUrls) {
    List<URI> urls = parse(peerUrls);
    if (current.stream().noneMatch(m -> m.id() == id)) {
      throw EtcdError.MEMBER_NOT_FOUND.exception();
    }
    if (urlsTaken(current, peerUrls, id)) {
      throw EtcdError.PEER_URL_EXIST.exception();
    }
    return urls;
  }

  private static List<URI> parse(List<String> peerUrls) throws EtcdException {
    List<URI> urls = new ArrayList<>();
    try {
      for (String u : peerUrls) {
        URI uri = new URI(u);
        if (uri.getHost() == null || uri.getPort() <= 0) {
          throw EtcdError.MEMBER_BAD_URLS.exception();
        }
        urls.add(uri);
      }
    } catch (URISyntaxException e) {
      throw EtcdError.MEMBER_BAD_URLS.exception();
    }
    if (urls.isEmpty()) {
      throw EtcdError.MEMBER_BAD_URLS.exception();
    }
    return urls;
  }

  private static boolean urlsTaken(List<Member> members, List<String> peerUrls, long except) {
    return members.stream().anyMatch(m -> m.id() != except && m.peerUrls().stream().anyMatch(peerUrls::contains));
  }
}
