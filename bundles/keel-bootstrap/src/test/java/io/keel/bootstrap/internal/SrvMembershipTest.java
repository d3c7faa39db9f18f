package io.keel.bootstrap.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.keel.api.config.KeelConfig;
import java.io.IOException;
import java.net.URI;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SrvMembershipTest {
  static KeelConfig config(String name, String advertise, String... extra) {
    Map<String, String> p = new HashMap<>();
    p.put("name", name);
    p.put("initial-advertise-peer-urls", advertise);
    p.put("discovery-srv", "example.com");
    for (int i = 0; i < extra.length; i += 2) {
      p.put(extra[i], extra[i + 1]);
    }
    return KeelConfig.from(p, Map.of());
  }

  static Map<String, List<URI>> cluster(String... pairs) {
    Map<String, List<URI>> m = new LinkedHashMap<>();
    for (String pair : pairs) {
      int eq = pair.indexOf('=');
      m.computeIfAbsent(pair.substring(0, eq), k -> new java.util.ArrayList<>()).add(URI.create(pair.substring(eq + 1)));
    }
    return m;
  }

  private static FakeSrvResolver threeHttp() {
    return new FakeSrvResolver()
        .srv("_etcd-server._tcp.example.com.", "infra0.example.com.", 2380)
        .srv("_etcd-server._tcp.example.com.", "infra1.example.com.", 2380)
        .srv("_etcd-server._tcp.example.com.", "infra2.example.com.", 2380)
        .host("infra0.example.com", "10.0.1.10").host("infra1.example.com", "10.0.1.11").host("infra2.example.com", "10.0.1.12");
  }

  @Test
  void httpOnlyRecordsWorkUnlikeEtcd3423AndOthersGetPlaceholderNames() throws Exception {
    Map<String, List<URI>> c = new SrvMembership(threeHttp()).initialCluster(config("infra1", "http://10.0.1.11:2380"));
    assertEquals(cluster("0=http://infra0.example.com:2380", "infra1=http://infra1.example.com:2380", "1=http://infra2.example.com:2380"), c);
  }

  @Test
  void theLocalMemberIsFoundByResolvedAddressNotByName() throws Exception {
    FakeSrvResolver dns = threeHttp().host("me.internal", "10.0.1.12");
    Map<String, List<URI>> c = new SrvMembership(dns).initialCluster(config("infra2", "http://me.internal:2380"));
    assertEquals(List.of(URI.create("http://infra2.example.com:2380")), c.get("infra2"));
  }

  @Test
  void httpsAndHttpRecordsAreCombined() throws Exception {
    FakeSrvResolver dns = threeHttp().srv("_etcd-server-ssl._tcp.example.com.", "secure.example.com.", 2380)
        .host("secure.example.com", "10.0.1.20");
    Map<String, List<URI>> c = new SrvMembership(dns).initialCluster(config("infra0", "http://10.0.1.10:2380"));
    assertEquals(cluster("0=https://secure.example.com:2380", "infra0=http://infra0.example.com:2380",
        "1=http://infra1.example.com:2380", "2=http://infra2.example.com:2380"), c);
  }

  @Test
  void theServiceNameSuffixIsQueried() throws Exception {
    FakeSrvResolver dns = new FakeSrvResolver().srv("_etcd-server-ssl-prod._tcp.example.com.", "a.example.com.", 2380)
        .host("a.example.com", "10.0.0.1");
    Map<String, List<URI>> c = new SrvMembership(dns)
        .initialCluster(config("a", "https://10.0.0.1:2380", "discovery-srv-name", "prod"));
    assertEquals(cluster("a=https://a.example.com:2380"), c);
  }

  @Test
  void recordsNamingNoLocalAddressAreEtcdsError() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new SrvMembership(threeHttp()).initialCluster(config("infra9", "http://10.0.1.99:2380")));
    assertEquals("cannot find local etcd member \"infra9\" in SRV records", e.getMessage());
  }

  @Test
  void ourAddressUnderTheOtherSchemeIsEtcdsSchemeMismatch() {
    FakeSrvResolver dns = new FakeSrvResolver().srv("_etcd-server._tcp.example.com.", "infra0.example.com.", 2380)
        .host("infra0.example.com", "10.0.1.10");
    IOException e = assertThrows(IOException.class,
        () -> new SrvMembership(dns).initialCluster(config("infra0", "https://10.0.1.10:2380")));
    assertEquals("error querying DNS SRV records for _etcd-server-ssl lookup _etcd-server-ssl._tcp.example.com. on fake: no such host; "
        + "error querying DNS SRV records for _etcd-server bootstrap at http://infra0.example.com:2380 from DNS for etcd-server "
        + "has scheme mismatch with expected peer https://10.0.1.10:2380", e.getMessage());
  }

  @Test
  void noRecordsAtAllNameBothLookups() {
    IOException e = assertThrows(IOException.class,
        () -> new SrvMembership(new FakeSrvResolver()).initialCluster(config("a", "http://10.0.0.1:2380")));
    assertEquals("error querying DNS SRV records for _etcd-server-ssl lookup _etcd-server-ssl._tcp.example.com. on fake: no such host; "
        + "error querying DNS SRV records for _etcd-server lookup _etcd-server._tcp.example.com. on fake: no such host", e.getMessage());
  }

  @Test
  void explicitInitialClusterWithDiscoverySrvIsEtcdsConflictError() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> config("a", "http://10.0.0.1:2380", "initial-cluster", "a=http://10.0.0.1:2380"));
    assertEquals("multiple discovery or bootstrap flags are set. Choose one of \"initial-cluster\", \"discovery\" or \"discovery-srv\"",
        e.getMessage());
  }

  @Test
  void withoutDiscoverySrvTheStaticStrategyKeepsInitialCluster() throws Exception {
    Map<String, String> p = Map.of("name", "a", "initial-cluster", "a=http://10.0.0.1:2380,b=http://10.0.0.2:2380",
        "initial-advertise-peer-urls", "http://10.0.0.1:2380");
    KeelConfig c = KeelConfig.from(p, Map.of());
    assertEquals(cluster("a=http://10.0.0.1:2380", "b=http://10.0.0.2:2380"), new Strategies().initialCluster(c));
  }
}
