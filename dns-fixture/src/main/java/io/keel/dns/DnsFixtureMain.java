package io.keel.dns;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code java -jar keel-dns.jar --conf FILE} (the appliance's {@code bin/keel dns}): serve until killed. */
@Command(name = "keel dns", mixinStandardHelpOptions = true,
    description = "A dnsmasq-like authoritative DNS server for tests, demos and one-host clusters. "
        + "Reads a dnsmasq-style file, answers over UDP and TCP, reloads on SIGHUP and when the file changes.")
public final class DnsFixtureMain implements Callable<Integer> {
  @Option(names = "--conf", required = true, paramLabel = "FILE", description = "dnsmasq-style configuration file")
  Path conf;

  @Option(names = "--port", paramLabel = "N", description = "overrides port= (default: the file's, else 53)")
  Integer port;

  @Option(names = "--listen-address", paramLabel = "IP", split = ",",
      description = "overrides listen-address= (default: the file's, else 127.0.0.1)")
  List<String> listen;

  @Option(names = "--poll-ms", paramLabel = "MS", defaultValue = "1000", description = "how often to look for file changes")
  long pollMs;

  @Override
  public Integer call() throws Exception {
    DnsmasqConfig parser = new DnsmasqConfig();
    FixtureConfig cfg;
    try {
      cfg = parser.read(conf);
    } catch (ConfigException e) {
      System.err.println("keel dns: " + e.getMessage());
      return 1;
    }
    List<InetAddress> addresses = listen == null ? cfg.listenAddresses() : listen.stream().map(Names::address).toList();
    int p = port == null ? cfg.port() : port;
    FixtureConfig effective = new FixtureConfig(addresses, p, cfg.zone(), cfg.files(), cfg.noResolv());
    CountDownLatch stop = new CountDownLatch(1);
    try (DnsServer server = new DnsServer(addresses, p, cfg.zone()).start();
         ConfigReloader reloader = new ConfigReloader(conf, parser, server, effective).start(pollMs, true)) {
      Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "keel-dns-shutdown"));
      System.out.println("keel dns: serving " + conf + " on " + addresses + " port " + server.port() + " (udp, tcp)");
      System.out.flush();
      stop.await();
    }
    return 0;
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new DnsFixtureMain()).execute(args));
  }
}
