package io.keel.dns;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.xbill.DNS.Name;

/**
 * Reads a dnsmasq-style configuration file into a {@link FixtureConfig}.
 *
 * <p>One option per line, {@code name=value} or a bare flag; blank lines and lines starting with
 * {@code #} are comments. The options are those dnsmasq documents, with its syntax:
 *
 * <pre>
 * srv-host=_service._prot.[domain],[target[,port[,priority[,weight]]]]   port defaults to 1 as in dnsmasq
 * address=/domain/[domain/...][ip]        A or AAAA for the domains and every name below them
 * host-record=name[,name...],[ipv4],[ipv6][,ttl]
 * cname=alias[,alias...],target[,ttl]
 * txt-record=name[[,text],text]           quotes keep commas
 * ptr-record=name[,target]
 * addn-hosts=FILE|DIR                     hosts-file lines: address name [name...]
 * local=/domain/[domain/...]              never forwarded: unknown names there are NXDOMAIN
 * domain=name                             the domain appended to a srv-host without one
 * listen-address=ip[,ip...]   port=N   local-ttl=N
 * no-resolv  no-hosts  bind-interfaces  log-queries      (flags)
 * </pre>
 *
 * Anything else is refused with its line number: an option the fixture does not implement must not
 * be silently ignored. Without {@code no-hosts} the hosts file ({@code /etc/hosts}) is read, as
 * dnsmasq does; the fixture never forwards, with or without {@code no-resolv}.
 */
public final class DnsmasqConfig {
  private final Path systemHosts;

  /** A parser that reads {@code /etc/hosts} when a file lacks {@code no-hosts}. */
  public DnsmasqConfig() {
    this(Path.of("/etc/hosts"));
  }

  DnsmasqConfig(Path systemHosts) {
    this.systemHosts = systemHosts;
  }

