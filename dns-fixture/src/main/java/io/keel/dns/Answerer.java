package io.keel.dns;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedErrorCodeOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * Turns one query packet into one response packet, from a {@link Zone}, the way dnsmasq 2.90 answers
 * from local data (checked against it by DnsmasqDifferentialTest):
 *
 * <ol>
 *   <li>Records the name has of the asked type (hosts A/AAAA, CNAME chains followed through hosts,
 *       TXT, PTR incl. the reverse of host addresses, SRV): NOERROR, AA. SRV answers carry the A and
 *       AAAA records of targets known as hosts in the additional section.
 *   <li>A name that exists (owns other records, or has names below it) in a local domain: NOERROR
 *       with no data, without AA.
 *   <li>An address rule (the most specific domain with an address of the asked family): AA answer.
 *   <li>Any other name under a local domain: NXDOMAIN.
 *   <li>Anything else: REFUSED (the fixture never forwards), with EDNS error 14 "Not Ready" when
 *       the query has EDNS, as dnsmasq without upstream servers.
 * </ol>
 *
 * Responses echo the query's name and RD, always set RA, carry an OPT record (payload 1232, dnsmasq's
 * default) when the query had one, and are cut to the client's UDP size (512 without EDNS, at most
 * 1232) with TC set. A packet that is not a query (too short, a response) is dropped; one that does
 * not parse gets FORMERR; an opcode other than QUERY gets NOTIMP.
 */
public final class Answerer {
  /** dnsmasq's edns-packet-max default: the payload size it advertises and the most it sends over UDP. */
  static final int EDNS_PAYLOAD = 1232;
  private static final int CNAME_HOPS = 10;
  private static final int TCP_MAX = 65535;
  private static final int HEADER_LENGTH = 12;

  private final Supplier<Zone> zone;

  public Answerer(Supplier<Zone> zone) {
    this.zone = zone;
  }

  /** The response to send, or null to send nothing. {@code udp} selects the size limit. */
  public byte[] answer(byte[] packet, int length, boolean udp) {
    if (length < HEADER_LENGTH) {
      return null;
    }
    byte[] in = length == packet.length ? packet : java.util.Arrays.copyOf(packet, length);
    if ((in[2] & 0x80) != 0) {
      return null; // a response, not a query: never answer (no loops between two servers)
    }
    Message query;
    try {
      query = new Message(in);
    } catch (java.io.IOException | RuntimeException e) {
      return formErr(in); // WireParseException, or a record dnsjava refuses to build
    }
    Message response = respond(query);
    int limit = udp ? udpLimit(query) : TCP_MAX;
    byte[] wire = response.toWire();
    return wire.length <= limit ? wire : truncate(response, limit);
  }

  /**
   * As dnsmasq: as many answer records as fit, the rest and the additional section dropped, TC set.
   * (dnsjava's own truncation drops whole RRsets, which leaves a big SRV set with no answer at all.)
   */
  private static byte[] truncate(Message full, int limit) {
    List<Record> answers = full.getSection(Section.ANSWER);
    OPTRecord opt = full.getOPT();
    byte[] best = null;
    int lo = 0;
    int hi = answers.size();
    while (lo <= hi) {
      int k = (lo + hi) >>> 1;
      Message m = new Message();
      Header from = full.getHeader();
      Header h = new Header(from.getID());
      for (int flag : new int[] {Flags.QR, Flags.AA, Flags.RD, Flags.RA}) {
        if (from.getFlag(flag)) {
          h.setFlag(flag);
        }
      }
      h.setFlag(Flags.TC);
      h.setOpcode(from.getOpcode());
      h.setRcode(from.getRcode());
      m.setHeader(h);
      m.addRecord(full.getQuestion(), Section.QUESTION);
      answers.subList(0, k).forEach(a -> m.addRecord(a, Section.ANSWER));
      if (opt != null) {
        m.addRecord(opt, Section.ADDITIONAL);
      }
      byte[] wire = m.toWire();
      if (wire.length <= limit) {
        best = wire;
        lo = k + 1;
      } else {
        hi = k - 1;
      }
    }
    return best;
  }

