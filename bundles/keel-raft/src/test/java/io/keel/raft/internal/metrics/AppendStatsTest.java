package io.keel.raft.internal.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.alipay.remoting.rpc.protocol.RpcRequestCommand;
import com.alipay.sofa.jraft.entity.RaftOutter.EntryMeta;
import com.alipay.sofa.jraft.entity.EnumOutter.EntryType;
import com.alipay.sofa.jraft.rpc.RpcRequests.AppendEntriesRequest;
import io.keel.api.v2.V2PeerStats;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AppendStatsTest {
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final AtomicLong millis = new AtomicLong(1_700_000_000_000L);
  private final AppendStats stats = new AppendStats(nanos::get, () -> Instant.ofEpochMilli(millis.get()));

  private static AppendEntriesRequest append(int entries) {
    AppendEntriesRequest.Builder b = AppendEntriesRequest.newBuilder().setGroupId("keel").setServerId("127.0.0.1:2381:0")
        .setPeerId("127.0.0.1:2380").setTerm(2).setPrevLogTerm(1).setPrevLogIndex(5).setCommittedIndex(5);
    for (int i = 0; i < entries; i++) {
      b.addEntries(EntryMeta.newBuilder().setTerm(2).setType(EntryType.ENTRY_TYPE_DATA).setDataLen(10));
    }
    return b.build();
  }

  @Test
  void onlyAppendsCarryingEntriesCountAsEtcdCountsItsMsgAppAndNotItsHeartbeats() {
    stats.received(append(0)); // a jraft heartbeat or probe
    stats.received(append(2));
    stats.received("something else");
    nanos.addAndGet(100_000_000L);
    stats.received(append(1));
    V2PeerStats s = stats.snapshot();
    assertEquals(2, s.recvAppendRequestCnt());
    assertEquals(20.0, s.recvPkgRate(), 1e-9, "two appends over the 100 ms they span");
    assertEquals((append(2).getSerializedSize() + append(1).getSerializedSize()) * 10.0, s.recvBandwidthRate(), 1e-6);
    assertEquals(0, s.sendAppendRequestCnt());
  }

  @Test
  void ratesClearOnceTheNewestSampleIsOverASecondOldAsEtcdsQueueDoes() {
    stats.received(append(1));
    nanos.addAndGet(10_000_000L);
    stats.received(append(1));
    nanos.addAndGet(1_100_000_000L);
    V2PeerStats s = stats.snapshot();
    assertEquals(0.0, s.recvPkgRate());
    assertEquals(0.0, s.recvBandwidthRate());
    assertEquals(2, s.recvAppendRequestCnt(), "the count stays");
  }

  @Test
  void theWindowKeepsTheLast200Samples() {
    for (int i = 0; i < 250; i++) {
      stats.received(append(1));
      nanos.addAndGet(1_000_000L);
    }
    // the last 200 span 199 ms
    assertEquals(200 / 0.199, stats.snapshot().recvPkgRate(), 1e-6);
  }

  @Test
  void theLeaderTimesEachAppendWriteToItsFollowerAndCountsFailedWrites() {
    AppendStats.FollowerLatency f = new AppendStats.FollowerLatency();
    f.success(2_000_000L);
    f.success(4_000_000L);
    f.fail();
    V2PeerStats.Follower s = f.snapshot();
    assertEquals(4.0, s.currentMs());
    assertEquals(3.0, s.averageMs(), 1e-12);
    assertEquals(1.0, s.standardDeviationMs(), 1e-9);
    assertEquals(2.0, s.minimumMs());
    assertEquals(4.0, s.maximumMs());
    assertEquals(1, s.fail());
    assertEquals(2, s.success());
  }

  @Test
  void theSendWatcherCountsAppendsWrittenToTheDialedMember() {
    EmbeddedChannel channel = new EmbeddedChannel(stats.sendWatcher(Map.of("127.0.0.1:2381", "b2")::get));
    channel.connect(new InetSocketAddress("127.0.0.1", 2381));
    channel.writeOutbound(new RpcRequestCommand(append(3)));
    nanos.addAndGet(5_000_000L);
    channel.writeOutbound(new RpcRequestCommand(append(0)));
    V2PeerStats s = stats.snapshot();
    assertEquals(1, s.sendAppendRequestCnt());
    assertEquals(Map.of(0xb2L, new V2PeerStats.Follower(0, 0, 0, 0, 0, 0, 1)), s.followers(),
        "written at once: zero latency on this clock");
    channel.finishAndReleaseAll();
  }

  @Test
  void aLeaderChangeMovesTheLeaderStartTime() {
    Instant started = stats.snapshot().startTime();
    millis.addAndGet(5_000);
    stats.leaderChanged();
    assertEquals(started, stats.snapshot().startTime());
    assertEquals(started.plusSeconds(5), stats.snapshot().leaderSince());
  }
}
