package io.keel.bootstrap.internal;

import io.keel.api.bootstrap.InitialMembership;
import io.keel.api.config.KeelConfig;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * etcd's DNS SRV bootstrap (discovery-srv; etcd's GetDNSClusterNames and srv.GetCluster):
 *
 * <ol>
 *   <li>resolve this member's initial-advertise-peer-urls to host:port addresses;
 *   <li>query {@code _etcd-server-ssl[-NAME]._tcp.DOMAIN} (https) and {@code _etcd-server[-NAME]._tcp.DOMAIN}
 *       (http) and combine what both give: for each record, resolve the target; the one whose
 *       address:port is one of ours is this member (named {@code name}), the others get etcd's
 *       placeholder names "0", "1", ...; the URL is scheme://target-without-dot:port;
 *   <li>a record that is ours but in the other scheme is etcd's scheme-mismatch error;
 *   <li>fail only when neither service gives a member (etcd 3.4.23 inverts the http check and so
 *       fails with http-only records; this is what etcd intends and 3.5 does), or when none of the
 *       records is this member ("cannot find local etcd member %q in SRV records").
 * </ol>
 *
 * Unlike etcd, whose placeholder counter restarts for the second service (so an https "0" and an
 * http "0" would merge into one member), the counter runs across both: distinct records are
 * distinct members.
 */
public final class SrvMembership implements InitialMembership {
  private final SrvResolver dns;

  public SrvMembership(SrvResolver dns) {
    this.dns = dns;
  }

  @Override
  public Map<String, List<URI>> initialCluster(KeelConfig config) throws IOException {
    Map<String, URI> ours = new LinkedHashMap<>();
    for (URI u : config.initialAdvertisePeerUrls()) {
      ours.put(dns.resolve(u.getHost()).getHostAddress() + ":" + u.getPort(), u);
    }
    String suffix = config.discoverySrvName().isEmpty() ? "" : "-" + config.discoverySrvName();
    String domain = config.discoverySrv().endsWith(".") ? config.discoverySrv() : config.discoverySrv() + ".";
    int[] placeholder = {0};
    List<String[]> found = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    for (String[] service : new String[][] {{"https", "etcd-server-ssl" + suffix}, {"http", "etcd-server" + suffix}}) {
      String error = query(service[0], service[1], domain, config.name(), ours, placeholder, found);
      if (error != null) {
        errors.add("error querying DNS SRV records for _" + service[1] + " " + error);
      }
    }
    if (found.isEmpty()) {
      throw new IOException(String.join("; ", errors));
    }
    Map<String, List<URI>> cluster = new LinkedHashMap<>();
    for (String[] member : found) {
      cluster.computeIfAbsent(member[0], n -> new ArrayList<>()).add(URI.create(member[1]));
    }
    if (!cluster.containsKey(config.name())) {
      throw new IllegalArgumentException("cannot find local etcd member \"" + config.name() + "\" in SRV records");
    }
    return cluster;
  }

  /** One service's records into {@code found}; the error etcd would return for it, or null. */
  private String query(String scheme, String service, String domain, String name, Map<String, URI> ours, int[] placeholder,
      List<String[]> found) {
    List<SrvResolver.Srv> records;
    try {
      records = dns.lookupSrv("_" + service + "._tcp." + domain);
    } catch (IOException e) {
      return e.getMessage();
    }
    String error = null;
    int before = found.size();
    for (SrvResolver.Srv srv : records) {
      String address;
      try {
        address = dns.resolve(srv.target()).getHostAddress() + ":" + srv.port();
      } catch (IOException e) {
        error = e.getMessage();
        continue;
      }
      URI local = ours.get(address);
      String host = srv.target().endsWith(".") ? srv.target().substring(0, srv.target().length() - 1) : srv.target();
      String urlHost = host.contains(":") ? "[" + host + "]:" + srv.port() : host + ":" + srv.port();
      if (local != null && !local.getScheme().equals(scheme)) {
        error = "bootstrap at " + scheme + "://" + urlHost + " from DNS for " + service
            + " has scheme mismatch with expected peer " + local;
        continue;
      }
      String member = local != null ? name : Integer.toString(placeholder[0]++);
      found.add(new String[] {member, scheme + "://" + urlHost});
    }
    return found.size() > before ? null : error;
  }
}
