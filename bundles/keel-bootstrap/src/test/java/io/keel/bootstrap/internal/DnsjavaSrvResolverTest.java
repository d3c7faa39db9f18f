package io.keel.bootstrap.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.api.config.KeelConfig;
import io.keel.dns.junit.DnsFixtureExtension;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** SRV bootstrap against real DNS: the dns-fixture on a free port, asked through discovery-dns-server. */
class DnsjavaSrvResolverTest {
  @RegisterExtension
  static DnsFixtureExtension dns = DnsFixtureExtension.with(z -> z.local("example.com")
      // seed 000's form: srv-host=_etcd-server._tcp.<domain>,<host>,2380,0,100
      .srv("_etcd-server._tcp.example.com", "infra0.example.com", 2380, 0, 100)
      .srv("_etcd-server._tcp.example.com", "infra1.example.com", 2381, 0, 100)
      .srv("_etcd-server._tcp.example.com", "localhost", 2382, 0, 100)
      .host("infra0.example.com", "127.0.0.1").host("infra1.example.com", "127.0.0.1"));

  private KeelConfig config(String name, String advertise, String dnsServer) {
    return KeelConfig.from(Map.of("name", name, "initial-advertise-peer-urls", advertise, "discovery-srv", "example.com",
        "discovery-dns-server", dnsServer), Map.of());
  }

  @Test
  void httpOnlyRecordsFromARealServerMakeTheCluster() throws Exception {
    Map<String, List<URI>> c = new Strategies().initialCluster(config("m1", "http://127.0.0.1:2381", dns.hostPort()));
    assertEquals(java.util.Set.of("0", "m1", "1"), c.keySet(), "the others get placeholders, in the order DNS gives them");
    assertEquals(List.of(URI.create("http://infra1.example.com:2381")), c.get("m1"));
    assertEquals(java.util.Set.of(URI.create("http://infra0.example.com:2380"), URI.create("http://localhost:2382")),
        java.util.Set.of(c.get("0").get(0), c.get("1").get(0)), "SRV targets are absolute; the URL drops the dot");
  }

  @Test
  void targetsAreResolvedThroughHostsToo() throws Exception {
    Map<String, List<URI>> c = new Strategies().initialCluster(config("m2", "http://localhost:2382", dns.hostPort()));
    assertEquals(List.of(URI.create("http://localhost:2382")), c.get("m2"));
  }

  @Test
  void noLocalMemberIsEtcdsError() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Strategies().initialCluster(config("m9", "http://127.0.0.1:2999", dns.hostPort())));
    assertEquals("cannot find local etcd member \"m9\" in SRV records", e.getMessage());
  }

  @Test
  void aServerThatDoesNotAnswerIsAskedABoundedNumberOfTimesThenAClearError() throws Exception {
    String silent;
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      silent = "127.0.0.1:" + s.getLocalPort(); // bound but never read: queries time out
      String server = silent;
      IOException e = assertThrows(IOException.class, () -> new Strategies().initialCluster(config("m1", "http://127.0.0.1:2381", server)));
      assertTrue(e.getMessage().startsWith("error querying DNS SRV records for _etcd-server-ssl lookup _etcd-server-ssl._tcp.example.com. on "
          + silent + ": "), e.getMessage());
      assertTrue(e.getMessage().contains("(" + DnsjavaSrvResolver.ATTEMPTS + " attempts)"), e.getMessage());
      assertTrue(e.getMessage().contains("error querying DNS SRV records for _etcd-server lookup _etcd-server._tcp.example.com. on "
          + silent), e.getMessage());
    }
  }
}
