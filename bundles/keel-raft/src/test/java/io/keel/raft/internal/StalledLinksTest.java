package io.keel.raft.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.entity.PeerId;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class StalledLinksTest {
  private final PeerId a = PeerId.parsePeer("127.0.0.1:1");
  private final PeerId b = PeerId.parsePeer("127.0.0.1:2");
  private final PeerId c = PeerId.parsePeer("127.0.0.1:3");
  private boolean leader = true;
  private PeerId leaderId = a;

  /** A leader {@code a} of a, b, c that jraft sees answering from a and b only. */
  private Node node() {
    return (Node) Proxy.newProxyInstance(Node.class.getClassLoader(), new Class<?>[] {Node.class}, (p, m, args) ->
        switch (m.getName()) {
          case "isLeader" -> leader;
          case "getLeaderId" -> leaderId;
          case "listPeers" -> List.of(a, b, c);
          case "listAlivePeers" -> List.of(a, b);
          case "listLearners", "listAliveLearners" -> List.of();
          default -> throw new UnsupportedOperationException(m.getName());
        });
  }

  @Test
  void aPeerThatAnswersPingsButNotReplicationIsResetAfterThreePasses() {
    List<PeerId> reset = new ArrayList<>();
    List<PeerId> pinged = new ArrayList<>();
    StalledLinks s = new StalledLinks(this::node, (p, wait) -> {
      pinged.add(p);
      return CompletableFuture.completedFuture(1L);
    }, (n, p) -> reset.add(p), n -> List.of(b));
    s.pass();
    s.pass();
    assertEquals(List.of(), reset, "two passes are not enough");
    s.pass();
    assertEquals(List.of(c), reset);
    assertEquals(List.of(c, c, c), pinged, "only the peer jraft does not count alive is pinged");
  }

  @Test
  void aPeerThatIsDownIsLeftAloneAndAFollowerDoesNothing() {
    List<PeerId> reset = new ArrayList<>();
    StalledLinks s = new StalledLinks(this::node,
        (p, wait) -> CompletableFuture.failedFuture(new java.io.IOException("refused")), (n, p) -> reset.add(p), n -> List.of(b));
    for (int i = 0; i < 5; i++) {
      s.pass();
    }
    assertEquals(List.of(), reset);
    leader = false;
    StalledLinks follower = new StalledLinks(this::node, (p, wait) -> CompletableFuture.completedFuture(1L),
        (n, p) -> reset.add(p), n -> List.of(b));
    for (int i = 0; i < 5; i++) {
      follower.pass();
    }
    assertEquals(List.of(), reset);
  }

  @Test
  void aFollowerWhoseReadsTimeOutResetsItsUnconnectedLinkToTheLeaderAfterThreePasses() {
    leader = false;
    leaderId = b;
    List<PeerId> reset = new ArrayList<>();
    List<PeerId> pinged = new ArrayList<>();
    StalledLinks s = new StalledLinks(this::node, (p, wait) -> {
      pinged.add(p);
      return CompletableFuture.completedFuture(1L);
    }, (n, p) -> reset.add(p), n -> List.of(b, c));
    for (int i = 0; i < 5; i++) {
      s.pass(); // no read timed out: an idle follower holds no connection to its leader, and that is fine
    }
    assertEquals(List.of(), pinged);
    s.readTimedOut();
    s.pass();
    s.readTimedOut();
    s.pass();
    assertEquals(List.of(), reset, "two passes are not enough");
    s.pass(); // a pass without a timeout forgets the strikes
    s.readTimedOut();
    s.pass();
    s.readTimedOut();
    s.pass();
    assertEquals(List.of(), reset, "the strikes started again");
    s.readTimedOut();
    s.pass();
    assertEquals(List.of(b), reset, "the leader only, not the other unconnected peer");
  }

  @Test
  void withoutALeaderAPeerWithoutARaftConnectionThatAnswersPingsIsResetAfterThreePasses() {
    leader = false;
    leaderId = PeerId.emptyPeer();
    List<PeerId> reset = new ArrayList<>();
    StalledLinks s = new StalledLinks(this::node, (p, wait) -> CompletableFuture.completedFuture(1L),
        (n, p) -> reset.add(p), n -> List.of(b));
    s.pass();
    s.pass();
    assertEquals(List.of(), reset, "two passes are not enough");
    s.pass();
    assertEquals(List.of(b), reset, "the peer the raft client has no connection to");
  }
}
