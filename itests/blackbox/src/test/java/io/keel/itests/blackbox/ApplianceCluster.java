package io.keel.itests.blackbox;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Several unpacked appliances on 127.0.0.1 forming one cluster, each a separate process, seen only
 * through real etcdctl. Members can be added later (joiners); stopped members stay in the list.
 */
final class ApplianceCluster implements AutoCloseable {
  private final List<ApplianceProcess> members = new ArrayList<>();
  private final String token;

  private ApplianceCluster(String token) {
    this.token = token;
  }

  /** Unpacks {@code size} appliances named {@code m0..}, not started. */
  static ApplianceCluster create(String label, int size) {
    ApplianceCluster c = new ApplianceCluster(label);
    for (int i = 0; i < size; i++) {
      c.members.add(ApplianceProcess.create(label + "-m" + i));
    }
    return c;
  }

  /** etcd's static bootstrap: every member started with the same initial-cluster; waits until all are healthy. */
  ApplianceCluster startNew() {
    for (int i = 0; i < members.size(); i++) {
      members.get(i).start(bootstrapFlags(i));
    }
    for (ApplianceProcess m : members) {
      m.awaitHealthy(ApplianceProcess.BOOT_TIMEOUT);
    }
    return this;
  }

  /** The flags of member {@code i} for a new cluster of every member created so far. */
  String[] bootstrapFlags(int i) {
    return new String[] {"--name=m" + i, "--initial-cluster=" + initialCluster(), "--initial-cluster-token=" + token};
  }

  String initialCluster() {
    StringBuilder cluster = new StringBuilder();
    for (int i = 0; i < members.size(); i++) {
      cluster.append(i == 0 ? "" : ",").append("m").append(i).append('=').append(members.get(i).peerUrl());
    }
    return cluster.toString();
  }

  String token() {
    return token;
  }

  /** Unpacks one more appliance (not started); returns its index. */
  int addAppliance(String label) {
    members.add(ApplianceProcess.create(label));
    return members.size() - 1;
  }

  ApplianceProcess member(int i) {
    return members.get(i);
  }

  int size() {
    return members.size();
  }

  /** Client endpoints of the running members. */
  String endpoints() {
    return String.join(",", members.stream().filter(ApplianceProcess::isAlive).map(ApplianceProcess::clientEndpoint)
        .toList());
  }

  long runningCount() {
    return members.stream().filter(ApplianceProcess::isAlive).count();
  }

  /** Index of the running member that reports itself leader, and the term (waits up to 20 s). */
  long[] leaderAndTerm() {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      for (int i = 0; i < members.size(); i++) {
        ApplianceProcess m = members.get(i);
        if (!m.isAlive()) {
          continue;
        }
        Etcdctl.Result r = m.etcdctl().run("endpoint", "status", "-w", "json");
        Matcher id = Pattern.compile("\"member_id\":(\\d+)").matcher(r.stdout());
        Matcher leader = Pattern.compile("\"leader\":(\\d+)").matcher(r.stdout());
        Matcher term = Pattern.compile("\"raft_term\":(\\d+)").matcher(r.stdout());
        if (r.ok() && id.find() && leader.find() && term.find() && id.group(1).equals(leader.group(1))) {
          return new long[] {i, Long.parseLong(term.group(1))};
        }
      }
      ApplianceProcess.sleep(100);
    }
    throw new AssertionError("no leader within 20 s");
  }

  int leader() {
    return (int) leaderAndTerm()[0];
  }

  /** Member {@code i}'s ID in hex, as etcdctl prints it. */
  String memberIdHex(int i) {
    Etcdctl.Result r = members.get(i).etcdctl().run("endpoint", "status", "-w", "json");
    Matcher id = Pattern.compile("\"member_id\":(\\d+)").matcher(r.stdout());
    if (!r.ok() || !id.find()) {
      throw new AssertionError("no status from member " + i + ": " + r);
    }
    return Long.toHexString(Long.parseUnsignedLong(id.group(1)));
  }

  /** Waits (30 s) until every running member answers `endpoint hashkv` with one hash. */
  void awaitEqualHashes() {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      Etcdctl.Result r = new Etcdctl(endpoints()).run("endpoint", "hashkv");
      last = r.toString();
      List<String> hashes = r.stdout().lines().map(l -> l.substring(l.indexOf(',') + 1).trim()).distinct().toList();
      if (r.ok() && r.stdout().lines().count() == runningCount() && hashes.size() == 1) {
        return;
      }
      ApplianceProcess.sleep(200);
    }
    throw new AssertionError("hashes differ: " + last);
  }

  @Override
  public void close() {
    for (ApplianceProcess m : members) {
      m.close();
    }
  }
}
