package io.keel.raft.internal.bootstrap;

import com.alipay.sofa.jraft.entity.PeerId;
import io.keel.api.config.KeelConfig;
import io.keel.raft.internal.ClusterView;
import io.keel.raft.internal.Identity;
import io.keel.raft.internal.membership.PeerIds;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * etcd's static bootstrap: a new cluster's identity comes from the flags; a member joining a
 * running one (initial-cluster-state=existing) takes it from the cluster's member list, asked of
 * the members in initial-cluster (bounded; etcd fails the same way when none answers).
 */
public final class StaticMembership implements InitialMembership {
  private static final Logger LOG = LoggerFactory.getLogger(StaticMembership.class);

  @Override
  public Identity decide(KeelConfig config, ClusterQuery cluster) throws IOException {
    Identity flags = Identity.fromFlags(config);
    if (config.initialClusterState().equals("new")) {
      return flags;
    }
    PeerId self = PeerIds.peerId(config.initialAdvertisePeerUrls().get(0));
    List<URI> peers = flags.bootstrap().values().stream().map(b -> URI.create(b.peerUrls().get(0)))
        .filter(u -> !PeerIds.peerId(u).equals(self)).toList();
    long deadline = System.nanoTime() + Math.max(10_000L, config.electionTimeoutMs() * 10L) * 1_000_000L;
    while (true) {
      for (URI peer : peers) {
        try {
          ClusterView view = cluster.ask(peer).get(2, TimeUnit.SECONDS);
          return Identity.joining(config, view.clusterId(), view.members());
        } catch (ExecutionException | TimeoutException e) {
          LOG.debug("no cluster information from {}: {}", peer, e.toString());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while fetching the cluster from its members", e);
        }
      }
      if (System.nanoTime() > deadline) {
        throw new IOException("cannot fetch cluster info from peer urls: could not retrieve cluster information from"
            + " the given URLs " + peers.stream().map(PeerIds::peerId).toList());
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while fetching the cluster from its members", e);
      }
    }
  }
}
