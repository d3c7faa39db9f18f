package io.keel.raft.internal.bootstrap;

import io.keel.api.config.KeelConfig;
import io.keel.raft.internal.Identity;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first start with an initial cluster decided elsewhere (keel-api's {@link
 * io.keel.api.bootstrap.InitialMembership}: static, DNS SRV, discovery), then etcd's checks and IDs
 * over it exactly as for a static one ({@link StaticMembership}). A failure to decide gets etcd's
 * prefix, "error setting up initial cluster: ".
 */
public final class DecidedMembership implements InitialMembership {
  private static final Logger LOG = LoggerFactory.getLogger(DecidedMembership.class);
  private final io.keel.api.bootstrap.InitialMembership strategy;

  public DecidedMembership(io.keel.api.bootstrap.InitialMembership strategy) {
    this.strategy = strategy;
  }

  @Override
  public Identity decide(KeelConfig config, ClusterQuery cluster) throws IOException {
    Map<String, List<URI>> decided;
    try {
      decided = strategy.initialCluster(config);
    } catch (IOException e) {
      throw new IOException("error setting up initial cluster: " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("error setting up initial cluster: " + e.getMessage(), e);
    }
    LOG.info("initial cluster decided name={} members={}", config.name(), decided);
    return new StaticMembership().decide(config.withInitialCluster(decided), cluster);
  }
}
