package io.keel.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.dns.junit.DnsFixtureExtension;
import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * Thousands of random and mutated packets, over UDP and TCP, then the server must still answer
 * correctly. The answerer is also driven directly with every packet, where an exception (rather than
 * FORMERR or a drop) fails the test at once. The seed is printed so a failure can be replayed
 * ({@code -Dfuzz.seed=N}). One round is 6000 UDP and 200 TCP packets (CI); {@code
 * -Dkeel.fuzz.seconds=N} repeats rounds for N seconds (the long run, as for the other targets).
 */
class FuzzTest {
  private static final int PACKETS = 6000;

  @RegisterExtension
  static DnsFixtureExtension dns = DnsFixtureExtension.with(z -> z.local("example.com")
      .host("infra0.example.com", "127.0.0.1").host("infra0.example.com", "::1")
      .srv("_etcd-server._tcp.example.com", "infra0.example.com", 2380, 0, 100)
      .cname("alias.example.com", "infra0.example.com").txt("t.example.com", "x", "y")
      .address("wild.example.com", "10.0.0.1"));

  @Test
  void randomAndMutatedPacketsNeitherCrashNorHangTheServer() throws Exception {
    long seed = Long.getLong("fuzz.seed", System.nanoTime());
    System.out.println("FuzzTest seed=" + seed);
    Random random = new Random(seed);
    List<byte[]> seeds = List.of(
        query("_etcd-server._tcp.example.com.", Type.SRV, true), query("infra0.example.com.", Type.A, false),
        query("alias.example.com.", Type.AAAA, true), query("t.example.com.", Type.TXT, false),
        query("x.wild.example.com.", Type.A, true), query("nope.example.com.", Type.ANY, false));
    Answerer direct = new Answerer(() -> dns.server().zone());
    InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), dns.port());
    long deadline = System.nanoTime() + Duration.ofSeconds(Long.getLong("keel.fuzz.seconds", 0)).toNanos();
    long rounds = 0;
    do {
      round(random, seeds, direct, target);
      rounds++;
    } while (System.nanoTime() < deadline);
    System.out.println("FuzzTest: " + rounds + " rounds, " + rounds * (PACKETS + TCP_PACKETS) + " packets, seed=" + seed);
    // still answers, correctly, over both transports
    for (boolean tcp : new boolean[] {false, true}) {
      SimpleResolver r = new SimpleResolver(target);
      r.setTCP(tcp);
      r.setTimeout(Duration.ofSeconds(5));
      Message m = r.send(Message.newQuery(Record.newRecord(Name.fromString("_etcd-server._tcp.example.com."), Type.SRV, DClass.IN)));
      assertEquals(Rcode.NOERROR, m.getRcode());
      assertEquals(2380, ((SRVRecord) m.getSection(Section.ANSWER).get(0)).getPort());
      assertEquals(2, m.getSection(Section.ADDITIONAL).stream().filter(a -> a.getType() == Type.A || a.getType() == Type.AAAA).count());
    }
  }

  private static final int TCP_PACKETS = 200;

  /** One round: PACKETS over UDP (each also straight into the answerer), then TCP_PACKETS over TCP. */
  private static void round(Random random, List<byte[]> seeds, Answerer direct, InetSocketAddress target)
      throws Exception {
    try (DatagramSocket udp = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      for (int i = 0; i < PACKETS; i++) {
        byte[] p = random.nextInt(3) == 0 ? randomBytes(random) : mutate(seeds.get(random.nextInt(seeds.size())), random);
        direct.answer(p, p.length, random.nextBoolean()); // throws on a bug: fails the test with the seed printed
        udp.send(new DatagramPacket(p, p.length, target));
        if (i % 500 == 0) {
          Thread.sleep(5); // let the server's loop drain; drops under load are fine, a dead loop is not
        }
      }
    }
    for (int i = 0; i < TCP_PACKETS; i++) {
      byte[] p = i % 2 == 0 ? randomBytes(random) : mutate(seeds.get(random.nextInt(seeds.size())), random);
      tcpSend(p, random);
    }
  }

  private static void tcpSend(byte[] p, Random random) throws Exception {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), dns.port())) {
      s.setSoTimeout(DnsServer.TCP_IDLE_MS + 5000);
      OutputStream out = s.getOutputStream();
      boolean lie = random.nextInt(4) == 0; // a length prefix that does not match: the server must not wait forever
      int len = lie ? Math.min(p.length + 1 + random.nextInt(40), 65535) : p.length;
      out.write(new byte[] {(byte) (len >> 8), (byte) len});
      out.write(p);
      out.flush();
      if (lie) {
        s.shutdownOutput();
      }
      DataInputStream in = new DataInputStream(s.getInputStream());
      int first = in.read();
      if (first >= 0) {
        int n = (first << 8) | in.read();
        byte[] answer = new byte[n];
        in.readFully(answer);
        assertTrue(n >= 12, "an answer has at least a header");
      }
    }
  }

  private static byte[] query(String name, int type, boolean edns) throws Exception {
    Message m = Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
    if (edns) {
      m.addRecord(new OPTRecord(1232, 0, 0), Section.ADDITIONAL);
    }
    return m.toWire();
  }

  private static byte[] randomBytes(Random random) {
    byte[] b = new byte[random.nextInt(600)];
    random.nextBytes(b);
    if (b.length > 2 && random.nextBoolean()) {
      b[2] &= 0x7f; // looks like a query, so it gets past the first check more often
    }
    return b;
  }

  private static byte[] mutate(byte[] seed, Random random) {
    byte[] b = seed.clone();
    switch (random.nextInt(4)) {
      case 0 -> {
        for (int i = 0, n = 1 + random.nextInt(4); i < n; i++) {
          b[random.nextInt(b.length)] = (byte) random.nextInt(256);
        }
      }
      case 1 -> b = java.util.Arrays.copyOf(b, random.nextInt(b.length)); // truncated
      case 2 -> {
        b = java.util.Arrays.copyOf(b, b.length + 1 + random.nextInt(64)); // trailing junk
        for (int i = seed.length; i < b.length; i++) {
          b[i] = (byte) random.nextInt(256);
        }
      }
      default -> {
        int i = 4 + random.nextInt(8); // a count field
        b[i] = (byte) random.nextInt(256);
      }
    }
    if (b.length > 2) {
      b[2] &= 0x7f;
    }
    return b;
  }
}
