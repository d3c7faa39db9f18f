package io.keel.itests.blackbox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.keel.testsupport.Await;
import io.keel.testsupport.ClusterUnderTest;
import io.keel.testsupport.EtcdClient;
import io.keel.testsupport.EtcdException;
import io.keel.testsupport.Etcdctl;
import io.keel.testsupport.EtcdctlClient;
import io.keel.testsupport.LinkProxy;
import io.keel.testsupport.Member;
import io.keel.testsupport.Ports;
import io.keel.testsupport.SocketOwners;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * Several unpacked appliances on 127.0.0.1 forming one cluster, each a separate process, seen only
 * through real etcdctl: the {@link ClusterUnderTest} of the black-box layer. Members can be added
 * later (joiners); stopped members stay in the list.
 *
 * <p>A cluster made {@link #withLinkProxies} has each member advertise the port of a {@link LinkProxy}
 * in front of its own peer port, so {@link #partition} can cut its links: its proxy drops every
 * connection, and the other members' proxies drop those coming from its process. Other clusters
 * connect their members directly (one hop less for a loaded machine's scheduler).
 */
final class ApplianceCluster implements ClusterUnderTest {
  private final List<ApplianceProcess> members = new ArrayList<>();
  private final List<LinkProxy> proxies = new ArrayList<>();
  private final String token;
  private final boolean proxied;
  private List<String> extraFlags = List.of();
  private LossyLoopback loss;

  private ApplianceCluster(String token, boolean proxied) {
    this.token = token;
    this.proxied = proxied;
  }

  /** Unpacks {@code size} appliances named {@code m0..}, not started. */
  static ApplianceCluster create(String label, int size) {
    return create(label, size, false);
  }

  /** Like {@link #create}, each member behind a peer-link proxy so that it can be partitioned. */
  static ApplianceCluster withLinkProxies(String label, int size) {
    return create(label, size, true);
  }

  private static ApplianceCluster create(String label, int size, boolean proxied) {
    ApplianceCluster c = new ApplianceCluster(label, proxied);
    for (int i = 0; i < size; i++) {
      c.addAppliance(label + "-m" + i);
    }
    return c;
  }

  /** etcd's static bootstrap: every member started with the same initial-cluster; waits until all are healthy. */
  ApplianceCluster startNew() {
    return startNew(Map.of());
  }

  /** {@link #startNew()} with {@code env} added to every member's environment (kept for restarts). */
  ApplianceCluster startNew(Map<String, String> env) {
    return startNew(i -> env);
  }

  /** {@link #startNew()} with {@code envOf(i)} added to member {@code i}'s environment (kept for restarts). */
  ApplianceCluster startNew(java.util.function.IntFunction<Map<String, String>> envOf) {
    for (int i = 0; i < members.size(); i++) {
      members.get(i).start(envOf.apply(i), bootstrapFlags(i));
    }
    for (ApplianceProcess m : members) {
      m.awaitHealthy(ApplianceProcess.BOOT_TIMEOUT);
    }
    return this;
  }

  /** Peer URLs in https:// for every member created so far, each started with {@code flags} too (the peer TLS files). */
  ApplianceCluster withPeerTls(String... flags) {
    members.forEach(ApplianceProcess::withPeerTls);
    extraFlags = List.of(flags);
    return this;
  }

  /** Every member is started with {@code flags} too (e.g. --enable-v2=true). */
  ApplianceCluster withFlags(String... flags) {
    List<String> all = new ArrayList<>(extraFlags);
    all.addAll(List.of(flags));
    extraFlags = List.copyOf(all);
    return this;
  }

  /** The flags of member {@code i} for a new cluster of every member created so far. */
  String[] bootstrapFlags(int i) {
    List<String> flags = new ArrayList<>(List.of("--name=m" + i, "--initial-cluster=" + initialCluster(),
        "--initial-cluster-token=" + token));
    flags.addAll(extraFlags);
    return flags.toArray(new String[0]);
  }

  String initialCluster() {
    StringJoiner cluster = new StringJoiner(",");
    for (int i = 0; i < members.size(); i++) {
      cluster.add("m" + i + "=" + members.get(i).peerUrl());
    }
    return cluster.toString();
  }

  /**
   * The initial-cluster a joiner starts with: the members the running cluster lists now, named as
   * they were started (a member added but not started yet has no name: it is called m + its number here).
   */
  String initialClusterOfMembers() {
    StringJoiner cluster = new StringJoiner(",");
    for (Member m : new Etcdctl(endpoints()).memberList()) {
      String name = m.name();
      if (name.isEmpty()) {
        String url = m.peerUrls().get(0);
        int slot = indexOfPeer(url);
        name = "m" + slot;
      }
      for (String url : m.peerUrls()) {
        cluster.add(name + "=" + url);
      }
    }
    return cluster.toString();
  }

  private int indexOfPeer(String peerUrl) {
    for (int i = 0; i < members.size(); i++) {
      if (members.get(i).peerUrl().equals(peerUrl)) {
        return i;
      }
    }
    throw new AssertionError("no member of this cluster has peer URL " + peerUrl);
  }

  String token() {
    return token;
  }

  /** Unpacks one more appliance (not started), behind a peer-link proxy if the cluster has them; returns its index. */
  int addAppliance(String label) {
    ApplianceProcess member = ApplianceProcess.create(label);
    if (proxied) {
      LinkProxy proxy = LinkProxy.start(Ports.free(), member.listenPeerPort());
      member.advertisePeerAt(proxy.port());
      proxies.add(proxy);
    }
    members.add(member);
    return members.size() - 1;
  }

  ApplianceProcess member(int i) {
    return members.get(i);
  }

  /** Client endpoints of the running members. */
  String endpoints() {
    return String.join(",", members.stream().filter(ApplianceProcess::isAlive).map(ApplianceProcess::clientEndpoint)
        .toList());
  }

  long runningCount() {
    return members.stream().filter(ApplianceProcess::isAlive).count();
  }

  // ---- ClusterUnderTest -------------------------------------------------------------------------

  @Override
  public int size() {
    return members.size();
  }

  @Override
  public boolean isRunning(int i) {
    return members.get(i).isAlive();
  }

  @Override
  public boolean isLeader(int i) {
    if (!isRunning(i)) {
      return false;
    }
    try {
      return client(i).status().isLeader();
    } catch (EtcdException | AssertionError noAnswer) {
      return false; // not serving yet, or etcdctl itself stalled: the caller's wait is bounded
    }
  }

  /** The member that leads now, waiting (up to 60 s) while there is none. */
  int leaderIndex() {
    java.util.concurrent.atomic.AtomicInteger found = new java.util.concurrent.atomic.AtomicInteger(-1);
    Await.until(Duration.ofSeconds(60), "a leader", () -> {
      for (int i = 0; i < members.size(); i++) {
        if (isLeader(i)) {
          found.set(i);
          return true;
        }
      }
      return false;
    });
    return found.get();
  }

  @Override
  public EtcdClient client(int i) {
    return new EtcdctlClient(members.get(i).clientEndpoint());
  }

  @Override
  public String peerUrl(int i) {
    return members.get(i).peerUrl();
  }

  @Override
  public void stop(int i) {
    members.get(i).stop();
  }

  @Override
  public void kill(int i) {
    members.get(i).kill9();
  }

  @Override
  public void restart(int i) {
    members.get(i).restart().awaitHealthy(ApplianceProcess.BOOT_TIMEOUT);
  }

  @Override
  public void partition(int i) {
    if (!proxied) {
      throw new IllegalStateException("a cluster made without link proxies cannot be partitioned");
    }
    ApplianceProcess cut = members.get(i);
    proxies.get(i).cutAll();
    for (int j = 0; j < proxies.size(); j++) {
      if (j != i) {
        proxies.get(j).cut(port -> SocketOwners.localPorts(cut.processes()).contains(port));
      }
    }
  }

  /**
   * Cuts only what reaches member {@code i} over the peer port: the others' requests to it fail,
   * its own requests to them (and their answers, on the same connections) still go through.
   */
  void cutInbound(int i) {
    if (!proxied) {
      throw new IllegalStateException("a cluster made without link proxies cannot be partitioned");
    }
    proxies.get(i).cutAll();
  }

  /** Slows every peer link (each proxy, both ways) by {@code delay} plus up to {@code jitter}, until {@link #heal}. */
  void slowPeerLinks(Duration delay, Duration jitter) {
    if (!proxied) {
      throw new IllegalStateException("a cluster made without link proxies cannot slow its links");
    }
    proxies.forEach(p -> p.delay(delay, jitter));
  }

  /**
   * Drops {@code percent} of the packets on every peer link, both hops of each (member to proxy,
   * proxy to member) and both ways, below TCP, until {@link #heal}; needs a private network
   * namespace ({@link LossyLoopback}).
   */
  LossyLoopback losePeerPackets(int percent) {
    if (!proxied) {
      throw new IllegalStateException("a cluster made without link proxies has no peer ports of its own to lose packets on");
    }
    List<Integer> ports = new ArrayList<>();
    members.forEach(m -> ports.add(m.listenPeerPort()));
    proxies.forEach(p -> ports.add(p.port()));
    heal();
    loss = LossyLoopback.drop(percent, ports);
    return loss;
  }

  @Override
  public void heal() {
    proxies.forEach(LinkProxy::heal);
    if (loss != null) {
      loss.close();
      loss = null;
    }
  }

  @Override
  public int createMember() {
    return addAppliance(token + "-m" + members.size());
  }

  @Override
  public void startJoiner(int i) {
    members.get(i).start("--name=m" + i, "--initial-cluster=" + initialClusterOfMembers(),
        "--initial-cluster-state=existing", "--initial-cluster-token=" + token);
  }

  @Override
  public void awaitRemovedStops(int i) {
    assertEquals(Integer.valueOf(0), members.get(i).awaitExit(Duration.ofSeconds(60)),
        "a removed member exits (code 0), as etcd does");
    members.get(i).stop();
  }

  /** Waits (30 s) until every running member answers `endpoint hashkv` with one hash. */
  @Override
  public void assertReplicasEqual() {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      try {
        List<Etcdctl.EndpointHash> hashes = new Etcdctl(endpoints()).endpointHashes();
        last = hashes.toString();
        Set<Long> distinct = Set.copyOf(hashes.stream().map(Etcdctl.EndpointHash::hash).toList());
        if (hashes.size() == runningCount() && distinct.size() == 1) {
          return;
        }
      } catch (AssertionError notYet) {
        last = notYet.getMessage();
      }
      Await.pause(200);
    }
    throw new AssertionError("hashes differ: " + last);
  }

  @Override
  public Duration patience() {
    return ApplianceProcess.BOOT_TIMEOUT;
  }

  @Override
  public void close() {
    try {
      for (ApplianceProcess m : members) {
        m.close();
      }
    } finally {
      proxies.forEach(LinkProxy::close);
      if (loss != null) {
        loss.close();
      }
    }
  }
}
