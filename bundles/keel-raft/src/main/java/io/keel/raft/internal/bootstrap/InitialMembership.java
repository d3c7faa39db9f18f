package io.keel.raft.internal.bootstrap;

import io.keel.api.config.KeelConfig;
import io.keel.raft.internal.ClusterView;
import io.keel.raft.internal.Identity;
import java.io.IOException;
import java.net.URI;
import java.util.concurrent.CompletableFuture;

/**
 * Decides who this member is, and whom it starts with, the first time its data dir is used (later
 * starts read the kept {@link Identity} back and never ask). etcd's static bootstrap from {@code
 * initial-*} flags is {@link StaticMembership}; DNS SRV and discovery services decide the same
 * thing from elsewhere.
 */
public interface InitialMembership {

  /**
   * The identity of this member's first start; IllegalArgumentException for a configuration etcd
   * rejects, IOException if the cluster to join cannot be reached.
   */
  Identity decide(KeelConfig config, ClusterQuery cluster) throws IOException;

  /** Asks a running member, by its peer URL, for the cluster's ID and member list. */
  interface ClusterQuery {
    CompletableFuture<ClusterView> ask(URI peerUrl);
  }
}
