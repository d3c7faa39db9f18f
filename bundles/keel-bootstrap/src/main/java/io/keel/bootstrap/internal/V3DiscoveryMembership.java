package io.keel.bootstrap.internal;

import io.keel.api.bootstrap.InitialMembership;
import io.keel.api.bootstrap.MemberIds;
import io.keel.api.config.KeelConfig;
import io.keel.api.config.V3DiscoverySettings;
import io.keel.bootstrap.internal.discovery.Backoff;
import io.keel.bootstrap.internal.discovery.GatewayRegistryKeys;
import io.keel.bootstrap.internal.discovery.RegistryKeys;
import io.keel.bootstrap.internal.discovery.V3Discovery;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * etcd 3.6's v3 discovery bootstrap (discovery-token and discovery-endpoints): this member registers
 * under its ID, computed as etcd computes it with the discovery token as the cluster token, with
 * the value etcd registers, {@code name=peerURL} for each advertised peer URL (sorted, as etcd's
 * URLsMap prints them), and the cluster is whoever registered first ({@link V3Discovery}).
 */
public final class V3DiscoveryMembership implements InitialMembership {
  private final RegistryKeys keys;
  private final Backoff.Sleeper sleeper;

  public V3DiscoveryMembership(RegistryKeys keys, Backoff.Sleeper sleeper) {
    this.keys = keys;
    this.sleeper = sleeper;
  }

  /** Through the endpoints' JSON gateway, sleeping for real between retries. */
  public static V3DiscoveryMembership forConfig(KeelConfig config) {
    V3DiscoverySettings v3 = config.v3Discovery();
    return new V3DiscoveryMembership(new GatewayRegistryKeys(v3.endpoints(), Duration.ofMillis(v3.dialTimeoutMs()),
        Duration.ofMillis(v3.requestTimeoutMs()), v3.user(), v3.password()), Thread::sleep);
  }

  @Override
  public Map<String, List<URI>> initialCluster(KeelConfig config) throws IOException {
    V3DiscoverySettings v3 = config.v3Discovery();
    long id = MemberIds.memberId(config.initialAdvertisePeerUrls(), v3.token());
    String endpoints = v3.endpoints().stream().map(URI::toString).collect(Collectors.joining(","));
    return new V3Discovery(keys, endpoints, v3.token(), id, config.discoveryRetries(), sleeper)
        .joinCluster(DiscoveryMembership.registration(config));
  }
}
