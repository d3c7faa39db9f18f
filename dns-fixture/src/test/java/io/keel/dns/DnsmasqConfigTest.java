package io.keel.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xbill.DNS.Name;

class DnsmasqConfigTest {
  @TempDir Path dir;

  private FixtureConfig parse(String... lines) throws ConfigException {
    return new DnsmasqConfig(dir.resolve("no-such-hosts")).parse(dir.resolve("test.conf"), List.of(lines));
  }

  private static Name n(String s) {
    return Names.parse(s);
  }

  @Test
  void everyOptionIsRead() throws Exception {
    Path hosts = dir.resolve("extra.hosts");
    Files.writeString(hosts, "# comment\n10.0.0.5 a.example.com a   # trailing\n\nfd00::5 a.example.com\n");
    FixtureConfig c = parse(
        "# a comment", "  ", "no-resolv", "no-hosts", "bind-interfaces", "log-queries", "port=5353", "local-ttl=7",
        "listen-address=127.0.0.1,127.0.0.2", "domain=example.com", "local=/example.com/other.test/",
        "srv-host=_etcd-server._tcp.example.com,infra0.example.com,2380,0,100",
        "srv-host=_x._tcp,infra0.example.com", "srv-host=_none._tcp.example.com",
        "address=/infra0.example.com/127.0.0.1", "address=/v6.example.com/::1",
        "host-record=h.example.com,h2.example.com,192.0.2.1,2001:db8::1,300",
        "cname=c.example.com,c2.example.com,h.example.com", "txt-record=t.example.com,\"a, b\",c", "txt-record=t2.example.com",
        "ptr-record=_http._tcp.example.com,svc.example.com", "addn-hosts=extra.hosts");
    assertEquals(5353, c.port());
    assertTrue(c.noResolv());
    assertEquals(List.of(InetAddress.getByName("127.0.0.1"), InetAddress.getByName("127.0.0.2")), c.listenAddresses());
    Zone z = c.zone();
    assertEquals(7, z.ttl);
    assertEquals(List.of(n("example.com"), n("other.test")), List.copyOf(z.localDomains));
    assertEquals(List.of(new Zone.Srv(n("infra0.example.com"), 2380, 0, 100)), z.srv.get(n("_etcd-server._tcp.example.com")));
    assertEquals(List.of(new Zone.Srv(n("infra0.example.com"), 1, 0, 0)), z.srv.get(n("_x._tcp.example.com")), "domain= appended, port 1");
    assertEquals(List.of(new Zone.Srv(Name.root, 1, 0, 0)), z.srv.get(n("_none._tcp.example.com")));
    assertEquals(2, z.addressRules.size());
    assertEquals(2, z.hosts.get(n("h2.example.com")).size());
    assertEquals(300, z.hosts.get(n("h.example.com")).get(0).ttl());
    assertEquals(n("h.example.com"), z.cnames.get(n("c2.example.com")).target());
    assertEquals(List.of(List.of("a, b", "c")), z.txt.get(n("t.example.com")));
    assertEquals(List.of(List.of("")), z.txt.get(n("t2.example.com")));
    assertEquals(List.of(n("svc.example.com")), z.ptr.get(n("_http._tcp.example.com")));
    assertEquals(2, z.hosts.get(n("a.example.com")).size());
    assertEquals(n("a.example.com"), z.reverse.get(n("5.0.0.10.in-addr.arpa")), "the first name of a hosts line owns the PTR");
    assertTrue(c.files().contains(hosts));
  }

  @Test
  void defaultsAreDnsmasqsButLoopbackOnly() throws Exception {
    FixtureConfig c = parse("no-hosts");
    assertEquals(53, c.port());
    assertEquals(List.of(InetAddress.getLoopbackAddress()), c.listenAddresses());
    assertFalse(c.noResolv());
  }

  @Test
  void withoutNoHostsTheHostsFileIsRead() throws Exception {
    Path etcHosts = dir.resolve("hosts");
    Files.writeString(etcHosts, "127.0.0.1 localhost\n");
    FixtureConfig c = new DnsmasqConfig(etcHosts).parse(dir.resolve("x.conf"), List.of("no-resolv"));
    assertTrue(c.zone().hosts.containsKey(n("localhost")));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "server=8.8.8.8|unknown option \"server\"",
      "dhcp-range=1,2|unknown option \"dhcp-range\"",
      "port=abc|port is not a number",
      "port=70000|port must be in 0-65535",
      "no-resolv=yes|no-resolv takes no value",
      "srv-host=|srv-host needs a value",
      "srv-host=_a._tcp.x,t,1,2,3,4|at most",
      "address=example.com/1.2.3.4|address needs /domain/",
      "address=/x.test/not-an-ip|bad address",
      "host-record=only.name|at least one name and one address",
      "cname=lonely|cname needs an alias and a target",
      "local=/x.test/8.8.8.8|never forwards",
      "txt-record=t.example.com,\"open|unterminated quote",
      "addn-hosts=missing.hosts|cannot read hosts file",
      "listen-address=localhost|bad address"})
  void badLinesAreReportedWithTheirLineNumber(String line, String message) {
    ConfigException e = assertThrows(ConfigException.class, () -> parse("no-hosts", "# two", line));
    assertTrue(e.getMessage().startsWith("bad option at line 3 of " + dir.resolve("test.conf") + ": "), e.getMessage());
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }

  @Test
  void badHostsLinesNameTheirFileAndLine() throws Exception {
    Files.writeString(dir.resolve("bad.hosts"), "10.0.0.1 ok\n300.1.1.1 bad\n");
    ConfigException e = assertThrows(ConfigException.class, () -> parse("addn-hosts=bad.hosts"));
    assertTrue(e.getMessage().contains("bad line 2 of hosts file " + dir.resolve("bad.hosts")), e.getMessage());
  }
}
