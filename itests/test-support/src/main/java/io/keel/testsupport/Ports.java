package io.keel.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free TCP ports on 127.0.0.1 for servers a test starts (the in-process members, appliance
 * processes, peer-link proxies).
 *
 * <p>A port is picked below the kernel's ephemeral range (32768+): a port the kernel handed out as
 * ephemeral (port 0) can be taken again, between the check and the member's bind, by any outgoing
 * connection of anything else on the machine (etcdctl, jraft's own clients, a parallel build); a
 * port under the range is only taken by an explicit bind. A port is never handed out twice in one
 * JVM, so two members of one test cannot be given the same one while neither has bound it yet.
 */
public final class Ports {
  private static final int LOW = 15_000;
  private static final int HIGH = 32_000;
  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

  private Ports() {}

  /** A port free on 127.0.0.1 now, in 15000-32000, not handed out before in this JVM. */
  public static int free() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int attempt = 0; attempt < 1000; attempt++) {
      int port = random.nextInt(LOW, HIGH);
      if (!HANDED_OUT.add(port)) {
        continue;
      }
      try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        return s.getLocalPort();
      } catch (IOException inUse) {
        // try another
      }
    }
    throw new UncheckedIOException(new IOException("no free port in " + LOW + "-" + HIGH + " after 1000 attempts"));
  }
}
