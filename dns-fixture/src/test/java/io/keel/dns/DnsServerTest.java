package io.keel.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.dns.junit.DnsFixtureExtension;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/** The fixture over real sockets, through the JUnit extension, with dnsjava's own resolver as client. */
class DnsServerTest {
  @RegisterExtension
  static DnsFixtureExtension dns = DnsFixtureExtension.with(DnsServerTest::records);

  static void records(io.keel.dns.Zone.Builder z) {
    z.local("example.com").host("infra0.example.com", "127.0.0.1").host("infra0.example.com", "::1")
        .srv("_etcd-server._tcp.example.com", "infra0.example.com", 2380, 0, 100)
        .txt("t.example.com", "hello");
    for (int i = 0; i < 60; i++) {
      z.srv("_big._tcp.example.com", "target-with-a-rather-long-name-" + i + ".example.com", 1000 + i, 0, 0);
    }
  }

  static Message query(String name, int type) throws Exception {
    return Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
  }

  static SimpleResolver resolver(boolean tcp) throws Exception {
    SimpleResolver r = new SimpleResolver(new InetSocketAddress(InetAddress.getLoopbackAddress(), dns.port()));
    r.setTCP(tcp);
    r.setTimeout(Duration.ofSeconds(3));
    return r;
  }

  @Test
  void srvCarriesTheTargetAddressesOverUdpAndTcp() throws Exception {
    for (boolean tcp : new boolean[] {false, true}) {
      Message m = resolver(tcp).send(query("_etcd-server._tcp.example.com.", Type.SRV));
      assertEquals(Rcode.NOERROR, m.getRcode());
      assertTrue(m.getHeader().getFlag(Flags.AA));
      List<Record> answer = m.getSection(Section.ANSWER);
      assertEquals(1, answer.size());
      assertEquals(2380, ((SRVRecord) answer.get(0)).getPort());
      List<Record> additional = m.getSection(Section.ADDITIONAL);
      assertEquals(2, additional.stream().filter(r -> r.getType() == Type.A || r.getType() == Type.AAAA).count(), additional.toString());
    }
  }

  @Test
  void unknownNamesUnderTheLocalDomainAreNxdomainAndOthersRefused() throws Exception {
    assertEquals(Rcode.NXDOMAIN, resolver(false).send(query("nope.example.com.", Type.A)).getRcode());
    assertEquals(Rcode.REFUSED, resolver(false).send(query("example.org.", Type.A)).getRcode());
  }

  @Test
  void udpAnswersAreCutToTheClientsEdnsSizeAndTcpCarriesAll() throws Exception {
    byte[] noEdns = rawUdp(query("_big._tcp.example.com.", Type.SRV).toWire());
    assertTrue(noEdns.length <= 512, "no EDNS: 512 bytes at most, got " + noEdns.length);
    assertTrue(new Message(noEdns).getHeader().getFlag(Flags.TC));

    Message q = query("_big._tcp.example.com.", Type.SRV);
    q.addRecord(new OPTRecord(1000, 0, 0), Section.ADDITIONAL);
    byte[] edns = rawUdp(q.toWire());
    assertTrue(edns.length > 512 && edns.length <= 1000, "EDNS 1000: between 513 and 1000 bytes, got " + edns.length);
    assertTrue(new Message(edns).getHeader().getFlag(Flags.TC));

    Message big = new Message(rawUdp(withOpt(65000)));
    assertTrue(big.getHeader().getFlag(Flags.TC), "never more than dnsmasq's 1232 over UDP");

    // dnsjava's resolver retries a truncated answer over TCP, as dig does
    Message all = resolver(false).send(query("_big._tcp.example.com.", Type.SRV));
    assertFalse(all.getHeader().getFlag(Flags.TC));
    assertEquals(60, all.getSection(Section.ANSWER).size());
  }

  private static byte[] withOpt(int size) throws Exception {
    Message q = query("_big._tcp.example.com.", Type.SRV);
    q.addRecord(new OPTRecord(size, 0, 0), Section.ADDITIONAL);
    return q.toWire();
  }

  @Test
  void malformedPacketsGetFormerrOrNothingAndNeverStopTheServer() throws Exception {
    byte[] garbage = {0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 'a'};
    Message formerr = new Message(rawUdp(garbage));
    assertEquals(Rcode.FORMERR, formerr.getRcode());
    assertEquals(0x1234, formerr.getHeader().getID());
    assertNull(rawUdpOrNull(new byte[] {1, 2, 3}, 500), "shorter than a header: dropped");
    byte[] response = query("t.example.com.", Type.TXT).toWire();
    response[2] |= (byte) 0x80;
    assertNull(rawUdpOrNull(response, 500), "a response is never answered");
    Message notify = query("t.example.com.", Type.SOA);
    notify.getHeader().setOpcode(Opcode.NOTIFY);
    assertEquals(Rcode.NOTIMP, new Message(rawUdp(notify.toWire())).getRcode());
    assertEquals(Rcode.NOERROR, resolver(false).send(query("t.example.com.", Type.TXT)).getRcode());
  }

  @Test
  void tcpServesSeveralQueriesOnOneConnectionAndSurvivesAHalfMessage() throws Exception {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), dns.port())) {
      s.setSoTimeout(3000);
      DataOutputStream out = new DataOutputStream(s.getOutputStream());
      DataInputStream in = new DataInputStream(s.getInputStream());
      for (int i = 0; i < 3; i++) {
        byte[] q = query("infra0.example.com.", Type.A).toWire();
        out.writeShort(q.length);
        out.write(q);
        out.flush();
        byte[] a = new byte[in.readUnsignedShort()];
        in.readFully(a);
        assertEquals(1, new Message(a).getSection(Section.ANSWER).size());
      }
    }
    try (Socket half = new Socket(InetAddress.getLoopbackAddress(), dns.port())) {
      half.getOutputStream().write(new byte[] {0x00, 0x40, 0x01}); // promises 64 bytes, sends one
      half.getOutputStream().flush();
      assertEquals(Rcode.NOERROR, resolver(true).send(query("t.example.com.", Type.TXT)).getRcode());
    }
  }

  @Test
  void replaceSwapsTheData() throws Exception {
    dns.replace(z -> z.local("example.com").host("new.example.com", "10.9.9.9"));
    try {
      assertEquals(Rcode.NXDOMAIN, resolver(false).send(query("infra0.example.com.", Type.A)).getRcode());
      Message m = resolver(false).send(query("new.example.com.", Type.A));
      assertNotNull(m.getSection(Section.ANSWER).get(0));
    } finally {
      dns.replace(DnsServerTest::records);
    }
  }

  static byte[] rawUdp(byte[] packet) throws Exception {
    byte[] r = rawUdpOrNull(packet, 5000);
    assertNotNull(r, "no answer");
    return r;
  }

  /** The answer, or null when none came within {@code waitMs} (used where none must come). */
  static byte[] rawUdpOrNull(byte[] packet, int waitMs) throws Exception {
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      s.setSoTimeout(waitMs);
      s.send(new DatagramPacket(packet, packet.length, InetAddress.getLoopbackAddress(), dns.port()));
      byte[] buf = new byte[65535];
      DatagramPacket p = new DatagramPacket(buf, buf.length);
      try {
        s.receive(p);
      } catch (java.net.SocketTimeoutException e) {
        return null;
      }
      return java.util.Arrays.copyOf(buf, p.getLength());
    }
  }
}
