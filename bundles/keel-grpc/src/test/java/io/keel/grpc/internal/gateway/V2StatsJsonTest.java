package io.keel.grpc.internal.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.keel.api.Member;
import io.keel.api.v2.V2PeerStats;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class V2StatsJsonTest {

  @Test
  void durationsReadAsGosDurationString() {
    assertEquals("0s", V2StatsJson.goDuration(0));
    assertEquals("999ns", V2StatsJson.goDuration(999));
    assertEquals("1.5µs", V2StatsJson.goDuration(1_500));
    assertEquals("150ms", V2StatsJson.goDuration(150_000_000L));
    assertEquals("4.49292902s", V2StatsJson.goDuration(4_492_929_020L));
    assertEquals("1m18.544996775s", V2StatsJson.goDuration(78_544_996_775L));
    assertEquals("86h37m30.471627977s", V2StatsJson.goDuration(311_850_471_627_977L));
    assertEquals("1h0m5s", V2StatsJson.goDuration(3_605_000_000_000L));
    assertEquals("-2s", V2StatsJson.goDuration(-2_000_000_000L));
  }

  @Test
  void floatsReadAsGosEncodingJsonWritesThem() {
    assertEquals("0", V2StatsJson.goFloat(0));
    assertEquals("0.000862", V2StatsJson.goFloat(0.000862));
    assertEquals("0.0037020000000000004", V2StatsJson.goFloat(0.0037020000000000004));
    assertEquals("97.19843889820562", V2StatsJson.goFloat(97.19843889820562));
    assertEquals("9223372036854776000", V2StatsJson.goFloat(0x1p63));
    assertEquals("3", V2StatsJson.goFloat(3.0));
    assertEquals("1e-7", V2StatsJson.goFloat(1e-7));
    assertEquals("1.5e+21", V2StatsJson.goFloat(1.5e21));
  }

  @Test
  void timesAreRfc3339WithTheFractionTrimmedAsGoWritesThem() {
    assertEquals("2026-12-03T05:51:46.112576082Z",
        V2StatsJson.goTime(Instant.parse("2026-12-03T05:51:46.112576082Z"), ZoneOffset.UTC));
    assertEquals("2026-12-03T05:51:46.1Z", V2StatsJson.goTime(Instant.parse("2026-12-03T05:51:46.100Z"), ZoneOffset.UTC));
    assertEquals("2026-12-03T06:51:46+01:00",
        V2StatsJson.goTime(Instant.parse("2026-12-03T05:51:46Z"), ZoneId.of("+01:00")));
  }

  @Test
  void selfHasEtcdsFieldsInEtcdsOrderAndLeavesZeroRatesOut() {
    Instant start = Instant.parse("2026-12-03T05:51:46.098528402Z");
    V2PeerStats s = new V2PeerStats(start, start.plusMillis(500), 0, 0, 0, 212, 194.5, 12003.25, Map.of());
    assertEquals("{\"name\":\"e1\",\"id\":\"1de10955cefb9815\",\"state\":\"StateLeader\","
        + "\"startTime\":\"2026-12-03T05:51:46.098528402Z\",\"leaderInfo\":{\"leader\":\"1de10955cefb9815\","
        + "\"uptime\":\"8.5s\",\"startTime\":\"2026-12-03T05:51:46.598528402Z\"},\"recvAppendRequestCnt\":0,"
        + "\"sendAppendRequestCnt\":212,\"sendPkgRate\":194.5,\"sendBandwidthRate\":12003.25}",
        V2StatsJson.self(new Member(0x1de10955cefb9815L, "e1", List.of(), List.of(), false), 0x1de10955cefb9815L, s,
            start.plusSeconds(9), ZoneOffset.UTC));
  }

  @Test
  void leaderListsEveryOtherMemberInIdOrderAndOneNotSentToYetWithEtcdsStartingMinimum() {
    V2PeerStats s = new V2PeerStats(Instant.EPOCH, Instant.EPOCH, 0, 0, 0, 3, 0, 0,
        Map.of(0xbL, new V2PeerStats.Follower(0.5, 0.25, 0.125, 0.001, 2, 1, 3)));
    List<Member> members = List.of(new Member(0xcL, "c", List.of(), List.of(), false),
        new Member(0xaL, "a", List.of(), List.of(), false), new Member(0xbL, "b", List.of(), List.of(), false));
    assertEquals("{\"leader\":\"a\",\"followers\":{"
        + "\"b\":{\"latency\":{\"current\":0.5,\"average\":0.25,\"standardDeviation\":0.125,\"minimum\":0.001,"
        + "\"maximum\":2},\"counts\":{\"fail\":1,\"success\":3}},"
        + "\"c\":{\"latency\":{\"current\":0,\"average\":0,\"standardDeviation\":0,\"minimum\":9223372036854776000,"
        + "\"maximum\":0},\"counts\":{\"fail\":0,\"success\":0}}}}",
        V2StatsJson.leader(0xaL, members, s));
  }
}
