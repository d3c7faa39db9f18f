package io.keel.bootstrap.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.util.List;

/** The two DNS questions SRV bootstrap asks; real DNS in {@link DnsjavaSrvResolver}, fakes in tests. */
public interface SrvResolver {

  /** One SRV record: {@code target} as the record has it (absolute, trailing dot). */
  record Srv(String target, int port, int priority, int weight) {}

  /**
   * The SRV records of {@code name} (absolute). IOException with Go's resolver wording ("lookup NAME
   * on SERVER: no such host", "... i/o timeout", "... server misbehaving") when there are none or
   * the server cannot be asked.
   */
  List<Srv> lookupSrv(String name) throws IOException;

  /** The address {@code host} resolves to (IPv4 first, as Go's resolveTCPAddr); a literal is itself. */
  InetAddress resolve(String host) throws IOException;
}
