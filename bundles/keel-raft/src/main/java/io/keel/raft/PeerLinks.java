package io.keel.raft;

import java.util.Set;

/**
 * A fault hook for tests that run a cluster in one JVM: this member's links with its peers, which a
 * test cuts to make a network partition. Nothing is cut unless a test asks; production never does.
 */
public interface PeerLinks {

  /**
   * Cuts this member's links with these peers ("host:port" of their peer URLs), replacing any cut
   * before. Cut both ways (on this member and on those peers) for a real partition.
   */
  void cut(Set<String> peerEndpoints);

  /** Heals every link this member had cut. */
  default void heal() {
    cut(Set.of());
  }
}
