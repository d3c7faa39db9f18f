package io.keel.itests.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free TCP ports on 127.0.0.1, below the kernel's ephemeral range (32768+) so that outgoing
 * connections of other processes cannot take one before the server binds it, and never handed out
 * twice in this JVM.
 */
final class Ports {
  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

  private Ports() {}

  static int free() {
    for (int attempt = 0; attempt < 1000; attempt++) {
      int port = ThreadLocalRandom.current().nextInt(15_000, 32_000);
      if (!HANDED_OUT.add(port)) {
        continue;
      }
      try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        return s.getLocalPort();
      } catch (IOException inUse) {
        // try another
      }
    }
    throw new UncheckedIOException(new IOException("no free port in 15000-32000 after 1000 attempts"));
  }
}
