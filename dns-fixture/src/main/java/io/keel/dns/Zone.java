package io.keel.dns;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.xbill.DNS.Name;
import org.xbill.DNS.ReverseMap;

/**
 * The local data the server answers from, immutable once built: a reload builds a new Zone and swaps
 * it in whole, so a query sees either the old data or the new, never a mix.
 *
 * <p>The kinds mirror dnsmasq's options: hosts (host-record, addn-hosts, /etc/hosts: A/AAAA plus the
 * reverse PTR of each address, first name wins), address rules (address=/domain/ip: the domain and
 * every name below it), local domains (local=/domain/: never forwarded, unknown names NXDOMAIN),
 * CNAMEs, TXT, PTR and SRV records. Names compare case-insensitively (dnsjava's {@link Name}).
 */
public final class Zone {
  /** One SRV record's data; {@code target} is the root name for dnsmasq's "no such service" form. */
  public record Srv(Name target, int port, int priority, int weight) {}

  /** address=/domain/ip: every name at or below {@code domain} has these addresses. */
  public record AddressRule(Name domain, List<InetAddress> addresses) {}

  record Cname(Name target, long ttl) {}

  record HostAddress(InetAddress address, long ttl) {}

  final long ttl;
  final Map<Name, List<HostAddress>> hosts;
  final Map<Name, Name> reverse;
  final List<AddressRule> addressRules;
  final Set<Name> localDomains;
  final Map<Name, Cname> cnames;
  final Map<Name, List<List<String>>> txt;
  final Map<Name, List<Name>> ptr;
  final Map<Name, List<Srv>> srv;

  private Zone(Builder b) {
    ttl = b.ttl;
    hosts = freeze(b.hosts);
    reverse = Collections.unmodifiableMap(new LinkedHashMap<>(b.reverse));
    addressRules = List.copyOf(b.addressRules);
    localDomains = Collections.unmodifiableSet(new LinkedHashSet<>(b.localDomains));
    cnames = Collections.unmodifiableMap(new LinkedHashMap<>(b.cnames));
    txt = freeze(b.txt);
    ptr = freeze(b.ptr);
    srv = freeze(b.srv);
  }

  private static <V> Map<Name, List<V>> freeze(Map<Name, List<V>> m) {
    Map<Name, List<V>> copy = new LinkedHashMap<>();
    m.forEach((k, v) -> copy.put(k, List.copyOf(v)));
    return Collections.unmodifiableMap(copy);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The names that own any record here (hosts, CNAME, TXT, PTR, SRV); address rules own none. */
  Set<Name> owners() {
    Set<Name> all = new LinkedHashSet<>(hosts.keySet());
    all.addAll(cnames.keySet());
    all.addAll(txt.keySet());
    all.addAll(ptr.keySet());
    all.addAll(srv.keySet());
    return all;
  }

  /** How many names carry records: for the reload log line. */
  public int size() {
    return owners().size() + addressRules.size();
  }

  /** Collects records; names are absolute (a missing trailing dot is added). Not thread-safe. */
  public static final class Builder {
    private long ttl;
    private final Map<Name, List<HostAddress>> hosts = new LinkedHashMap<>();
    private final Map<Name, Name> reverse = new LinkedHashMap<>();
    private final List<AddressRule> addressRules = new ArrayList<>();
    private final Set<Name> localDomains = new LinkedHashSet<>();
    private final Map<Name, Cname> cnames = new LinkedHashMap<>();
    private final Map<Name, List<List<String>>> txt = new LinkedHashMap<>();
    private final Map<Name, List<Name>> ptr = new LinkedHashMap<>();
    private final Map<Name, List<Srv>> srv = new LinkedHashMap<>();

    private Builder() {}

    /** local-ttl: the TTL of every record that has none of its own (dnsmasq's default is 0). */
    public Builder ttl(long seconds) {
      ttl = seconds;
      return this;
    }

    /** A host name with an address (A or AAAA by the address's family) and its reverse PTR. */
    public Builder host(String name, String address) {
      return host(name(name), Names.address(address), -1);
    }

    Builder host(Name name, InetAddress address, long ttl) {
      List<HostAddress> list = hosts.computeIfAbsent(name, n -> new ArrayList<>());
      if (list.stream().noneMatch(h -> h.address().equals(address))) {
        list.add(new HostAddress(address, ttl));
      }
      reverse.putIfAbsent(ReverseMap.fromAddress(address), name);
      return this;
    }

    /** address=/domain/ip: the domain and every name below it resolve to the address. */
    public Builder address(String domain, String address) {
      return addressRule(name(domain), List.of(Names.address(address)));
    }

    Builder addressRule(Name domain, List<InetAddress> addresses) {
      addressRules.add(new AddressRule(domain, List.copyOf(addresses)));
      return this;
    }

    /** local=/domain/: answered only from local data; unknown names below it get NXDOMAIN. */
    public Builder local(String domain) {
      return local(name(domain));
    }

    Builder local(Name domain) {
      localDomains.add(domain);
      return this;
    }

    public Builder cname(String alias, String target) {
      return cname(name(alias), name(target), -1);
    }

    Builder cname(Name alias, Name target, long ttl) {
      cnames.put(alias, new Cname(target, ttl));
      return this;
    }

    /** One TXT record of one or more strings. */
    public Builder txt(String name, String... strings) {
      return txt(name(name), List.of(strings));
    }

    Builder txt(Name name, List<String> strings) {
      txt.computeIfAbsent(name, n -> new ArrayList<>()).add(List.copyOf(strings));
      return this;
    }

    public Builder ptr(String name, String target) {
      return ptr(name(name), target == null ? null : name(target));
    }

    /** A PTR record; a null target only makes the name exist (dnsmasq's ptr-record=name). */
    Builder ptr(Name name, Name target) {
      List<Name> list = ptr.computeIfAbsent(name, n -> new ArrayList<>());
      if (target != null) {
        list.add(target);
      }
      return this;
    }

    public Builder srv(String name, String target, int port, int priority, int weight) {
      return srv(name(name), new Srv(name(target), port, priority, weight));
    }

    Builder srv(Name name, Srv record) {
      srv.computeIfAbsent(name, n -> new ArrayList<>()).add(record);
      return this;
    }

    public Zone build() {
      return new Zone(this);
    }

    private static Name name(String s) {
      return Names.parse(s);
    }
  }
}
