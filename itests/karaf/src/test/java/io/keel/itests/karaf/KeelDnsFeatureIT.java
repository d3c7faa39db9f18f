package io.keel.itests.karaf;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumSet;
import org.apache.karaf.features.FeaturesService;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

/**
 * The optional feature keel-dns: installed into the appliance, it serves etc/keel-dns.conf (the
 * local three-member cluster's SRV records) on the port etc/io.keel.dns.cfg names; uninstalled,
 * it releases the port (UDP and TCP); installed again, it answers again.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class KeelDnsFeatureIT extends KeelTestSupport {
  private static final String DNS_PORT = "keel.itest.dnsPort";

  @Override
  @org.ops4j.pax.exam.Configuration
  public Option[] config() {
    Option[] base = super.config();
    Option[] all = Arrays.copyOf(base, base.length + 2);
    int port = freePort();
    all[base.length] = editConfigurationFilePut("etc/io.keel.dns.cfg", "port", Integer.toString(port));
    all[base.length + 1] = org.ops4j.pax.exam.CoreOptions.systemProperty(DNS_PORT).value(Integer.toString(port));
    return all;
  }

  @Test
  public void theFeatureServesTheSrvRecordsOfEtcKeelDnsConf() throws Exception {
    int port = Integer.parseInt(requiredProperty(DNS_PORT));
    featuresService.installFeature("keel-dns");
    assertServesTheSrvRecords(port);

    // uninstalled: the bundle goes and releases its UDP and TCP sockets (this test can bind both),
    // so a TCP client is refused and a query gets no answer
    featuresService.uninstallFeature("keel-dns", EnumSet.of(FeaturesService.Option.NoAutoRefreshBundles));
    for (Bundle b : bundleContext.getBundles()) {
      assertNotEquals("io.keel.dns still installed", "io.keel.dns", b.getSymbolicName());
    }
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (!portFree(port)) {
      assertTrue("127.0.0.1:" + port + " still bound 60 s after uninstalling keel-dns", System.nanoTime() < deadline);
      Thread.sleep(250);
    }
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
      fail("TCP 127.0.0.1:" + port + " accepted a connection after uninstalling keel-dns");
    } catch (ConnectException refused) {
      // nothing listens
    }

    // installed again: it answers again on the same port
    featuresService.installFeature("keel-dns");
    assertServesTheSrvRecords(port);
  }

  /** Queries 127.0.0.1:port (UDP) until it answers (at most 60 s); the answer holds the three SRV records. */
  private void assertServesTheSrvRecords(int port) throws Exception {
    byte[] answer = null;
    long deadline = System.nanoTime() + 60_000_000_000L;
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      s.setSoTimeout(500);
      byte[] q = srvQuery("_etcd-server._tcp.keel.test");
      while (answer == null && System.nanoTime() < deadline) {
        s.send(new DatagramPacket(q, q.length, InetAddress.getLoopbackAddress(), port));
        byte[] buf = new byte[4096];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        try {
          s.receive(p);
          answer = Arrays.copyOf(buf, p.getLength());
        } catch (SocketTimeoutException notYet) {
          // the component is still starting
        }
      }
    }
    assertTrue("no answer on 127.0.0.1:" + port + "\n" + describeKeelComponents(), answer != null);
    assertEquals("id", 0x4b44, ((answer[0] & 0xff) << 8) | (answer[1] & 0xff));
    assertEquals("rcode NOERROR", 0, answer[3] & 0x0f);
    assertEquals("three SRV records", 3, ((answer[6] & 0xff) << 8) | (answer[7] & 0xff));
  }

  /** Whether both a UDP and a TCP socket can be bound on 127.0.0.1:port (released at once). */
  private static boolean portFree(int port) {
    InetSocketAddress at = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    try (DatagramSocket udp = new DatagramSocket(at); ServerSocket tcp = new ServerSocket()) {
      tcp.setReuseAddress(true);
      tcp.bind(at);
      return true;
    } catch (IOException bound) {
      return false;
    }
  }

  /** A query packet, by hand: the probe needs no DNS library. */
  private static byte[] srvQuery(String name) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {0x4b, 0x44, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00});
    for (String label : name.split("\\.")) {
      byte[] b = label.getBytes(StandardCharsets.US_ASCII);
      out.write(b.length);
      out.writeBytes(b);
    }
    out.writeBytes(new byte[] {0x00, 0x00, 0x21, 0x00, 0x01}); // root, type SRV (33), class IN
    return out.toByteArray();
  }
}
