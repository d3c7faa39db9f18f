package io.keel.grpc.internal;

import io.etcd.jetcd.api.KVGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.keel.api.config.KeelConfig;
import io.keel.raft.RaftNode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * An in-process cluster of real members (jraft on 127.0.0.1 peer ports, gRPC on client ports, data
 * in a temporary folder), with stop/restart of single members. Everything is stopped by close().
 */
public final class TestCluster implements AutoCloseable {
  private final Path dir;
  private final int size; // initial members
  private final int capacity;
  private int joined;
  private final int[] peerPorts;
  private final int[] clientPorts;
  private final RaftNode[] raft;
  private final GrpcServer[] grpc;
  private final ManagedChannel[] channels;

  private TestCluster(int size, int capacity) throws IOException {
    this.size = size;
    this.capacity = capacity;
    this.joined = size;
    this.dir = Files.createTempDirectory("keel-test-cluster");
    this.peerPorts = new int[capacity];
    this.clientPorts = new int[capacity];
    this.raft = new RaftNode[capacity];
    this.grpc = new GrpcServer[capacity];
    this.channels = new ManagedChannel[capacity];
    for (int i = 0; i < capacity; i++) {
      peerPorts[i] = KeelTestNode.freePort();
      clientPorts[i] = KeelTestNode.freePort();
    }
  }

  public static TestCluster start(int size) throws Exception {
    return start(size, size);
  }

  /** Starts {@code size} members, with room for {@code capacity - size} to join later. */
  public static TestCluster start(int size, int capacity) throws Exception {
    TestCluster c = new TestCluster(size, capacity);
    try {
      List<CompletableFuture<Void>> starts = new ArrayList<>();
      for (int i = 0; i < size; i++) {
        int member = i;
        starts.add(CompletableFuture.runAsync(() -> c.startMember(member)));
      }
      for (CompletableFuture<Void> f : starts) {
        f.join();
      }
    } catch (RuntimeException e) {
      c.close();
      throw e;
    }
    return c;
  }

  private KeelConfig config(int i) {
    StringBuilder cluster = new StringBuilder();
    int listed = i < size ? size : i + 1;
    for (int j = 0; j < listed; j++) {
      cluster.append(j == 0 ? "" : ",").append("m").append(j).append("=http://127.0.0.1:").append(peerPorts[j]);
    }
    Map<String, Object> p = new HashMap<>();
    String peer = "http://127.0.0.1:" + peerPorts[i];
    String client = "http://127.0.0.1:" + clientPorts[i];
    p.put("name", "m" + i);
    p.put("data-dir", dir.resolve("m" + i).toString());
    p.put("listen-peer-urls", peer);
    p.put("initial-advertise-peer-urls", peer);
    p.put("listen-client-urls", client);
    p.put("advertise-client-urls", client);
    p.put("initial-cluster", cluster.toString());
    p.put("initial-cluster-token", "test-cluster");
    p.put("election-timeout", "500");
    p.put("heartbeat-interval", "50");
    p.put("initial-cluster-state", i < size ? "new" : "existing");
    return KeelConfig.from(p, Map.of());
  }

  private void startMember(int i) {
    try {
      KeelConfig config = config(i);
      raft[i] = RaftNode.start(config);
      grpc[i] = new GrpcServer(raft[i], List.of(URI.create("http://127.0.0.1:" + clientPorts[i])),
          config.maxRequestBytes()).start();
      channels[i] = NettyChannelBuilder.forAddress(new InetSocketAddress("127.0.0.1", clientPorts[i])).usePlaintext()
          .build();
    } catch (IOException e) {
      throw new IllegalStateException("member " + i + " failed to start", e);
    }
  }

  /** The peer URL member {@code i} has or will have. */
  public String peerUrl(int i) {
    return "http://127.0.0.1:" + peerPorts[i];
  }

  /** Gives member {@code i} a new peer port, used from its next start; returns the new peer URL. */
  public String movePeer(int i) throws IOException {
    peerPorts[i] = KeelTestNode.freePort();
    return peerUrl(i);
  }

  /** Starts the next member as a joiner (initial-cluster-state=existing); returns its index. */
  public int startJoiner() {
    int i = joined++;
    if (i >= capacity) {
      throw new IllegalStateException("no room for another member");
    }
    startMember(i);
    return i;
  }

  public ManagedChannel channel(int i) {
    return channels[i];
  }

  public KVGrpc.KVBlockingStub kv(int i) {
    return KVGrpc.newBlockingStub(channels[i]);
  }

  public RaftNode member(int i) {
    return raft[i];
  }

  public boolean isRunning(int i) {
    return raft[i] != null;
  }

  /** The index of the current leader, waiting (bounded) for one. */
  public int waitLeader() throws InterruptedException {
    long deadline = System.nanoTime() + 15_000_000_000L;
    while (System.nanoTime() < deadline) {
      for (int i = 0; i < capacity; i++) {
        if (raft[i] != null && raft[i].isLeader()) {
          return i;
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no leader within 15 s");
  }

  public void stop(int i) {
    if (channels[i] != null) {
      channels[i].shutdownNow();
      channels[i] = null;
    }
    if (grpc[i] != null) {
      grpc[i].close();
      grpc[i] = null;
    }
    if (raft[i] != null) {
      raft[i].close();
      raft[i] = null;
    }
  }

  public void restart(int i) {
    stop(i);
    startMember(i);
  }

  /** Cuts every link between member {@code i} and the others, both ways (a network partition). */
  public void partition(int i) {
    java.util.Set<String> others = new java.util.HashSet<>();
    for (int j = 0; j < capacity; j++) {
      if (j != i) {
        others.add("127.0.0.1:" + peerPorts[j]);
        if (raft[j] != null) {
          raft[j].links().cut(java.util.Set.of("127.0.0.1:" + peerPorts[i]));
        }
      }
    }
    raft[i].links().cut(others);
  }

  /** Heals every partition. */
  public void heal() {
    for (RaftNode r : raft) {
      if (r != null) {
        r.links().heal();
      }
    }
  }

  /** Waits (bounded) until every running member reports the same revision and KV hash. */
  public void assertReplicasEqual() throws Exception {
    long deadline = System.nanoTime() + 15_000_000_000L;
    String last = "";
    while (System.nanoTime() < deadline) {
      List<String> views = new ArrayList<>();
      for (int i = 0; i < capacity; i++) {
        if (raft[i] != null) {
          io.keel.api.HashKv h = raft[i].hashKv(0).toCompletableFuture().get();
          views.add(h.revision() + ":" + h.hash());
        }
      }
      last = views.toString();
      if (views.stream().distinct().count() == 1) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("replicas differ: " + last);
  }

  @Override
  public void close() throws IOException {
    for (int i = 0; i < capacity; i++) {
      stop(i);
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }
}
