package io.keel.grpc.internal;

import io.etcd.jetcd.api.KVGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.keel.api.config.KeelConfig;
import io.keel.raft.RaftNode;
import io.keel.testsupport.Ports;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The in-process harness: one real member (jraft log on disk, MVCC store, this bundle's gRPC
 * services) on ephemeral 127.0.0.1 ports in a temporary data dir, plus a client channel. Fast
 * enough for per-class use; everything it starts is stopped by {@link #close}.
 */
public final class KeelTestNode implements AutoCloseable {
  private final Path dataDir;
  private final RaftNode raft;
  private final GrpcServer grpc;
  private final int clientPort;
  private final ManagedChannel channel;

  private KeelTestNode(Path dataDir, RaftNode raft, GrpcServer grpc, int clientPort) {
    this.dataDir = dataDir;
    this.raft = raft;
    this.grpc = grpc;
    this.clientPort = clientPort;
    this.channel = NettyChannelBuilder.forAddress(new InetSocketAddress("127.0.0.1", clientPort)).usePlaintext()
        .maxInboundMessageSize(64 * 1024 * 1024).build();
  }

  public static KeelTestNode start() throws IOException {
    return start(Map.of());
  }

  /** Starts a member with etcd-named settings overriding the harness defaults. */
  public static KeelTestNode start(Map<String, String> overrides) throws IOException {
    Path dir = Files.createTempDirectory("keel-test-node");
    String peer = "http://127.0.0.1:" + freePort();
    Map<String, Object> p = new HashMap<>();
    p.put("name", "default");
    p.put("data-dir", dir.toString());
    p.put("listen-peer-urls", peer);
    p.put("initial-advertise-peer-urls", peer);
    p.put("initial-cluster", "default=" + peer);
    p.put("election-timeout", "300");
    p.put("heartbeat-interval", "30");
    p.putAll(overrides);
    int clientPort = freePort();
    String client = "http://127.0.0.1:" + clientPort;
    p.put("listen-client-urls", client);
    p.put("advertise-client-urls", client);
    KeelConfig config = KeelConfig.from(p, Map.of());
    RaftNode raft = RaftNode.start(config);
    GrpcServer grpc;
    try {
      grpc = new GrpcServer(raft, List.of(URI.create(client)), config.maxRequestBytes()).start();
    } catch (IOException | RuntimeException e) {
      raft.close();
      throw e;
    }
    return new KeelTestNode(dir, raft, grpc, clientPort);
  }

  /** A free 127.0.0.1 port (test-support's {@link Ports}: below the ephemeral range, never handed out twice). */
  static int freePort() {
    return Ports.free();
  }

  public ManagedChannel channel() {
    return channel;
  }

  public KVGrpc.KVBlockingStub kv() {
    return KVGrpc.newBlockingStub(channel);
  }

  public int clientPort() {
    return clientPort;
  }

  public RaftNode raft() {
    return raft;
  }

  @Override
  public void close() throws IOException {
    channel.shutdownNow();
    grpc.close();
    raft.close();
    try (Stream<Path> files = Files.walk(dataDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }
}
