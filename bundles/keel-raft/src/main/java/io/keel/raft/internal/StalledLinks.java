package io.keel.raft.internal;

import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.core.NodeImpl;
import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.rpc.impl.AbstractClientService;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Heals the leader's replication link to a member that is up but unreached: jraft's bolt client can
 * be left with a connection pool for a peer that never gets a connection again (seen after a member
 * restarts while the leader's reconnect attempts race with the old connection closing: every later
 * heartbeat and append fails with "Connection is null when do check!" and no new connection is
 * tried, so the restarted member never hears from the leader and cannot rejoin). Every
 * {@link #INTERVAL_MS} the leader looks for peers jraft does not count alive (no answer within its
 * leader lease) that do answer a ping on a connection of their own; after {@link #STRIKES} such passes
 * in a row it closes the raft client's connections to that peer, and the next heartbeat dials anew.
 *
 * <p>A member without a leader needs its own raft connections too, to win an election: seen in CI,
 * the member with the longest log could not reach the only other one up (its pool for that peer
 * stalled the same way), refused that member's votes as it must, and no leader was ever elected.
 * So while there is no leader, the same passes look at the peers of the configuration the raft
 * client holds no connection to.
 *
 * <p>A follower's raft client talks to its leader only for linearizable reads (read index), and its
 * pool for the leader can stall the same way: seen in the reliability suite, a follower whose
 * connection to the leader was dropped while links were cut and slowed answered no linearizable read
 * for minutes while it replicated normally (bolt kept an empty pool and cancelled its reconnects,
 * and nothing dialled again). So a pass in which this member follows and has had a read index time
 * out ({@link #readTimedOut}) looks at the leader, if the raft client holds no connection to it.
 * Only then: an idle follower holds no connection to its leader either, and that is fine.
 */
public final class StalledLinks {
  static final long INTERVAL_MS = 2_000;
  static final int STRIKES = 3;
  private static final Logger LOG = LoggerFactory.getLogger(StalledLinks.class);

  private final Supplier<Node> node;
  private final BiFunction<PeerId, Long, CompletableFuture<Long>> ping;
  private final java.util.function.BiConsumer<Node, PeerId> reset;
  private final java.util.function.Function<Node, List<PeerId>> unconnected;
  private final Map<PeerId, Integer> strikes = new ConcurrentHashMap<>();
  private final java.util.concurrent.atomic.AtomicBoolean readsTimedOut = new java.util.concurrent.atomic.AtomicBoolean();

  StalledLinks(Supplier<Node> node, BiFunction<PeerId, Long, CompletableFuture<Long>> ping,
      java.util.function.BiConsumer<Node, PeerId> reset, java.util.function.Function<Node, List<PeerId>> unconnected) {
    this.node = node;
    this.ping = ping;
    this.reset = reset;
    this.unconnected = unconnected;
  }

  /** Watches on {@code timer} (stops with it); {@code ping} answers over a connection of its own. */
  public static StalledLinks start(ScheduledExecutorService timer, Supplier<Node> node,
      BiFunction<PeerId, Long, CompletableFuture<Long>> ping) {
    StalledLinks s = new StalledLinks(node, ping, StalledLinks::reset, StalledLinks::unconnected);
    timer.scheduleWithFixedDelay(() -> {
      try {
        s.pass();
      } catch (RuntimeException e) {
        LOG.debug("stalled-link pass failed", e); // the next pass tries again
      }
    }, INTERVAL_MS, INTERVAL_MS, TimeUnit.MILLISECONDS);
    return s;
  }

  /** A linearizable read on this member got no read index in time: the next pass checks a follower's link. */
  public void readTimedOut() {
    readsTimedOut.set(true);
  }

  void pass() {
    Node n = node.get();
    List<PeerId> unreached;
    if (n != null && n.isLeader()) {
      unreached = new ArrayList<>(n.listPeers());
      unreached.addAll(n.listLearners());
      unreached.remove(n.getLeaderId());
      unreached.removeAll(n.listAlivePeers());
      unreached.removeAll(n.listAliveLearners());
    } else if (n != null && (n.getLeaderId() == null || n.getLeaderId().isEmpty())) {
      unreached = unconnected.apply(n);
    } else if (n != null && readsTimedOut.getAndSet(false)) {
      PeerId leader = n.getLeaderId();
      unreached = unconnected.apply(n).stream().filter(leader::equals).toList();
    } else {
      strikes.clear();
      return;
    }
    strikes.keySet().retainAll(unreached);
    for (PeerId p : unreached) {
      ping.apply(p, INTERVAL_MS / 2).whenComplete((nanos, error) -> {
        if (error != null) {
          strikes.remove(p); // down or cut off: nothing to heal
        } else if (strikes.merge(p, 1, Integer::sum) >= STRIKES) {
          strikes.remove(p);
          reset.accept(n, p);
        }
      });
    }
  }

  /** The peers of the configuration, other than this member, its raft client holds no connection to. */
  private static List<PeerId> unconnected(Node n) {
    AbstractClientService client = client(n);
    List<PeerId> out = new ArrayList<>();
    for (PeerId p : ((NodeImpl) n).getCurrentConf().listPeers()) {
      if (!p.equals(n.getNodeId().getPeerId()) && !client.isConnected(p.getEndpoint())) {
        out.add(p);
      }
    }
    return out;
  }

  private static void reset(Node n, PeerId p) {
    LOG.warn("the raft link to {} has had no answer for {} s while it answers pings; closing the raft client's "
        + "connections to it so that the next request dials anew", p, STRIKES * INTERVAL_MS / 1000);
    client(n).getRpcClient().closeConnection(p.getEndpoint());
  }

  private static AbstractClientService client(Node n) {
    return (AbstractClientService) ((NodeImpl) n).getRpcService();
  }
}
