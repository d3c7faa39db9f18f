package io.keel.bootstrap.internal;

import io.keel.api.bootstrap.InitialMembership;
import io.keel.api.config.KeelConfig;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks the strategy the flags ask for, as etcd's PeerURLsMapAndToken does: discovery (URL), else
 * v3 discovery (discovery-endpoints, etcd 3.6), else discovery-srv, else static. (Conflicting flags never get here: KeelConfig refuses them with etcd's text.)
 */
public final class Strategies implements InitialMembership {
  private static final Logger LOG = LoggerFactory.getLogger(Strategies.class);

  @Override
  public Map<String, List<URI>> initialCluster(KeelConfig config) throws IOException {
    if (!config.discovery().isEmpty()) {
      LOG.info("bootstrap strategy=discovery url={} proxy={}", config.discovery(),
          config.discoveryProxy().isEmpty() ? "none" : config.discoveryProxy());
      Map<String, List<URI>> cluster = DiscoveryMembership.forConfig(config).initialCluster(config);
      LOG.info("bootstrap strategy=discovery members={}", cluster);
      return cluster;
    }
    if (config.v3Discovery().enabled()) {
      LOG.info("bootstrap strategy=v3-discovery token={} endpoints={}", config.v3Discovery().token(),
          config.v3Discovery().endpoints());
      Map<String, List<URI>> cluster = V3DiscoveryMembership.forConfig(config).initialCluster(config);
      LOG.info("bootstrap strategy=v3-discovery members={}", cluster);
      return cluster;
    }
    if (!config.discoverySrv().isEmpty()) {
      LOG.info("bootstrap strategy=discovery-srv domain={} service-name={} dns-server={}", config.discoverySrv(),
          config.discoverySrvName(), config.discoveryDnsServer().isEmpty() ? "system" : config.discoveryDnsServer());
      try {
        Map<String, List<URI>> cluster = new SrvMembership(DnsjavaSrvResolver.forConfig(config)).initialCluster(config);
        LOG.info("bootstrap strategy=discovery-srv members={}", cluster);
        return cluster;
      } finally {
        // dnsjava's shared NIO selector thread (and its JVM shutdown hook) outlive the look-ups
        // otherwise; in Karaf the hook would run after this bundle is gone and hold up the JVM's exit
        org.xbill.DNS.NioClient.close();
      }
    }
    LOG.info("bootstrap strategy=static initial-cluster={}", config.initialCluster());
    return new StaticMembership().initialCluster(config);
  }
}
