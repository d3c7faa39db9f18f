package io.keel.raft.internal;

import io.keel.api.config.KeelConfig;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Who this member is and whom it was bootstrapped with: decided once, the first time a data
 * directory is used (from etcd's {@code initial-*} flags for a new cluster, from the running
 * cluster's member list for a joining member), and kept in {@code <data-dir>/identity.properties}.
 * Later starts read it back and ignore the {@code initial-*} flags, as etcd does once its WAL
 * exists, so member and cluster IDs never change with the flags.
 *
 * @param memberId this member's ID
 * @param clusterId the cluster's ID
 * @param bootstrap the members this one was started with, by ID: name and peer URLs
 */
public record Identity(long memberId, long clusterId, Map<Long, Bootstrap> bootstrap) {
  public static final String FILE = "identity.properties";

  /** A member named in initial-cluster. */
  public record Bootstrap(String name, List<String> peerUrls) {}

  /** The identity kept in {@code config}'s data dir, or null before the first start. */
  public static Identity load(KeelConfig config) throws IOException {
    Path file = config.dataDir().toAbsolutePath().resolve(FILE);
    return Files.exists(file) ? read(file) : null;
  }

  /**
   * A member joining a running cluster (initial-cluster-state=existing) takes its ID and the
   * cluster's from the cluster's own member list, after etcd's check that initial-cluster names
   * exactly the cluster's members (this one added with {@code member add} first).
   */
  public static Identity joining(KeelConfig config, long clusterId, List<io.keel.api.Member> existing) {
    Identity local = fromFlags(config);
    String described = existing.stream().map(m -> Long.toHexString(m.id()) + "=" + m.peerUrls()).toList().toString();
    if (local.bootstrap().size() != existing.size()) {
      throw new IllegalArgumentException("error validating peerURLs " + described + ": member count is unequal");
    }
    List<List<String>> localUrls = local.bootstrap().values().stream().map(b -> sortedStrings(b.peerUrls()))
        .sorted(java.util.Comparator.comparing(Object::toString)).toList();
    List<List<String>> remoteUrls = existing.stream().map(m -> sortedStrings(m.peerUrls()))
        .sorted(java.util.Comparator.comparing(Object::toString)).toList();
    for (int i = 0; i < localUrls.size(); i++) {
      if (!localUrls.get(i).equals(remoteUrls.get(i))) {
        throw new IllegalArgumentException("error validating peerURLs " + described
            + ": unmatched member while checking PeerURLs (" + localUrls.get(i) + " != " + remoteUrls.get(i) + ")");
      }
    }
    List<String> own = sortedStrings(local.self().peerUrls());
    Map<Long, Bootstrap> members = new LinkedHashMap<>();
    long self = 0;
    for (io.keel.api.Member m : existing) {
      boolean isSelf = sortedStrings(m.peerUrls()).equals(own);
      members.put(m.id(), new Bootstrap(isSelf ? config.name() : m.name(), List.copyOf(m.peerUrls())));
      if (isSelf) {
        self = m.id();
      }
    }
    return new Identity(self, clusterId, members);
  }

  private static List<String> sortedStrings(List<String> urls) {
    return urls.stream().sorted().toList();
  }

  /**
   * etcd's bootstrap checks and IDs: this member must be named in initial-cluster with exactly its
   * advertised peer URLs; member IDs hash peer URLs and the token; the cluster ID hashes the IDs.
   */
  public static Identity fromFlags(KeelConfig config) {
    Map<String, List<URI>> cluster = config.initialCluster();
    List<URI> own = cluster.get(config.name());
    if (own == null) {
      throw new IllegalArgumentException("invalid configuration: initial-cluster: " + config.name()
          + " not listed in the initial cluster config (initial-cluster=" + spec(cluster) + ")");
    }
    if (!sorted(own).equals(sorted(config.initialAdvertisePeerUrls()))) {
      throw new IllegalArgumentException("invalid configuration: initial-advertise-peer-urls: " + config.name()
          + " has different advertised URLs in the cluster and advertised peer URLs list (" + own + " vs "
          + config.initialAdvertisePeerUrls() + ")");
    }
    Map<Long, Bootstrap> members = new LinkedHashMap<>();
    for (Map.Entry<String, List<URI>> e : cluster.entrySet()) {
      long id = MemberIds.memberId(e.getValue(), config.initialClusterToken());
      members.put(id, new Bootstrap(e.getKey(), e.getValue().stream().map(URI::toString).toList()));
    }
    long self = MemberIds.memberId(own, config.initialClusterToken());
    long clusterId = config.initialClusterState().equals("new") ? MemberIds.clusterId(members.keySet()) : 0;
    return new Identity(self, clusterId, members);
  }

  /** This member's own bootstrap record. */
  public Bootstrap self() {
    return bootstrap.get(memberId);
  }

  private static List<String> sorted(List<URI> urls) {
    return urls.stream().map(URI::toString).sorted().toList();
  }

  private static String spec(Map<String, List<URI>> cluster) {
    List<String> parts = new ArrayList<>();
    cluster.forEach((name, urls) -> urls.forEach(u -> parts.add(name + "=" + u)));
    return String.join(",", parts);
  }

  /** Keeps this identity in {@code config}'s data dir (atomically): later starts read it back. */
  public void keep(KeelConfig config) throws IOException {
    Path file = config.dataDir().toAbsolutePath().resolve(FILE);
    Files.createDirectories(file.getParent());
    Properties p = new Properties();
    p.setProperty("member-id", Long.toHexString(memberId));
    p.setProperty("cluster-id", Long.toHexString(clusterId));
    List<String> ids = new ArrayList<>();
    for (Map.Entry<Long, Bootstrap> e : bootstrap.entrySet()) {
      String id = Long.toHexString(e.getKey());
      ids.add(id);
      p.setProperty("bootstrap." + id + ".name", e.getValue().name());
      p.setProperty("bootstrap." + id + ".peer-urls", String.join(",", e.getValue().peerUrls()));
    }
    p.setProperty("bootstrap", String.join(",", ids));
    Path tmp = file.resolveSibling(FILE + ".tmp");
    try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      p.store(w, "Keel member identity: decided at the first start, initial-* flags are ignored from now on");
    }
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(tmp,
        java.nio.file.StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private static Identity read(Path file) throws IOException {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    }
    try {
      Map<Long, Bootstrap> members = new LinkedHashMap<>();
      for (String id : p.getProperty("bootstrap").split(",")) {
        members.put(Long.parseUnsignedLong(id, 16), new Bootstrap(p.getProperty("bootstrap." + id + ".name"),
            Arrays.asList(p.getProperty("bootstrap." + id + ".peer-urls").split(","))));
      }
      return new Identity(Long.parseUnsignedLong(p.getProperty("member-id"), 16),
          Long.parseUnsignedLong(p.getProperty("cluster-id"), 16), members);
    } catch (RuntimeException e) {
      throw new IOException("damaged member identity " + file + ": " + e, e);
    }
  }
}