  private static int udpLimit(Message query) {
    OPTRecord opt = query.getOPT();
    if (opt == null) {
      return 512;
    }
    return Math.min(Math.max(opt.getPayloadSize(), 512), EDNS_PAYLOAD);
  }

  private static byte[] formErr(byte[] in) {
    Header h;
    try {
      h = new Header(java.util.Arrays.copyOf(in, HEADER_LENGTH));
    } catch (java.io.IOException | RuntimeException e) {
      return null;
    }
    Header out = new Header(h.getID());
    out.setFlag(Flags.QR);
    out.setOpcode(h.getOpcode());
    if (h.getFlag(Flags.RD)) {
      out.setFlag(Flags.RD);
    }
    out.setFlag(Flags.RA);
    out.setRcode(Rcode.FORMERR);
    Message m = new Message();
    m.setHeader(out);
    return m.toWire();
  }

  Message respond(Message query) {
    Header qh = query.getHeader();
    Message r = new Message(qh.getID());
    Header h = r.getHeader();
    h.setFlag(Flags.QR);
    h.setOpcode(qh.getOpcode());
    if (qh.getFlag(Flags.RD)) {
      h.setFlag(Flags.RD);
    }
    h.setFlag(Flags.RA);
    OPTRecord qopt = query.getOPT();
    if (qh.getOpcode() != Opcode.QUERY) {
      h.setRcode(Rcode.NOTIMP);
      return r;
    }
    Record question = query.getQuestion();
    if (question == null || qh.getCount(Section.QUESTION) != 1) {
      h.setRcode(Rcode.FORMERR);
      return r;
    }
    r.addRecord(question, Section.QUESTION);
    if (question.getDClass() != DClass.IN && question.getDClass() != DClass.ANY) {
      h.setRcode(Rcode.REFUSED);
      addOpt(r, qopt, false);
      return r;
    }
    Zone z = zone.get();
    Name qname = question.getName();
    int type = question.getType();
    List<Record> answers = new ArrayList<>();
    List<Record> additional = new ArrayList<>();
    lookup(z, qname, type, answers, additional);
    int rcode;
    if (!answers.isEmpty()) {
      h.setFlag(Flags.AA);
      rcode = Rcode.NOERROR;
    } else if (inLocalDomain(z, qname) && exists(z, qname)) {
      rcode = Rcode.NOERROR;
    } else if (addressRule(z, qname, type, answers)) {
      h.setFlag(Flags.AA);
      rcode = Rcode.NOERROR;
    } else if (inLocalDomain(z, qname)) {
      rcode = Rcode.NXDOMAIN;
    } else {
      rcode = Rcode.REFUSED;
    }
    h.setRcode(rcode);
    answers.forEach(a -> r.addRecord(a, Section.ANSWER));
    additional.forEach(a -> r.addRecord(a, Section.ADDITIONAL));
    addOpt(r, qopt, rcode == Rcode.REFUSED);
    return r;
  }

  private static void addOpt(Message r, OPTRecord qopt, boolean notReady) {
    if (qopt == null) {
      return;
    }
    List<org.xbill.DNS.EDNSOption> options = notReady ? List.of(new ExtendedErrorCodeOption(ExtendedErrorCodeOption.NOT_READY)) : List.of();
    r.addRecord(new OPTRecord(EDNS_PAYLOAD, 0, 0, 0, options), Section.ADDITIONAL);
  }

