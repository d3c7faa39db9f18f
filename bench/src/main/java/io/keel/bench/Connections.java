package io.keel.bench;

import io.grpc.CallOptions;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The {@code --conns} gRPC connections of one run, spread round-robin over the endpoints; client
 * {@code i} uses connection {@code i % conns}, as etcd's benchmark does.
 *
 * <p>Callbacks run directly on grpc's Netty event loops ({@code directExecutor}): everything the
 * bench does in a callback (record a latency, start the next call, schedule a timer) is
 * non-blocking, and skipping a thread hand-off per response keeps the client's own CPU use low on
 * a machine it shares with the server under test.
 */
final class Connections implements AutoCloseable {

  private final List<ManagedChannel> channels;
  private final Duration requestTimeout;

  private Connections(List<ManagedChannel> channels, Duration requestTimeout) {
    this.channels = channels;
    this.requestTimeout = requestTimeout;
  }

  /** Opens the connections and waits (at most {@code dialTimeout}) until every one is READY. */
  static Connections open(LoadOptions o) {
    List<ManagedChannel> channels = new ArrayList<>();
    SslContext tls = o.tls() ? sslContext(o) : null;
    for (int i = 0; i < o.conns; i++) {
      String target = target(o.endpoints.get(i % o.endpoints.size()));
      NettyChannelBuilder b = NettyChannelBuilder.forTarget(target)
          .directExecutor()
          .maxInboundMessageSize(64 << 20);
      channels.add((tls == null ? b.usePlaintext() : b.sslContext(tls)).build());
    }
    Connections c = new Connections(channels, o.requestTimeout);
    try {
      c.awaitReady(o.dialTimeout);
    } catch (RuntimeException e) {
      c.close();
      throw e;
    }
    return c;
  }

  /** The client side of TLS: the CA to trust (the JDK's when none is given) and the client certificate if any. */
  private static SslContext sslContext(LoadOptions o) {
    try {
      SslContextBuilder b = GrpcSslContexts.forClient();
      if (o.cacert != null) {
        b.trustManager(o.cacert.toFile());
      }
      if (o.cert != null) {
        b.keyManager(o.cert.toFile(), o.key.toFile());
      }
      return b.build();
    } catch (javax.net.ssl.SSLException | IllegalArgumentException e) {
      throw new BenchException("cannot set up TLS from --cacert/--cert/--key: " + e.getMessage());
    }
  }

  private void awaitReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (ManagedChannel ch : channels) {
      while (ch.getState(true) != ConnectivityState.READY) {
        if (System.nanoTime() > deadline) {
          throw new BenchException("cannot connect to " + ch.authority() + " within " + timeout.toMillis()
              + " ms (state " + ch.getState(false) + ")");
        }
        sleepMillis(10);
      }
    }
  }

  static String target(String endpoint) {
    String e = endpoint.trim();
    for (String scheme : new String[] {"http://", "https://"}) {
      if (e.startsWith(scheme)) {
        e = e.substring(scheme.length());
      }
    }
    if (e.endsWith("/")) {
      e = e.substring(0, e.length() - 1);
    }
    return e;
  }

  ManagedChannel forClient(int client) {
    return channels.get(client % channels.size());
  }

  int size() {
    return channels.size();
  }

  /** Call options with the per-request deadline. */
  CallOptions callOptions() {
    return CallOptions.DEFAULT.withDeadlineAfter(requestTimeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Call options without a deadline, for long-lived streams. */
  CallOptions streamOptions() {
    return CallOptions.DEFAULT;
  }

  @Override
  public void close() {
    channels.forEach(ManagedChannel::shutdownNow);
    for (ManagedChannel ch : channels) {
      try {
        ch.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  static void sleepMillis(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchException("interrupted");
    }
  }
}
