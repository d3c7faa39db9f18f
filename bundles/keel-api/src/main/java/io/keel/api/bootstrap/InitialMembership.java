package io.keel.api.bootstrap;

import io.keel.api.config.KeelConfig;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * Decides the initial cluster a member bootstraps with, the first time its data dir is used (later
 * starts read the kept identity back and never ask), as etcd's PeerURLsMapAndToken does: from
 * {@code initial-cluster} (static), from DNS SRV records ({@code discovery-srv}), or from a discovery
 * service. keel-bootstrap provides it; keel-raft turns the result into member and cluster IDs and
 * knows nothing of DNS.
 */
public interface InitialMembership {

  /**
   * The initial cluster, name to peer URLs, in the order found. IllegalArgumentException for a
   * configuration etcd rejects (with etcd's text); IOException when the source cannot be read.
   */
  Map<String, List<URI>> initialCluster(KeelConfig config) throws IOException;
}
