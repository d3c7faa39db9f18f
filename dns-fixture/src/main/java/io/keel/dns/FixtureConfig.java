package io.keel.dns;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;

/**
 * A parsed configuration: where to listen and what to answer.
 *
 * @param listenAddresses listen-address= (empty: 127.0.0.1, never all interfaces)
 * @param port port= (dnsmasq's default 53)
 * @param zone the local data
 * @param files every file the data came from (the config and its addn-hosts files), watched for change
 * @param noResolv no-resolv was given; the fixture never forwards either way
 */
public record FixtureConfig(List<InetAddress> listenAddresses, int port, Zone zone, List<Path> files, boolean noResolv) {
  public FixtureConfig {
    listenAddresses = List.copyOf(listenAddresses);
    files = List.copyOf(files);
  }
}
