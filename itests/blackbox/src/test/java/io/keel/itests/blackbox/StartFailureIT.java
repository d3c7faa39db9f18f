package io.keel.itests.blackbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Like etcd, a member that cannot start exits with code 1 instead of idling, whichever part of it
 * fails: here the client port (Keel's gRPC component) or the peer port (its Raft component) is
 * already taken. Keel says why in one line, {@code keel: ...}, naming the port.
 */
class StartFailureIT {

  private static final boolean KEEL = ApplianceProcess.SERVER == ApplianceProcess.Server.KEEL;

  @Test
  void clientPortTakenExitsWithCode1AndOneLine() throws Exception {
    try (ApplianceProcess node = ApplianceProcess.create("taken-client")) {
      assertExitsWithOneLine(node, node.clientPort());
    }
  }

  @Test
  void peerPortTakenExitsWithCode1AndOneLine() throws Exception {
    try (ApplianceProcess node = ApplianceProcess.create("taken-peer")) {
      assertExitsWithOneLine(node, URI.create(node.peerUrl()).getPort());
    }
  }

  private static void assertExitsWithOneLine(ApplianceProcess node, int port) throws Exception {
    try (ServerSocket taken = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
      node.start();
      Integer exit = node.awaitExit(ApplianceProcess.BOOT_TIMEOUT);
      assertNotNull(exit, "still running with port " + port + " taken\n" + node.diagnostics());
      assertEquals(1, exit.intValue(), node.diagnostics());
      if (KEEL) {
        List<String> lines = node.output().lines().filter(l -> l.startsWith("keel: ")).toList();
        assertEquals(1, lines.size(), "expected one line saying why\n" + node.diagnostics());
        assertTrue(lines.get(0).contains(Integer.toString(port)), "the line does not name port " + port + ": " + lines);
      }
    }
  }
}
