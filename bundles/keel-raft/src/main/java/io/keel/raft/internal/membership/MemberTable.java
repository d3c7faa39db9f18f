package io.keel.raft.internal.membership;

import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.entity.PeerId;
import io.keel.api.Member;
import io.keel.raft.internal.Membership;
import io.keel.raft.internal.RaftAccess;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The member list as etcd shows it, read from the replicated {@link Membership} table: peer URLs
 * and learner flags from the log, names and client URLs as members published them (this member's
 * own are known locally before it has published).
 */
public final class MemberTable {
  private final RaftAccess raft;
  private final long memberId;
  private final String name;
  private final List<String> clientUrls;

  public MemberTable(RaftAccess raft, long memberId, String name, List<String> clientUrls) {
    this.raft = raft;
    this.memberId = memberId;
    this.name = name;
    this.clientUrls = List.copyOf(clientUrls);
  }

  /** Every member, ordered by ID as etcd lists them. */
  public List<Member> members() {
    List<Member> out = new ArrayList<>();
    for (Map.Entry<Long, Membership.Entry> e : raft.membership().members().entrySet()) {
      out.add(describe(e.getKey(), e.getValue()));
    }
    out.sort(Comparator.comparing(Member::id, Long::compareUnsigned));
    return out;
  }

  private Member describe(long id, Membership.Entry entry) {
    if (id == memberId) {
      return new Member(id, name, entry.peerUrls(), clientUrls, entry.learner());
    }
    Membership.Attributes a = raft.membership().get(id);
    return a == null ? new Member(id, "", entry.peerUrls(), List.of(), entry.learner())
        : new Member(id, a.name(), entry.peerUrls(), a.clientUrls(), entry.learner());
  }

  /** Whether the member with this ID was removed (an ID is never used again once removed). */
  public boolean isRemoved(long id) {
    return raft.membership().isRemoved(id);
  }

  /** The member with this ID, or null. */
  public Member member(long id) {
    Membership.Entry e = raft.membership().member(id);
    return e == null ? null : describe(id, e);
  }

  /**
   * The member jraft knows at {@code peer}, or null. This member is found at the address it runs
   * at even after a member update recorded a new one (until it restarts there, etcd's procedure),
   * so that it still reports itself as leader.
   */
  public Member memberAt(PeerId peer) {
    if (peer == null || peer.isEmpty()) {
      return null;
    }
    for (Member m : members()) {
      if (!m.peerUrls().isEmpty() && PeerIds.peerId(m.peerUrls().get(0)).equals(peer)) {
        return m;
      }
    }
    Node node = raft.node();
    return node != null && peer.equals(node.getNodeId().getPeerId()) ? member(memberId) : null;
  }

  /** jraft's current voters and learners, as host:port (what the member table is reconciled to). */
  public List<String> raftConfiguration() {
    Node node = raft.node();
    List<String> out = new ArrayList<>();
    node.listPeers().forEach(p -> out.add(p.getEndpoint().toString()));
    node.listLearners().forEach(p -> out.add(p.getEndpoint().toString() + " (learner)"));
    return out;
  }

  public boolean selfIsLearner() {
    Membership.Entry self = raft.membership().member(memberId);
    return self != null && self.learner();
  }
}
