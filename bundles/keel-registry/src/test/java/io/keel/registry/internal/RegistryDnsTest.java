package io.keel.registry.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.keel.dns.Answerer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class RegistryDnsTest {
  private static Instance instance(String id, List<String> tags, String address, int port, HealthStatus status) {
    CheckDefinition check = new CheckDefinition("service:" + id, "c", CheckKind.TTL, "", 0, 10_000, 10_000, 0,
        HealthStatus.CRITICAL);
    ServiceDefinition d = new ServiceDefinition(id, "web", tags, address, port, Map.of(), List.of(check), "m1", "10.0.0.9");
    return new Instance(d, List.of(new CheckState("service:" + id, id, status, "", 0, 0)), 1, 1);
  }

  private static Message ask(Snapshot s, String name, int type) throws Exception {
    Answerer answerer = new Answerer(() -> RegistryDns.zone(s, "keel."));
    byte[] query = Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN)).toWire();
    return new Message(answerer.answer(query, query.length, true));
  }

  @Test
  void servesOnlyPassingInstancesByServiceAndByTag() throws Exception {
    Snapshot s = new Snapshot(5, List.of(
        instance("web1", List.of("v1"), "127.0.0.1", 8001, HealthStatus.PASSING),
        instance("web2", List.of("v2"), "", 8002, HealthStatus.PASSING),
        instance("web3", List.of("v1"), "127.0.0.3", 8003, HealthStatus.CRITICAL),
        instance("web4", List.of("v1"), "127.0.0.4", 8004, HealthStatus.WARNING)), Map.of());

    Message all = ask(s, "web.service.keel.", Type.SRV);
    assertEquals(List.of(8001, 8002), all.getSection(Section.ANSWER).stream().map(r -> ((SRVRecord) r).getPort()).sorted().toList());
    assertEquals(Name.fromString("7f000001.addr.keel."), ((SRVRecord) all.getSection(Section.ANSWER).get(0)).getTarget());

    Message v1 = ask(s, "v1.web.service.keel.", Type.SRV);
    assertEquals(List.of(8001), v1.getSection(Section.ANSWER).stream().map(r -> ((SRVRecord) r).getPort()).toList());

    Message a = ask(s, "web.service.keel.", Type.A);
    assertEquals(List.of("10.0.0.9", "127.0.0.1"), a.getSection(Section.ANSWER).stream()
        .map(r -> r.rdataToString()).sorted().toList(), "an instance without Address answers its member's");

    assertEquals(Rcode.NXDOMAIN, ask(s, "db.service.keel.", Type.SRV).getRcode());
  }
}
