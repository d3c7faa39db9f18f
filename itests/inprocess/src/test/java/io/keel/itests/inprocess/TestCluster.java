package io.keel.itests.inprocess;

import io.etcd.jetcd.api.KVGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.keel.api.HashKv;
import io.keel.api.config.KeelConfig;
import io.keel.grpc.internal.GrpcServer;
import io.keel.raft.RaftNode;
import io.keel.testsupport.Await;
import io.keel.testsupport.ClusterUnderTest;
import io.keel.testsupport.EtcdClient;
import io.keel.testsupport.EtcdException;
import io.keel.testsupport.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;

/**
 * An in-process cluster of real members (jraft on 127.0.0.1 peer ports, gRPC on client ports, data
 * in a temporary folder), with stop/restart of single members and partitions by cutting links
 * inside each member. Everything is stopped by close().
 *
 * <p>Every call into RaftNode is in the few methods under "the member's own calls" below, so a
 * change of RaftNode's API touches only them.
 */
public final class TestCluster implements ClusterUnderTest {
  private static final Duration PATIENCE = Duration.ofSeconds(30);

  private final Path dir;
  private final int size; // initial members
  private final int capacity;
  private int joined;
  private final int[] peerPorts;
  private final int[] clientPorts;
  private final RaftNode[] raft;
  private final GrpcServer[] grpc;
  private final ManagedChannel[] channels;

  private final Map<String, String> extraConfig;

  private TestCluster(int size, int capacity, Map<String, String> extraConfig) throws IOException {
    this.extraConfig = Map.copyOf(extraConfig);
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
      peerPorts[i] = Ports.free();
      clientPorts[i] = Ports.free();
    }
  }

  public static TestCluster start(int size) throws Exception {
    return start(size, size);
  }

  /** Starts {@code size} members, with room for {@code capacity - size} to join later. */
  public static TestCluster start(int size, int capacity) throws Exception {
    return start(size, capacity, Map.of());
  }

  /** Starts {@code size} members whose configuration also has {@code extraConfig} (etcd's keys). */
  public static TestCluster start(int size, Map<String, String> extraConfig) throws Exception {
    return start(size, size, extraConfig);
  }

  private static TestCluster start(int size, int capacity, Map<String, String> extraConfig) throws Exception {
    TestCluster c = new TestCluster(size, capacity, extraConfig);
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
    // short enough for quick elections, long enough that a busy 2-core machine (GC, CPU starvation
    // of three members in one JVM) does not depose a healthy leader mid-test
    p.put("election-timeout", "1000");
    p.put("heartbeat-interval", "100");
    p.put("initial-cluster-state", i < size ? "new" : "existing");
    p.putAll(extraConfig);
    return KeelConfig.from(p, Map.of());
  }

  // ---- the member's own calls (RaftNode and GrpcServer) -----------------------------------------

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

  @Override
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

  @Override
  public boolean isLeader(int i) {
    return raft[i] != null && raft[i].isLeader();
  }

  /** Cuts every link between member {@code i} and the others, both ways (a network partition). */
  @Override
  public void partition(int i) {
    Set<String> others = new HashSet<>();
    for (int j = 0; j < capacity; j++) {
      if (j != i) {
        others.add("127.0.0.1:" + peerPorts[j]);
        if (raft[j] != null) {
          raft[j].links().cut(Set.of("127.0.0.1:" + peerPorts[i]));
        }
      }
    }
    raft[i].links().cut(others);
  }

  /** Heals every partition. */
  @Override
  public void heal() {
    for (RaftNode r : raft) {
      if (r != null) {
        r.links().heal();
      }
    }
  }

  /** Waits (bounded) until every running member reports the same revision and KV hash. */
  @Override
  public void assertReplicasEqual() {
    long deadline = System.nanoTime() + 15_000_000_000L;
    String last = "";
    while (System.nanoTime() < deadline) {
      List<String> views = new ArrayList<>();
      for (int i = 0; i < capacity; i++) {
        if (raft[i] != null) {
          HashKv h = hashKv(raft[i]);
          views.add(h.revision() + ":" + h.hash());
        }
      }
      last = views.toString();
      if (views.stream().distinct().count() == 1) {
        return;
      }
      Await.pause(50);
    }
    throw new AssertionError("replicas differ: " + last);
  }

  private static HashKv hashKv(RaftNode member) {
    try {
      return member.hashKv(0).toCompletableFuture().get();
    } catch (ExecutionException e) {
      throw new AssertionError("hashKv failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  // ---- the rest only uses the above -------------------------------------------------------------

  /** The peer URL member {@code i} has or will have. */
  @Override
  public String peerUrl(int i) {
    return "http://127.0.0.1:" + peerPorts[i];
  }

  /** Gives member {@code i} a new peer port, used from its next start; returns the new peer URL. */
  public String movePeer(int i) {
    peerPorts[i] = Ports.free();
    return peerUrl(i);
  }

  @Override
  public int createMember() {
    if (joined >= capacity) {
      throw new IllegalStateException("no room for another member");
    }
    return joined++;
  }

  @Override
  public void startJoiner(int i) {
    startMember(i);
  }

  /** Starts the next member as a joiner (initial-cluster-state=existing); returns its index. */
  public int startJoiner() {
    int i = createMember();
    startJoiner(i);
    return i;
  }

  @Override
  public void awaitRemovedStops(int i) {
    EtcdClient removed = client(i);
    Await.until(PATIENCE, "member " + i + " answering \"etcdserver: server stopped\"", () -> {
      try {
        removed.get("/", false);
        return false;
      } catch (EtcdException e) {
        return "etcdserver: server stopped".equals(e.getMessage());
      }
    });
    stop(i);
  }

  /** Member {@code i}'s client URL (gRPC and the JSON gateway). */
  public String clientUrl(int i) {
    return "http://127.0.0.1:" + clientPorts[i];
  }

  public ManagedChannel channel(int i) {
    return channels[i];
  }

  public KVGrpc.KVBlockingStub kv(int i) {
    return KVGrpc.newBlockingStub(channels[i]);
  }

  @Override
  public EtcdClient client(int i) {
    return new GrpcClient(channels[i]);
  }

  public RaftNode member(int i) {
    return raft[i];
  }

  @Override
  public int size() {
    return joined;
  }

  @Override
  public boolean isRunning(int i) {
    return raft[i] != null;
  }

  @Override
  public Duration patience() {
    return PATIENCE;
  }

  @Override
  public void kill(int i) {
    stop(i);
  }

  @Override
  public void restart(int i) {
    stop(i);
    startMember(i);
  }

  @Override
  public void close() {
    for (int i = 0; i < capacity; i++) {
      stop(i);
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
