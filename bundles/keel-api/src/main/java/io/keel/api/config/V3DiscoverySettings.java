package io.keel.api.config;

import java.net.URI;
import java.util.List;

/**
 * etcd 3.6's v3 discovery (its DiscoveryConfig): the cluster registers under
 * {@code /_etcd/registry/<token>/} in an existing etcd (or Keel) cluster reached at {@code
 * endpoints}, through the v3 API. Keel speaks to the endpoints through their JSON gateway (the
 * client port serves it beside gRPC, as etcd's does).
 *
 * @param token discovery-token, also the new cluster's token (member and cluster IDs derive from it)
 * @param endpoints discovery-endpoints, each {@code http(s)://host:port}; empty when v3 discovery is off
 * @param dialTimeoutMs discovery-dial-timeout
 * @param requestTimeoutMs discovery-request-timeout
 * @param user discovery-user, empty for none
 * @param password discovery-password
 */
public record V3DiscoverySettings(String token, List<URI> endpoints, long dialTimeoutMs, long requestTimeoutMs,
    String user, String password) {

  /** Off: no endpoints. */
  public static final V3DiscoverySettings OFF = new V3DiscoverySettings("", List.of(), 2000, 5000, "", "");

  public V3DiscoverySettings {
    endpoints = List.copyOf(endpoints);
  }

  public boolean enabled() {
    return !endpoints.isEmpty();
  }

  @Override
  public String toString() {
    return "V3DiscoverySettings[token=" + token + ", endpoints=" + endpoints + ", user=" + user + "]"; // no password
  }
}
