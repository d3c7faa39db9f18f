package io.keel.raft.internal.metrics;

import com.alipay.sofa.jraft.entity.PeerId;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures the round trip to every other member at etcd's prober interval (4 s: its connection
 * read timeout less a second) with a ping on the peer port, into {@link PeerTraffic}'s
 * etcd_network_peer_round_trip_time_seconds. etcd observes its prober's smoothed RTT every 30 s;
 * here each ping is one observation, so the histogram fills sooner and shows the spread.
 */
public final class PeerProber {
  static final long INTERVAL_MS = 4_000;
  private static final Logger LOG = LoggerFactory.getLogger(PeerProber.class);

  private PeerProber() {}

  /**
   * Pings, every {@link #INTERVAL_MS} on {@code timer}, each peer {@code peers} lists (member ID in
   * hex to its peer address) with {@code ping} (nanoseconds, or failed); stops with the timer.
   */
  public static void start(ScheduledExecutorService timer, Supplier<Map<String, PeerId>> peers,
      Function<PeerId, CompletableFuture<Long>> ping, PeerTraffic traffic) {
    timer.scheduleWithFixedDelay(() -> {
      try {
        peers.get().forEach((id, peer) -> ping.apply(peer).whenComplete((nanos, error) -> {
          if (error == null) {
            traffic.roundTrip(id, nanos);
          } else {
            traffic.sendFailed(id);
          }
        }));
      } catch (RuntimeException e) {
        LOG.debug("peer probe pass failed", e); // the next pass tries again
      }
    }, INTERVAL_MS, INTERVAL_MS, TimeUnit.MILLISECONDS);
  }
}
