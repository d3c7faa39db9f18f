package io.keel.bootstrap.internal;

import io.keel.api.config.KeelConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Address;
import org.xbill.DNS.Cache;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * SRV and address look-ups through dnsjava: the system's resolver (/etc/resolv.conf for SRV, the
 * JVM's resolver, with /etc/hosts, for addresses), as etcd uses Go's, or one DNS server given as
 * {@code discovery-dns-server=host:port} (both questions go there, after /etc/hosts for addresses).
 *
 * <p>A server that does not answer is asked again, {@value #ATTEMPTS} times in all with a pause
 * that doubles from {@value #FIRST_PAUSE_MS} ms, each try bounded by the resolver's timeout; then the
 * look-up fails with Go's wording ("i/o timeout", "server misbehaving") and the attempts made. A
 * name that does not exist ("no such host") is not asked again.
 */
public final class DnsjavaSrvResolver implements SrvResolver {
  private static final Logger LOG = LoggerFactory.getLogger(DnsjavaSrvResolver.class);
  static final int ATTEMPTS = 3;
  static final long FIRST_PAUSE_MS = 500;
  private static final Duration TIMEOUT = Duration.ofSeconds(2);

  private final Resolver resolver;
  private final String serverName;
  private final boolean system;

  DnsjavaSrvResolver(Resolver resolver, String serverName, boolean system) {
    this.resolver = resolver;
    this.serverName = serverName;
    this.system = system;
  }

  /** The resolver {@code config} asks for: discovery-dns-server when set, else the system's. */
  public static DnsjavaSrvResolver forConfig(KeelConfig config) throws IOException {
    String server = config.discoveryDnsServer();
    if (server.isEmpty()) {
      ExtendedResolver system = new ExtendedResolver();
      system.setTimeout(TIMEOUT);
      List<InetSocketAddress> servers = ResolverConfig.getCurrentConfig().servers();
      String shown = servers.isEmpty() ? "the system resolver" : hostPort(servers.get(0));
      return new DnsjavaSrvResolver(system, shown, true);
    }
    int colon = server.lastIndexOf(':');
    String host = server.substring(0, colon).replace("[", "").replace("]", "");
    int port = Integer.parseInt(server.substring(colon + 1));
    SimpleResolver simple = new SimpleResolver(new InetSocketAddress(InetAddress.getByName(host), port));
    simple.setTimeout(TIMEOUT);
    return new DnsjavaSrvResolver(simple, server, false);
  }

  private static String hostPort(InetSocketAddress a) {
    String h = a.getAddress().getHostAddress();
    return (h.contains(":") ? "[" + h + "]" : h) + ":" + a.getPort();
  }

  @Override
  public List<Srv> lookupSrv(String name) throws IOException {
    List<Srv> out = new ArrayList<>();
    for (Record r : lookup(name, Type.SRV)) {
      SRVRecord s = (SRVRecord) r;
      out.add(new Srv(s.getTarget().toString(), s.getPort(), s.getPriority(), s.getWeight()));
    }
    return out;
  }

  @Override
  public InetAddress resolve(String host) throws IOException {
    String h = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    if (Address.isDottedQuad(h) || Address.toByteArray(h, Address.IPv6) != null) {
      return Address.getByAddress(h);
    }
    if (system || h.equalsIgnoreCase("localhost")) {
      try {
        return InetAddress.getByName(h); // the JVM's resolver: /etc/hosts, then /etc/resolv.conf
      } catch (UnknownHostException e) {
        throw new IOException("lookup " + h + " on " + serverName + ": no such host", e);
      }
    }
    InetAddress hosts = new org.xbill.DNS.hosts.HostsFileParser().getAddressForHost(name(h + "."), Type.A)
        .or(() -> hostsAaaa(h)).orElse(null);
    if (hosts != null) {
      return hosts;
    }
    IOException v4Error;
    try {
      return Address.getByAddress(lookup(h + ".", Type.A).get(0).rdataToString());
    } catch (IOException e) {
      v4Error = e;
    }
    try {
      return Address.getByAddress(lookup(h + ".", Type.AAAA).get(0).rdataToString());
    } catch (IOException e) {
      throw v4Error;
    }
  }

  private static java.util.Optional<InetAddress> hostsAaaa(String h) {
    try {
      return new org.xbill.DNS.hosts.HostsFileParser().getAddressForHost(name(h + "."), Type.AAAA);
    } catch (IOException e) {
      return java.util.Optional.empty();
    }
  }

  private List<Record> lookup(String name, int type) throws IOException {
    long pause = FIRST_PAUSE_MS;
    for (int attempt = 1; ; attempt++) {
      Lookup l = new Lookup(name(name), type);
      l.setResolver(resolver);
      l.setCache(new Cache()); // never an answer from before: a reload of the records must be seen
      l.setSearchPath((Name[]) null);
      Record[] records = l.run();
      switch (l.getResult()) {
        case Lookup.SUCCESSFUL:
          return List.of(records);
        case Lookup.HOST_NOT_FOUND:
        case Lookup.TYPE_NOT_FOUND:
          throw new IOException("lookup " + name + " on " + serverName + ": no such host");
        default:
          String why = switch (String.valueOf(l.getErrorString())) {
            case "timed out" -> "i/o timeout";
            case "network error" -> "no answer (network error)";
            default -> "server misbehaving (" + l.getErrorString() + ")";
          };
          if (attempt >= ATTEMPTS) {
            throw new IOException("lookup " + name + " on " + serverName + ": " + why + " (" + attempt + " attempts)");
          }
          LOG.warn("dns lookup failed name={} server={} error=\"{}\" attempt={} of {}", name, serverName, l.getErrorString(),
              attempt, ATTEMPTS);
          try {
            Thread.sleep(pause);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while looking up " + name, e);
          }
          pause *= 2;
      }
    }
  }

  private static Name name(String s) throws IOException {
    try {
      return Name.fromString(s, Name.root);
    } catch (TextParseException e) {
      throw new IOException("bad DNS name \"" + s + "\": " + e.getMessage(), e);
    }
  }
}
