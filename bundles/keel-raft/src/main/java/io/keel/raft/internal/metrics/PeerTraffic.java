package io.keel.raft.internal.metrics;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.keel.api.metrics.Histogram;
import io.keel.api.metrics.MetricSink;
import io.keel.api.metrics.MetricSource;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * The peer port's traffic under etcd's names: bytes sent to and received from each member
 * ({@code etcd_network_peer_sent_bytes_total{To}}, {@code _received_bytes_total{From}}) and the
 * round trip time to each ({@code etcd_network_peer_round_trip_time_seconds{To}}), labelled with
 * member IDs in hex as etcd does; {@code etcd_network_peer_sent_failures_total{To}} counts the
 * probes ({@link PeerProber}) a member did not answer, which is what etcd's etcdMembersDown alert
 * watches for.
 *
 * <p>Bytes are counted by a Netty handler on every peer connection (bolt's server and each client),
 * after TLS, so they are the Raft and forwarding messages' bytes as etcd counts its messages'. A
 * connection this member dialed belongs to the member at the dialed address. One a peer dialed is
 * known by the first request on it that names its sender (jraft's requests carry {@code server_id},
 * Keel's forwarded ones {@code from}); bytes before that are held and added once it is known.
 */
public final class PeerTraffic implements MetricSource {
  private final Map<String, LongAdder> sent = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> received = new ConcurrentHashMap<>();
  private final Map<String, Histogram> roundTrips = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> sendFailures = new ConcurrentHashMap<>();
  /** Senders of accepted connections, by the remote address as bolt reports it ("ip:port"). */
  private final Map<String, String> accepted = new ConcurrentHashMap<>();
  /** A peer address ("host:port") to that member's ID in hex, or null if no member is there. */
  private volatile Function<String, String> members = address -> null;
  private final AppendStats appends;

  public PeerTraffic() {
    this(new AppendStats());
  }

  /** Also feeds {@code appends} with the appends the peer port receives and the raft node sends. */
  public PeerTraffic(AppendStats appends) {
    this.appends = appends;
  }

  /** How to find the member at a peer address (the member table, once it exists). */
  public void resolveWith(Function<String, String> memberAtAddress) {
    this.members = memberAtAddress;
  }

  /** A counting handler for one new peer connection (bolt asks for one per connection). */
  public ChannelHandler counter() {
    return new Counter();
  }

  /** A handler for one new connection the raft node dials, behind bolt's codec: counts its appends. */
  public ChannelHandler appendWatcher() {
    return appends.sendWatcher(address -> members.apply(address));
  }

  /**
   * Notes who sent {@code request} on the connection from {@code remoteAddress}, if the request
   * says so and the connection is not known yet; cheap once it is.
   */
  public void request(String remoteAddress, Object request) {
    appends.received(request);
    if (remoteAddress == null || accepted.containsKey(remoteAddress) || !(request instanceof Message m)) {
      return;
    }
    String member = sender(m);
    if (member != null) {
      accepted.putIfAbsent(remoteAddress, member);
    }
  }

  private String sender(Message m) {
    FieldDescriptor from = m.getDescriptorForType().findFieldByName("from");
    if (from != null && from.getJavaType() == FieldDescriptor.JavaType.LONG) {
      long id = (Long) m.getField(from);
      return id == 0 ? null : Long.toHexString(id);
    }
    FieldDescriptor serverId = m.getDescriptorForType().findFieldByName("server_id");
    if (serverId != null && serverId.getJavaType() == FieldDescriptor.JavaType.STRING) {
      // jraft's PeerId text: ip:port[:index[:priority]]
      String[] parts = ((String) m.getField(serverId)).split(":");
      return parts.length < 2 ? null : members.apply(parts[0] + ":" + parts[1]);
    }
    return null;
  }

  /** One measured round trip to member {@code memberIdHex}. */
  public void roundTrip(String memberIdHex, long nanos) {
    roundTrips.computeIfAbsent(memberIdHex, id -> Histogram.exponential(0.0001, 2, 16)).observeNanos(nanos);
  }

  /** A probe to member {@code memberIdHex} that got no answer (it is down or cut off). */
  public void sendFailed(String memberIdHex) {
    sendFailures.computeIfAbsent(memberIdHex, id -> new LongAdder()).increment();
  }

  @Override
  public void collect(MetricSink s) {
    sent.forEach((to, bytes) -> s.counter("etcd_network_peer_sent_bytes_total",
        "The total number of bytes sent to peers.", bytes.sum(), "To", to));
    received.forEach((from, bytes) -> s.counter("etcd_network_peer_received_bytes_total",
        "The total number of bytes received from peers.", bytes.sum(), "From", from));
    sendFailures.forEach((to, n) -> s.counter("etcd_network_peer_sent_failures_total",
        "The total number of send failures from peers.", n.sum(), "To", to));
    roundTrips.forEach((to, h) -> s.histogram("etcd_network_peer_round_trip_time_seconds",
        "Round-Trip-Time histogram between peers", h, "To", to));
  }

  private static String key(SocketAddress address) {
    return address instanceof InetSocketAddress a && a.getAddress() != null
        ? a.getAddress().getHostAddress() + ":" + a.getPort() : String.valueOf(address);
  }

  /** Counts one connection's bytes; runs on its event loop only, so its fields need no locking. */
  private final class Counter extends ChannelDuplexHandler {
    private String dialed; // "host:port" this member dialed, null for an accepted connection
    private String remote; // bolt's "ip:port" of the other end
    private String member;
    private long heldIn;
    private long heldOut;

    @Override
    public void connect(ChannelHandlerContext ctx, SocketAddress to, SocketAddress local, ChannelPromise promise)
        throws Exception {
      if (to instanceof InetSocketAddress a) {
        dialed = a.getHostString() + ":" + a.getPort();
      }
      super.connect(ctx, to, local, promise);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
      count(ctx, bytes(msg), 0);
      super.channelRead(ctx, msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
      count(ctx, 0, bytes(msg));
      super.write(ctx, msg, promise);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      if (dialed == null && remote != null) {
        accepted.remove(remote);
      }
      super.channelInactive(ctx);
    }

    private void count(ChannelHandlerContext ctx, long in, long out) {
      if (in == 0 && out == 0) {
        return;
      }
      if (member == null) {
        if (remote == null) {
          remote = key(ctx.channel().remoteAddress());
        }
        member = dialed != null ? members.apply(dialed) : accepted.get(remote);
        if (member == null) {
          heldIn += in;
          heldOut += out;
          return;
        }
        in += heldIn;
        out += heldOut;
        heldIn = 0;
        heldOut = 0;
      }
      if (in > 0) {
        received.computeIfAbsent(member, m -> new LongAdder()).add(in);
      }
      if (out > 0) {
        sent.computeIfAbsent(member, m -> new LongAdder()).add(out);
      }
    }

    private static long bytes(Object msg) {
      if (msg instanceof ByteBuf b) {
        return b.readableBytes();
      }
      return msg instanceof ByteBufHolder h ? h.content().readableBytes() : 0;
    }
  }
}
