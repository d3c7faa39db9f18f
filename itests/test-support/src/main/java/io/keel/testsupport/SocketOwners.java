package io.keel.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Which local TCP ports some processes hold, from Linux's /proc: the socket inodes among each
 * process's open files, looked up in /proc/net/tcp and tcp6 (a JVM's sockets are IPv6 ones even to
 * 127.0.0.1). {@link LinkProxy} uses it to tell which member a peer connection comes from, since
 * every member connects from 127.0.0.1 on an ephemeral port.
 */
public final class SocketOwners {
  private SocketOwners() {}

  /** The local ports of the TCP sockets {@code processes} have open now (those that exited are skipped). */
  public static Set<Integer> localPorts(List<ProcessHandle> processes) {
    Set<String> inodes = new HashSet<>();
    for (ProcessHandle p : processes) {
      try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(p.pid()), "fd"))) {
        fds.forEach(fd -> {
          try {
            String target = Files.readSymbolicLink(fd).toString();
            if (target.startsWith("socket:[")) {
              inodes.add(target.substring("socket:[".length(), target.length() - 1));
            }
          } catch (IOException closedMeanwhile) {
            // the descriptor went away while listed
          }
        });
      } catch (IOException exited) {
        // the process is gone: it holds nothing
      }
    }
    Set<Integer> ports = new HashSet<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      try (Stream<String> rows = Files.lines(Path.of(table))) {
        rows.skip(1).map(String::trim).map(r -> r.split("\\s+")).filter(f -> f.length > 9 && inodes.contains(f[9]))
            .forEach(f -> ports.add(Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16)));
      } catch (IOException noTable) {
        // no IPv6 on this machine
      }
    }
    return ports;
  }
}
