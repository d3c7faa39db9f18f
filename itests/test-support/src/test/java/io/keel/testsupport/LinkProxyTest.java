package io.keel.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The peer-link proxy on real loopback sockets: it forwards, cuts what it is told to, heals. */
class LinkProxyTest {

  /** An echo server for one connection at a time, on a free port. */
  private static ServerSocket echo() throws IOException {
    ServerSocket s = new ServerSocket(Ports.free(), 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(() -> {
      while (!s.isClosed()) {
        try (Socket c = s.accept()) {
          c.getInputStream().transferTo(c.getOutputStream());
        } catch (IOException closed) {
          // next
        }
      }
    }, "echo");
    t.setDaemon(true);
    t.start();
    return s;
  }

  /** Sends one byte through {@code s} and returns the echoed byte, or -1 if the link is gone. */
  private static int roundTrip(Socket s, int b) throws IOException {
    s.setSoTimeout(5000);
    OutputStream out = s.getOutputStream();
    InputStream in = s.getInputStream();
    try {
      out.write(b);
      out.flush();
      return in.read();
    } catch (SocketTimeoutException | java.net.SocketException gone) {
      return -1;
    }
  }

  @Test
  void forwardsCutsMatchingClientsAndHeals() throws Exception {
    try (ServerSocket target = echo(); LinkProxy proxy = LinkProxy.start(Ports.free(), target.getLocalPort())) {
      Socket a = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
      assertEquals(7, roundTrip(a, 7), "bytes go through");

      int cutPort = a.getLocalPort();
      proxy.cut(port -> port == cutPort);
      assertEquals(-1, roundTrip(a, 8), "a cut connection is closed");
      a.close();

      proxy.cutAll();
      try (Socket b = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
        assertEquals(-1, roundTrip(b, 9), "a new connection is refused while everything is cut");
      }
      proxy.heal();
      try (Socket c = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
        assertEquals(10, roundTrip(c, 10), "healed");
      }
    }
  }

  @Test
  void findsTheLocalPortsOfThisProcess() throws Exception {
    try (ServerSocket target = echo(); Socket s = new Socket(InetAddress.getLoopbackAddress(), target.getLocalPort())) {
      assertTrue(SocketOwners.localPorts(List.of(ProcessHandle.current())).contains(s.getLocalPort()),
          "this JVM holds the client end of its own connection");
      assertTrue(!SocketOwners.localPorts(List.of()).contains(s.getLocalPort()), "no process, no ports");
    }
  }
}
