package io.keel.api.v2;

import java.time.Instant;
import java.util.Map;

/**
 * The Raft traffic numbers etcd's {@code /v2/stats/self} and {@code /v2/stats/leader} show for one
 * member: appends received (as a follower) and sent (as the leader), their rates over the last 200
 * within a second, and, while leading, each follower's send latencies and counts.
 *
 * @param startTime when this member started
 * @param leaderSince when this member last saw the leader change (its leaderInfo.startTime)
 * @param recvPkgRate appends received per second, 0 when none came within the last second
 * @param recvBandwidthRate bytes of appends received per second, likewise
 * @param followers by member ID: the followers this member sent appends to while leading
 */
public record V2PeerStats(Instant startTime, Instant leaderSince, long recvAppendRequestCnt, double recvPkgRate,
    double recvBandwidthRate, long sendAppendRequestCnt, double sendPkgRate, double sendBandwidthRate,
    Map<Long, Follower> followers) {

  /**
   * One follower as the leader sees it: etcd's latency of each append's send in milliseconds
   * (current, average, standard deviation, minimum, maximum) and the sends that failed and succeeded.
   */
  public record Follower(double currentMs, double averageMs, double standardDeviationMs, double minimumMs,
      double maximumMs, long fail, long success) {
    /** A follower nothing was sent to yet: etcd starts its minimum at 2^63. */
    public static final Follower NONE = new Follower(0, 0, 0, 0x1p63, 0, 0, 0);
  }
}
