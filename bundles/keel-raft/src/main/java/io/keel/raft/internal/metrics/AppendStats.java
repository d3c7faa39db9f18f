package io.keel.raft.internal.metrics;

import com.alipay.remoting.rpc.protocol.RpcRequestCommand;
import com.alipay.sofa.jraft.rpc.RpcRequests.AppendEntriesRequest;
import io.keel.api.v2.V2PeerStats;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * etcd's v2 server and leader stats (its v2stats package): the appends this member received from a
 * leader and sent to followers, with their rates, and each follower's send latencies and counts.
 *
 * <p>etcd counts its MsgApp messages; the jraft equivalent is an AppendEntries request that carries
 * entries (jraft's heartbeats and probes are AppendEntries without any, as etcd's heartbeats are a
 * message of their own). Received ones are counted where the peer port's server sees each request;
 * sent ones by {@link #sendWatcher} on the raft node's own connections, where etcd's stream writer
 * measures too: a follower's latency is the time from handing the append to its connection until
 * the connection has written it, and a write that fails counts as a failure.
 */
public final class AppendStats {
  private final LongSupplier nanos;
  private final Supplier<Instant> wall;
  private final Instant startTime;
  private volatile Instant leaderSince;
  private final LongAdder received = new LongAdder();
  private final LongAdder sent = new LongAdder();
  private final RateWindow receiveRate = new RateWindow();
  private final RateWindow sendRate = new RateWindow();
  private final Map<String, FollowerLatency> followers = new ConcurrentHashMap<>();

  public AppendStats() {
    this(System::nanoTime, Instant::now);
  }

  AppendStats(LongSupplier nanos, Supplier<Instant> wall) {
    this.nanos = nanos;
    this.wall = wall;
    this.startTime = wall.get();
    this.leaderSince = startTime;
  }

  /** The leader changed as this member sees it (it leads now, or follows another). */
  public void leaderChanged() {
    leaderSince = wall.get();
  }

  /** An AppendEntries request arrived on the peer port; counted if it carries entries. */
  public void received(Object request) {
    if (request instanceof AppendEntriesRequest a && a.getEntriesCount() > 0) {
      received.increment();
      receiveRate.add(nanos.getAsLong(), a.getSerializedSize());
    }
  }

  /**
   * A handler for one connection the raft node dials ({@code memberAt}: the member ID in hex at a
   * dialed "host:port", or null): sees each request bolt writes before it is encoded.
   */
  public ChannelHandler sendWatcher(Function<String, String> memberAt) {
    return new SendWatcher(memberAt);
  }

  void written(String follower, long startNanos, boolean written) {
    FollowerLatency f = followers.computeIfAbsent(follower, id -> new FollowerLatency());
    if (written) {
      f.success(nanos.getAsLong() - startNanos);
    } else {
      f.fail();
    }
  }

  public V2PeerStats snapshot() {
    long now = nanos.getAsLong();
    double[] in = receiveRate.rates(now);
    double[] out = sendRate.rates(now);
    Map<Long, V2PeerStats.Follower> byId = new HashMap<>();
    followers.forEach((id, f) -> byId.put(Long.parseUnsignedLong(id, 16), f.snapshot()));
    return new V2PeerStats(startTime, leaderSince, received.sum(), in[0], in[1], sent.sum(), out[0], out[1],
        Map.copyOf(byId));
  }

  /** Watches one dialed connection's writes; runs on its event loop. */
  private final class SendWatcher extends ChannelOutboundHandlerAdapter {
    private final Function<String, String> memberAt;
    private SocketAddress dialed;
    private String follower;

    SendWatcher(Function<String, String> memberAt) {
      this.memberAt = memberAt;
    }

    @Override
    public void connect(ChannelHandlerContext ctx, SocketAddress to, SocketAddress local, ChannelPromise promise)
        throws Exception {
      dialed = to;
      super.connect(ctx, to, local, promise);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
      if (msg instanceof RpcRequestCommand c && c.getRequestObject() instanceof AppendEntriesRequest a
          && a.getEntriesCount() > 0 && !promise.isVoid()) {
        String to = follower(dialed != null ? dialed : ctx.channel().remoteAddress());
        if (to != null) {
          long start = nanos.getAsLong();
          int bytes = a.getSerializedSize();
          AppendStats.this.sent.increment();
          sendRate.add(start, bytes);
          promise.addListener(done -> written(to, start, done.isSuccess()));
        }
      }
      super.write(ctx, msg, promise);
    }

    private String follower(SocketAddress remote) {
      if (follower == null && remote instanceof InetSocketAddress a) {
        follower = memberAt.apply(a.getHostString() + ":" + a.getPort());
      }
      return follower;
    }
  }

  /**
   * etcd's statsQueue: the last 200 samples' count and bytes over the time they span, cleared once
   * the newest is over a second old.
   */
  static final class RateWindow {
    private static final int CAPACITY = 200;
    private final long[] at = new long[CAPACITY];
    private final int[] size = new int[CAPACITY];
    private int count;
    private int newest = -1;
    private long bytes;

    synchronized void add(long nanos, int bytes) {
      newest = (newest + 1) % CAPACITY;
      if (count == CAPACITY) {
        this.bytes -= size[newest];
      } else {
        count++;
      }
      at[newest] = nanos;
      size[newest] = bytes;
      this.bytes += bytes;
    }

    /** Samples and bytes per second, {0, 0} when empty, stale or spanning no time. */
    synchronized double[] rates(long now) {
      if (count == 0) {
        return new double[] {0, 0};
      }
      if (now - at[newest] > 1_000_000_000L) {
        count = 0;
        newest = -1;
        bytes = 0;
        return new double[] {0, 0};
      }
      int oldest = (newest - count + 1 + CAPACITY) % CAPACITY;
      long span = at[newest] - at[oldest];
      if (span <= 0) {
        return new double[] {0, 0};
      }
      return new double[] {count * 1e9 / span, bytes * 1e9 / span};
    }
  }

  /** etcd's FollowerStats: running latency figures in milliseconds and the send counts. */
  static final class FollowerLatency {
    private double current;
    private double average;
    private double averageSquare;
    private double deviation;
    private double minimum = 0x1p63;
    private double maximum;
    private long fail;
    private long success;

    synchronized void success(long nanos) {
      double ms = nanos / 1e6;
      double total = success * average;
      double totalSquare = success * averageSquare;
      success++;
      current = ms;
      maximum = Math.max(maximum, ms);
      minimum = Math.min(minimum, ms);
      average = (total + ms) / success;
      averageSquare = (totalSquare + ms * ms) / success;
      deviation = Math.sqrt(Math.max(0, averageSquare - average * average));
    }

    synchronized void fail() {
      fail++;
    }

    synchronized V2PeerStats.Follower snapshot() {
      return new V2PeerStats.Follower(current, average, deviation, minimum, maximum, fail, success);
    }
  }
}
