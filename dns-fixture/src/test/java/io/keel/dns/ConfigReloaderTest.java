package io.keel.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Name;

/** Reload is atomic: a valid change replaces the data, a bad one keeps the old data. Driven by hand: no timing. */
class ConfigReloaderTest {
  @TempDir Path dir;

  @Test
  void aChangedFileIsReloadedAndABadOneKeepsTheOldData() throws Exception {
    Path conf = dir.resolve("d.conf");
    Path hosts = dir.resolve("h.hosts");
    Files.writeString(hosts, "10.0.0.1 one.example.com\n");
    Files.writeString(conf, "no-hosts\nlocal=/example.com/\naddn-hosts=h.hosts\n");
    DnsmasqConfig parser = new DnsmasqConfig();
    FixtureConfig first = parser.read(conf);
    try (DnsServer server = new DnsServer(List.of(InetAddress.getLoopbackAddress()), 0, first.zone()).start();
         ConfigReloader reloader = new ConfigReloader(conf, parser, server, first)) {
      assertFalse(reloader.checkForChange(), "nothing changed yet");

      Files.writeString(hosts, "10.0.0.1 one.example.com\n10.0.0.2 two.example.com\n");
      assertTrue(reloader.checkForChange(), "a hosts file named by addn-hosts is watched too");
      assertTrue(server.zone().hosts.containsKey(Name.fromString("two.example.com.")));

      Zone before = server.zone();
      Files.writeString(conf, "no-hosts\nlocal=/example.com/\naddn-hosts=h.hosts\nbogus-option=1\n");
      assertTrue(reloader.checkForChange());
      assertEquals(before, server.zone(), "a bad file keeps the old data, whole");
      assertFalse(reloader.reload("SIGHUP"), "still bad");

      Files.writeString(conf, "no-hosts\nlocal=/example.com/\nhost-record=three.example.com,10.0.0.3\n");
      assertTrue(reloader.checkForChange());
      assertTrue(server.zone().hosts.containsKey(Name.fromString("three.example.com.")));
      assertFalse(server.zone().hosts.containsKey(Name.fromString("one.example.com.")), "the old data is gone, not merged");
    }
  }
}
