package io.keel.dns.osgi;

import io.keel.dns.ConfigException;
import io.keel.dns.ConfigReloader;
import io.keel.dns.DnsServer;
import io.keel.dns.DnsmasqConfig;
import io.keel.dns.FixtureConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;

/** The DNS fixture in Karaf (feature keel-dns): reads etc/io.keel.dns.cfg, serves, reloads on change. */
@Component(configurationPid = "io.keel.dns", configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true,
    service = {})
@Designate(ocd = DnsFixtureConfig.class)
public final class DnsFixtureComponent {
  private DnsServer server;
  private ConfigReloader reloader;

  @Activate
  void activate(DnsFixtureConfig config) throws IOException, ConfigException {
    Path conf = Path.of(config.conf());
    DnsmasqConfig parser = new DnsmasqConfig();
    FixtureConfig parsed = parser.read(conf);
    List<InetAddress> addresses = List.of(InetAddress.getByName(config.listen$_$address()));
    FixtureConfig effective = new FixtureConfig(addresses, config.port(), parsed.zone(), parsed.files(), parsed.noResolv());
    server = new DnsServer(addresses, config.port(), parsed.zone()).start();
    reloader = new ConfigReloader(conf, parser, server, effective).start(config.poll$_$ms(), false);
  }

  @Deactivate
  void deactivate() {
    if (reloader != null) {
      reloader.close();
    }
    if (server != null) {
      server.close();
    }
  }
}
