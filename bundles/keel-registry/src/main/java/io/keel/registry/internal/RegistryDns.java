package io.keel.registry.internal;

import io.keel.dns.DnsServer;
import io.keel.dns.Zone;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's DNS interface, Consul's names under {@code <domain>}: {@code <service>.service.<domain>}
 * and {@code <tag>.<service>.service.<domain>} answer A (each passing instance's address) and SRV
 * (its port, target {@code <hex address>.addr.<domain>} with that address, Consul's form for an
 * instance with its own address). Only passing instances; nothing else under the domain exists
 * (NXDOMAIN). Served by the DNS fixture's server (dnsjava); a new {@link Zone} is swapped in whole
 * after every change of the registry's index, so a query sees one state or the next.
 */
public final class RegistryDns implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RegistryDns.class);
  /** Records carry TTL 0, as Consul's service answers do by default: a resolver asks again next time. */
  private static final long TTL = 0;

  private final Registry registry;
  private final InetAddress address;
  private final int port;
  private final String domain;
  private DnsServer server;
  private Thread updater;
  private volatile boolean closed;

  public RegistryDns(Registry registry, String listenAddress, String domain) {
    this.registry = registry;
    int colon = listenAddress.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("dns-listen-address must be host:port, got \"" + listenAddress + "\"");
    }
    try {
      this.address = InetAddress.getByName(listenAddress.substring(0, colon).replace("[", "").replace("]", ""));
      this.port = Integer.parseInt(listenAddress.substring(colon + 1));
    } catch (UnknownHostException | NumberFormatException e) {
      throw new IllegalArgumentException("dns-listen-address must be host:port, got \"" + listenAddress + "\"", e);
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("dns-listen-address must be host:port, got \"" + listenAddress + "\"");
    }
    this.domain = domain.endsWith(".") ? domain : domain + ".";
  }

  public RegistryDns start() throws IOException {
    server = new DnsServer(List.of(address), port, zone(registry.snapshot(), domain)).start();
    LOG.info("registry DNS serving address={} port={} domain={}", address.getHostAddress(), server.port(), domain);
    updater = new Thread(this::follow, "keel-registry-dns");
    updater.setDaemon(true);
    updater.start();
    return this;
  }

  public int port() {
    return server.port();
  }

  private void follow() {
    long seen = 0;
    while (!closed) {
      try {
        seen = registry.index().awaitAfter(seen, 5_000);
        server.replace(zone(registry.snapshot(), domain));
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        LOG.warn("registry DNS could not read the registry, retrying: {}", e.toString());
        try {
          Thread.sleep(1000);
        } catch (InterruptedException stop) {
          return;
        }
      }
    }
  }

  /** The records for {@code s}: passing instances only. */
  static Zone zone(Snapshot s, String domain) {
    Zone.Builder b = Zone.builder().ttl(TTL).local(domain);
    for (Instance i : s.instances()) {
      if (i.health() != HealthStatus.PASSING) {
        continue;
      }
      ServiceDefinition d = i.service();
      String ip = d.address().isEmpty() ? d.nodeAddress() : d.address();
      byte[] raw;
      try {
        raw = InetAddress.getByName(ip).getAddress();
      } catch (UnknownHostException e) {
        continue; // a host name as Address: Consul answers a CNAME; Keel serves addresses only
      }
      StringBuilder hex = new StringBuilder();
      for (byte x : raw) {
        hex.append(String.format("%02x", x & 0xff));
      }
      String target = hex + ".addr." + domain;
      b.host(target, ip);
      List<String> names = new ArrayList<>();
      names.add(label(d.name()) + ".service." + domain);
      for (String tag : d.tags()) {
        names.add(label(tag) + "." + label(d.name()) + ".service." + domain);
      }
      for (String name : names) {
        try {
          b.host(name, ip);
          b.srv(name, target, d.port(), 1, 1);
        } catch (RuntimeException notAName) {
          // a tag or name that is not a DNS label is simply not in DNS (Consul does the same)
        }
      }
    }
    return b.build();
  }

  private static String label(String s) {
    return s.toLowerCase(Locale.ROOT);
  }

  @Override
  public void close() {
    closed = true;
    if (updater != null) {
      updater.interrupt();
    }
    if (server != null) {
      server.close();
    }
  }
}
