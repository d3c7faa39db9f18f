package io.keel.bootstrap.internal;

import io.keel.api.bootstrap.InitialMembership;
import io.keel.api.bootstrap.MemberIds;
import io.keel.api.config.KeelConfig;
import io.keel.bootstrap.internal.discovery.DiscoveryKeys;
import io.keel.bootstrap.internal.discovery.HttpDiscoveryKeys;
import io.keel.bootstrap.internal.discovery.Backoff;
import io.keel.bootstrap.internal.discovery.V2Discovery;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * etcd's discovery URL bootstrap (discovery=URL): this member registers under its ID, computed as
 * etcd computes it with the discovery URL as the cluster token (KeelConfig makes the URL the
 * token), with the value etcd registers, {@code name=peerURL} for each advertised peer URL
 * (sorted, as etcd's URLsMap prints them), and the cluster is whoever the discovery service lists
 * first ({@link V2Discovery}).
 */
public final class DiscoveryMembership implements InitialMembership {
  private final DiscoveryKeys keys;
  private final Backoff.Sleeper sleeper;

  public DiscoveryMembership(DiscoveryKeys keys, Backoff.Sleeper sleeper) {
    this.keys = keys;
    this.sleeper = sleeper;
  }

  /** Over HTTP to the discovery URL's host (through discovery-proxy when set), sleeping for real between retries. */
  public static DiscoveryMembership forConfig(KeelConfig config) {
    URI url = URI.create(config.discovery());
    URI service = URI.create(url.getScheme() + "://" + url.getRawAuthority());
    return new DiscoveryMembership(new HttpDiscoveryKeys(service, config.discoveryProxy()), Thread::sleep);
  }

  @Override
  public Map<String, List<URI>> initialCluster(KeelConfig config) throws IOException {
    long id = MemberIds.memberId(config.initialAdvertisePeerUrls(), config.initialClusterToken());
    V2Discovery discovery = new V2Discovery(keys, URI.create(config.discovery()), id, config.discoveryRetries(), sleeper);
    return discovery.joinCluster(registration(config));
  }

  /**
   * What a member registers with either discovery protocol: {@code name=peerURL} for each advertised
   * peer URL, sorted and comma-joined, as etcd's URLsMap.String() prints its one-member map.
   */
  static String registration(KeelConfig config) {
    List<String> pairs = new ArrayList<>();
    for (URI u : config.initialAdvertisePeerUrls()) {
      pairs.add(config.name() + "=" + u);
    }
    pairs.sort(null);
    return String.join(",", pairs);
  }
}
