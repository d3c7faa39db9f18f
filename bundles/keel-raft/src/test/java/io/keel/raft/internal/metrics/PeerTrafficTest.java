package io.keel.raft.internal.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.alipay.sofa.jraft.rpc.RpcRequests.AppendEntriesRequest;
import io.keel.api.metrics.Histogram;
import io.keel.api.metrics.MetricSink;
import io.keel.raft.internal.proto.ForwardRequest;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class PeerTrafficTest {
  /** What a scrape reports: "name{label=value}" to the value (histograms: their names only). */
  private static Map<String, Double> scrape(PeerTraffic traffic) {
    Map<String, Double> seen = new TreeMap<>();
    traffic.collect(new MetricSink() {
      @Override
      public void counter(String name, String help, double value, String... labels) {
        seen.put(name + "{" + labels[0] + "=" + labels[1] + "}", value);
      }

      @Override
      public void gauge(String name, String help, double value, String... labels) {
        seen.put(name + "{" + labels[0] + "=" + labels[1] + "}", value);
      }

      @Override
      public void histogram(String name, String help, Histogram histogram, String... labels) {
        seen.put(name + "{" + labels[0] + "=" + labels[1] + "}", -1.0);
      }
    });
    return seen;
  }

  private static PeerTraffic withMembers() {
    PeerTraffic traffic = new PeerTraffic();
    traffic.resolveWith(Map.of("127.0.0.1:2380", "a1", "127.0.0.1:2381", "b2")::get);
    return traffic;
  }

  @Test
  void aDialedConnectionCountsForTheMemberAtTheDialedAddress() throws Exception {
    PeerTraffic traffic = withMembers();
    EmbeddedChannel channel = new EmbeddedChannel(traffic.counter());
    channel.connect(new InetSocketAddress("127.0.0.1", 2380)); // passes the counter on its way out
    channel.writeOutbound(Unpooled.wrappedBuffer(new byte[100]));
    channel.writeInbound(Unpooled.wrappedBuffer(new byte[40]));
    assertEquals(Map.of("etcd_network_peer_sent_bytes_total{To=a1}", 100.0,
        "etcd_network_peer_received_bytes_total{From=a1}", 40.0), scrape(traffic));
    channel.finishAndReleaseAll();
  }

  @Test
  void anAcceptedConnectionCountsOnceARequestNamesItsSenderIncludingTheBytesBefore() {
    PeerTraffic traffic = withMembers();
    EmbeddedChannel channel = new EmbeddedChannel(traffic.counter());
    String remote = String.valueOf(channel.remoteAddress());
    channel.writeInbound(Unpooled.wrappedBuffer(new byte[10]));
    assertEquals(Map.of(), scrape(traffic), "unknown sender: held");
    traffic.request(remote, AppendEntriesRequest.newBuilder().setGroupId("keel").setServerId("127.0.0.1:2381:0")
        .setPeerId("127.0.0.1:2380").setTerm(1).setPrevLogTerm(0).setPrevLogIndex(0).setCommittedIndex(0).build());
    channel.writeInbound(Unpooled.wrappedBuffer(new byte[5]));
    channel.writeOutbound(Unpooled.wrappedBuffer(new byte[7]));
    assertEquals(Map.of("etcd_network_peer_received_bytes_total{From=b2}", 15.0,
        "etcd_network_peer_sent_bytes_total{To=b2}", 7.0), scrape(traffic));
    channel.finishAndReleaseAll();
  }

  @Test
  void aForwardedRequestNamesItsSenderByMemberId() {
    PeerTraffic traffic = withMembers();
    EmbeddedChannel channel = new EmbeddedChannel(traffic.counter());
    traffic.request(String.valueOf(channel.remoteAddress()), ForwardRequest.newBuilder().setRenew(5).setFrom(0xabcL).build());
    channel.writeInbound(Unpooled.wrappedBuffer(new byte[3]));
    assertEquals(Map.of("etcd_network_peer_received_bytes_total{From=abc}", 3.0), scrape(traffic));
    channel.finishAndReleaseAll();
  }

  @Test
  void aRequestFromAnOlderMemberWithoutSenderLeavesTheConnectionUnnamed() {
    PeerTraffic traffic = withMembers();
    EmbeddedChannel channel = new EmbeddedChannel(traffic.counter());
    traffic.request(String.valueOf(channel.remoteAddress()), ForwardRequest.newBuilder().setRenew(5).build());
    channel.writeInbound(Unpooled.wrappedBuffer(new byte[3]));
    assertEquals(Map.of(), scrape(traffic));
    channel.finishAndReleaseAll();
  }

  @Test
  void roundTripsGoToAHistogramPerMemberAndUnansweredProbesCountAsSendFailures() {
    PeerTraffic traffic = withMembers();
    traffic.roundTrip("a1", 250_000);
    traffic.sendFailed("b2");
    traffic.sendFailed("b2");
    assertEquals(Map.of("etcd_network_peer_round_trip_time_seconds{To=a1}", -1.0,
        "etcd_network_peer_sent_failures_total{To=b2}", 2.0), scrape(traffic));
  }
}