  public FixtureConfig read(Path file) throws ConfigException {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException("cannot read " + file + ": " + e, e);
    }
    return parse(file, lines);
  }

  FixtureConfig parse(Path file, List<String> lines) throws ConfigException {
    State s = new State(file);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      try {
        s.option(line);
      } catch (ConfigException | IllegalArgumentException e) {
        throw new ConfigException("bad option at line " + (i + 1) + " of " + file + ": " + e.getMessage(), e);
      }
    }
    return s.finish();
  }

  private final class State {
    final Path file;
    final Zone.Builder zone = Zone.builder();
    final List<InetAddress> listen = new ArrayList<>();
    final List<Path> files = new ArrayList<>();
    final List<PendingSrv> srvLines = new ArrayList<>();
    Name domain;
    int port = 53;
    boolean noResolv;
    boolean noHosts;

    State(Path file) {
      this.file = file;
      files.add(file);
    }

    void option(String line) throws ConfigException {
      int eq = line.indexOf('=');
      String name = (eq < 0 ? line : line.substring(0, eq)).strip();
      String value = eq < 0 ? null : line.substring(eq + 1).strip();
      switch (name) {
        case "no-resolv" -> noResolv = flag(name, value);
        case "no-hosts" -> noHosts = flag(name, value);
        case "bind-interfaces", "log-queries" -> flag(name, value);
        case "port" -> port = number(name, value, 0, 65535);
        case "local-ttl" -> zone.ttl(number(name, value, 0, Integer.MAX_VALUE));
        case "listen-address" -> {
          for (String a : fields(need(name, value))) {
            listen.add(Names.address(a));
          }
        }
        case "domain" -> domain = Names.parse(fields(need(name, value)).get(0));
        case "local" -> {
          Slashed d = slashed(name, need(name, value));
          if (!d.tail().isEmpty()) {
            throw new ConfigException("local=/domain/ takes no server (\"" + d.tail() + "\"): the fixture never forwards");
          }
          d.domains().forEach(zone::local);
        }
        case "address" -> address(need(name, value));
        case "host-record" -> hostRecord(need(name, value));
        case "cname" -> cname(need(name, value));
        case "txt-record" -> {
          List<String> f = fields(need(name, value));
          zone.txt(Names.parse(f.get(0)), f.size() == 1 ? List.of("") : f.subList(1, f.size()));
        }
        case "ptr-record" -> {
          List<String> f = fields(need(name, value));
          if (f.size() > 2) {
            throw new ConfigException("ptr-record takes a name and at most one target");
          }
          zone.ptr(Names.parse(f.get(0)), f.size() == 2 ? Names.parse(f.get(1)) : null);
        }
        case "srv-host" -> srvLines.add(srv(fields(need(name, value))));
        case "addn-hosts" -> addnHosts(Path.of(need(name, value)));
        default -> throw new ConfigException("unknown option \"" + name + "\"");
      }
    }

    FixtureConfig finish() throws ConfigException {
      for (PendingSrv p : srvLines) {
        // "_ldap._tcp" without a domain: dnsmasq appends domain=, known only once the whole file is read
        Name owner = p.owner().labels() == 3 && domain != null ? Names.parse(p.owner() + domain.toString()) : p.owner();
        zone.srv(owner, p.srv());
      }
      if (!noHosts && Files.isReadable(systemHosts)) {
        files.add(systemHosts);
        readHosts(systemHosts);
      }
      List<InetAddress> addrs = listen.isEmpty() ? List.of(InetAddress.getLoopbackAddress()) : listen;
      return new FixtureConfig(addrs, port, zone.build(), files, noResolv);
    }

    private PendingSrv srv(List<String> f) throws ConfigException {
      Name owner = Names.parse(f.get(0));
      if (f.size() == 1 || f.get(1).isEmpty()) {
        return new PendingSrv(owner, new Zone.Srv(Name.root, 1, 0, 0));
      }
      if (f.size() > 5) {
        throw new ConfigException("srv-host takes at most name,target,port,priority,weight");
      }
      int port = f.size() > 2 ? number("srv-host port", f.get(2), 0, 65535) : 1;
      int priority = f.size() > 3 ? number("srv-host priority", f.get(3), 0, 65535) : 0;
      int weight = f.size() > 4 ? number("srv-host weight", f.get(4), 0, 65535) : 0;
      return new PendingSrv(owner, new Zone.Srv(Names.parse(f.get(1)), port, priority, weight));
    }

    private void address(String value) throws ConfigException {
      Slashed d = slashed("address", value);
      String ip = d.tail();
      if (ip.isEmpty()) {
        d.domains().forEach(zone::local); // address=/domain/ : NXDOMAIN for the domain, as local=
        return;
      }
      List<InetAddress> addrs = ip.equals("#") ? List.of(Names.address("0.0.0.0"), Names.address("::")) : List.of(Names.address(ip));
      for (Name n : d.domains()) {
        zone.addressRule(n, addrs);
      }
    }

    private void hostRecord(String value) throws ConfigException {
      List<String> f = fields(value);
      List<Name> names = new ArrayList<>();
      List<InetAddress> addrs = new ArrayList<>();
      long ttl = -1;
      for (int i = 0; i < f.size(); i++) {
        String v = f.get(i);
        if (Names.isAddress(v)) {
          addrs.add(Names.address(v));
        } else if (i == f.size() - 1 && !addrs.isEmpty() && v.matches("\\d+")) {
          ttl = Long.parseLong(v);
        } else if (addrs.isEmpty()) {
          names.add(Names.parse(v));
        } else {
          throw new ConfigException("host-record: \"" + v + "\" after the addresses is neither an address nor a TTL");
        }
      }
      if (names.isEmpty() || addrs.isEmpty()) {
        throw new ConfigException("host-record needs at least one name and one address");
      }
      for (Name n : names) {
        for (InetAddress a : addrs) {
          zone.host(n, a, ttl);
        }
      }
    }

    private void cname(String value) throws ConfigException {
      List<String> f = new ArrayList<>(fields(value));
      long ttl = -1;
      if (f.size() >= 3 && f.get(f.size() - 1).matches("\\d+")) {
        ttl = Long.parseLong(f.remove(f.size() - 1));
      }
      if (f.size() < 2) {
        throw new ConfigException("cname needs an alias and a target");
      }
      Name target = Names.parse(f.get(f.size() - 1));
      for (String alias : f.subList(0, f.size() - 1)) {
        zone.cname(Names.parse(alias), target, ttl);
      }
    }

    private void addnHosts(Path p) throws ConfigException {
      Path path = p.isAbsolute() ? p : file.toAbsolutePath().getParent().resolve(p);
      if (Files.isDirectory(path)) {
        try (Stream<Path> s = Files.list(path)) {
          for (Path f : s.filter(Files::isRegularFile).sorted().toList()) {
            files.add(f);
            readHosts(f);
          }
        } catch (IOException e) {
          throw new ConfigException("addn-hosts: cannot list " + path + ": " + e, e);
        }
      } else {
        files.add(path);
        readHosts(path);
      }
    }

    private void readHosts(Path path) throws ConfigException {
      List<String> lines;
      try {
        lines = Files.readAllLines(path, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new ConfigException("cannot read hosts file " + path + ": " + e, e);
      }
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i);
        int hash = line.indexOf('#');
        String[] f = (hash < 0 ? line : line.substring(0, hash)).trim().split("\\s+");
        if (f.length == 1 && f[0].isEmpty()) {
          continue;
        }
        try {
          if (f.length < 2) {
            throw new IllegalArgumentException("an address needs at least one name");
          }
          InetAddress a = Names.address(f[0]);
          for (int j = 1; j < f.length; j++) {
            zone.host(Names.parse(f[j]), a, -1);
          }
        } catch (IllegalArgumentException e) {
          throw new ConfigException("bad line " + (i + 1) + " of hosts file " + path + ": " + e.getMessage(), e);
        }
      }
    }
  }

  private record PendingSrv(Name owner, Zone.Srv srv) {}

  private record Slashed(List<Name> domains, String tail) {}

  /** "/a/b/tail" as dnsmasq writes domain lists. */
  private static Slashed slashed(String option, String value) throws ConfigException {
    if (!value.startsWith("/") || value.indexOf('/', 1) < 0) {
      throw new ConfigException(option + " needs /domain/ (got \"" + value + "\")");
    }
    int last = value.lastIndexOf('/');
    List<Name> domains = new ArrayList<>();
    for (String d : value.substring(1, last).split("/")) {
      if (d.isEmpty()) {
        throw new ConfigException(option + ": empty domain in \"" + value + "\"");
      }
      domains.add(Names.parse(d));
    }
    return new Slashed(domains, value.substring(last + 1).strip());
  }

  private static boolean flag(String name, String value) throws ConfigException {
    if (value != null) {
      throw new ConfigException(name + " takes no value");
    }
    return true;
  }

  private static String need(String name, String value) throws ConfigException {
    if (value == null || value.isEmpty()) {
      throw new ConfigException(name + " needs a value");
    }
    return value;
  }

  private static int number(String name, String value, int min, int max) throws ConfigException {
    try {
      int n = Integer.parseInt(need(name, value).strip());
      if (n < min || n > max) {
        throw new ConfigException(name + " must be in " + min + "-" + max + " (got " + n + ")");
      }
      return n;
    } catch (NumberFormatException e) {
      throw new ConfigException(name + " is not a number: \"" + value + "\"", e);
    }
  }

  /** Comma-separated fields; double quotes keep commas and are removed, \" is a quote. */
  static List<String> fields(String value) throws ConfigException {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\\' && i + 1 < value.length()) {
        cur.append(value.charAt(++i));
      } else if (c == '"') {
        quoted = !quoted;
      } else if (c == ',' && !quoted) {
        out.add(cur.toString().strip());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    if (quoted) {
      throw new ConfigException("unterminated quote in \"" + value + "\"");
    }
    out.add(cur.toString().strip());
    return out;
  }
}
