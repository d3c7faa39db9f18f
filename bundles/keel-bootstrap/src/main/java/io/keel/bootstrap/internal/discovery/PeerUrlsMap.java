package io.keel.bootstrap.internal.discovery;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The registrations a discovery protocol found ({@code name=peerURL,...} each) as etcd's
 * types.NewURLsMap reads them: name to peer URLs, in registration order, a name given twice getting
 * both URLs; then the duplicate-URL check etcd's bootstrap makes of a discovered cluster.
 */
final class PeerUrlsMap {
  private PeerUrlsMap() {}

  /** @param invalidUrl the protocol's error text for an entry that is not name=URL */
  static Map<String, List<URI>> parse(List<String> values, String invalidUrl) throws IOException {
    String joined = String.join(",", values);
    Map<String, List<URI>> cluster = new LinkedHashMap<>();
    Set<String> urls = new HashSet<>();
    for (String pair : joined.split(",")) {
      int eq = pair.indexOf('=');
      URI u;
      try {
        u = eq <= 0 ? null : new URI(pair.substring(eq + 1).trim());
      } catch (Exception e) {
        u = null;
      }
      if (u == null || u.getScheme() == null || u.getHost() == null) {
        throw new DiscoveryException(invalidUrl, joined);
      }
      if (!urls.add(u.toString())) {
        throw new IOException("discovery cluster " + joined + " has duplicate url");
      }
      cluster.computeIfAbsent(pair.substring(0, eq).trim(), k -> new ArrayList<>()).add(u);
    }
    return cluster;
  }
}