  private static void lookup(Zone z, Name qname, int type, List<Record> answers, List<Record> additional) {
    boolean any = type == Type.ANY;
    Zone.Cname cname = z.cnames.get(qname);
    if (cname != null) {
      cnameChain(z, qname, cname, type, answers);
      return;
    }
    if (type == Type.A || type == Type.AAAA || any) {
      hostAddresses(z, qname, qname, type, answers);
    }
    if (type == Type.TXT || any) {
      for (List<String> strings : z.txt.getOrDefault(qname, List.of())) {
        answers.add(new TXTRecord(qname, DClass.IN, z.ttl, strings));
      }
    }
    if (type == Type.PTR || any) {
      for (Name target : z.ptr.getOrDefault(qname, List.of())) {
        answers.add(new PTRRecord(qname, DClass.IN, z.ttl, target));
      }
      Name host = z.reverse.get(qname);
      if (host != null && !z.ptr.containsKey(qname)) {
        answers.add(new PTRRecord(qname, DClass.IN, z.ttl, host));
      }
    }
    if (type == Type.SRV || any) {
      Set<Name> targets = new LinkedHashSet<>();
      for (Zone.Srv s : z.srv.getOrDefault(qname, List.of())) {
        answers.add(new SRVRecord(qname, DClass.IN, z.ttl, s.priority(), s.weight(), s.port(), s.target()));
        targets.add(s.target());
      }
      for (Name t : targets) {
        hostAddresses(z, t, t, Type.ANY, additional);
      }
    }
  }

  private static void cnameChain(Zone z, Name qname, Zone.Cname first, int type, List<Record> answers) {
    Name owner = qname;
    Zone.Cname c = first;
    for (int hop = 0; c != null && hop < CNAME_HOPS; hop++) {
      answers.add(new CNAMERecord(owner, DClass.IN, ttl(z, c.ttl()), c.target()));
      owner = c.target();
      c = z.cnames.get(owner);
    }
    if (c == null && (type == Type.A || type == Type.AAAA || type == Type.ANY)) {
      hostAddresses(z, owner, owner, type, answers);
    }
  }

  private static void hostAddresses(Zone z, Name name, Name owner, int type, List<Record> out) {
    for (Zone.HostAddress h : z.hosts.getOrDefault(name, List.of())) {
      boolean v4 = h.address() instanceof Inet4Address;
      long ttl = ttl(z, h.ttl());
      if (v4 && (type == Type.A || type == Type.ANY)) {
        out.add(new ARecord(owner, DClass.IN, ttl, h.address()));
      } else if (!v4 && (type == Type.AAAA || type == Type.ANY)) {
        out.add(new AAAARecord(owner, DClass.IN, ttl, h.address()));
      }
    }
  }

  private static long ttl(Zone z, long own) {
    return own >= 0 ? own : z.ttl;
  }

  private static boolean addressRule(Zone z, Name qname, int type, List<Record> answers) {
    if (type != Type.A && type != Type.AAAA) {
      return false;
    }
    Zone.AddressRule best = null;
    for (Zone.AddressRule rule : z.addressRules) {
      boolean hasFamily = rule.addresses().stream().anyMatch(a -> (a instanceof Inet4Address) == (type == Type.A));
      if (hasFamily && qname.subdomain(rule.domain()) && (best == null || rule.domain().labels() > best.domain().labels())) {
        best = rule;
      }
    }
    if (best == null) {
      return false;
    }
    for (Zone.AddressRule rule : z.addressRules) {
      if (!rule.domain().equals(best.domain())) {
        continue;
      }
      for (InetAddress a : rule.addresses()) {
        if (a instanceof Inet4Address && type == Type.A) {
          answers.add(new ARecord(qname, DClass.IN, z.ttl, a));
        } else if (!(a instanceof Inet4Address) && type == Type.AAAA) {
          answers.add(new AAAARecord(qname, DClass.IN, z.ttl, a));
        }
      }
    }
    return true;
  }

  private static boolean inLocalDomain(Zone z, Name qname) {
    for (Name d : z.localDomains) {
      if (qname.subdomain(d)) {
        return true;
      }
    }
    return false;
  }

  /** The name owns a record, or some owner lies below it (an empty non-terminal). */
  private static boolean exists(Zone z, Name qname) {
    for (Name owner : z.owners()) {
      if (owner.subdomain(qname)) {
        return true;
      }
    }
    return z.reverse.containsKey(qname);
  }
}
