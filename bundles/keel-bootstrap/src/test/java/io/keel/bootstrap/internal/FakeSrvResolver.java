package io.keel.bootstrap.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** SRV records and host addresses held in maps; unknown names fail as Go's resolver says it. */
final class FakeSrvResolver implements SrvResolver {
  private final Map<String, List<Srv>> srv = new HashMap<>();
  private final Map<String, String> hosts = new HashMap<>();
  private final Map<String, String> failures = new HashMap<>();

  FakeSrvResolver srv(String name, String target, int port) {
    srv.computeIfAbsent(name, n -> new ArrayList<>()).add(new Srv(target, port, 0, 0));
    return this;
  }

  FakeSrvResolver host(String name, String address) {
    hosts.put(name, address);
    return this;
  }

  FakeSrvResolver failing(String name, String why) {
    failures.put(name, why);
    return this;
  }

  @Override
  public List<Srv> lookupSrv(String name) throws IOException {
    if (failures.containsKey(name)) {
      throw new IOException("lookup " + name + " on fake: " + failures.get(name));
    }
    List<Srv> r = srv.get(name);
    if (r == null) {
      throw new IOException("lookup " + name + " on fake: no such host");
    }
    return r;
  }

  @Override
  public InetAddress resolve(String host) throws IOException {
    String h = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    String a = hosts.getOrDefault(h, h.matches("[0-9.]+") ? h : null);
    if (a == null) {
      throw new IOException("lookup " + h + " on fake: no such host");
    }
    return InetAddress.getByName(a);
  }
}
