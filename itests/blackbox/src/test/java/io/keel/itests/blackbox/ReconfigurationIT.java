package io.keel.itests.blackbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * etcd's runtime-reconfiguration guide against appliances as separate processes, with the real
 * etcdctl: add a 4th member as a learner and start it with initial-cluster-state=existing, promote
 * it, remove another member (which then exits), move the leader to the new member; and a snapshot
 * saved from a live 3-member cluster restored into a fresh 3-member cluster.
 */
class ReconfigurationIT {

  /** A put through {@code ctl} that must succeed: the cluster keeps serving. */
  private static void mustPut(Etcdctl ctl, String key, String value) {
    Etcdctl.Result r = ctl.run("put", key, value);
    assertTrue(r.ok() && r.stdout().trim().equals("OK"), "put " + key + ": " + r);
  }

  private static String group(String regex, String text) {
    Matcher m = Pattern.compile(regex).matcher(text);
    assertTrue(m.find(), "no match for " + regex + " in:\n" + text);
    return m.group(1);
  }

  @Test
  void addALearnerPromoteItRemoveAnotherAndMoveTheLeaderWhileServing() {
    try (ApplianceCluster c = ApplianceCluster.create("reconf", 3).startNew()) {
      int leader = c.leader();
      int follower = (leader + 1) % 3;
      Etcdctl viaFollower = c.member(follower).etcdctl();
      mustPut(viaFollower, "/r/0", "before");

      // member add, sent to a follower (it forwards to the leader)
      int joiner = c.addAppliance("reconf-m3");
      Etcdctl.Result add = viaFollower.run("member", "add", "m3", "--learner",
          "--peer-urls=" + c.member(joiner).peerUrl());
      assertTrue(add.ok(), add.toString());
      String newId = group("Member\\s+([0-9a-f]+) added to cluster", add.stdout());
      String initialCluster = group("ETCD_INITIAL_CLUSTER=\"([^\"]+)\"", add.stdout());
      assertTrue(add.stdout().contains("ETCD_INITIAL_CLUSTER_STATE=\"existing\""), add.stdout());
      assertTrue(initialCluster.contains("m3=" + c.member(joiner).peerUrl()), initialCluster);
      mustPut(viaFollower, "/r/1", "after-add");

      c.member(joiner).start("--name=m3", "--initial-cluster=" + initialCluster, "--initial-cluster-state=existing",
          "--initial-cluster-token=" + c.token());
      Etcdctl viaJoiner = c.member(joiner).etcdctl();
      // promote fails with etcd's error until the learner runs and has caught up
      long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      Etcdctl.Result promote = viaFollower.run("member", "promote", newId);
      while (!promote.ok() && System.nanoTime() < deadline) {
        assertTrue(promote.stderr().contains("can only promote a learner member which is in sync with leader"),
            promote.toString());
        ApplianceProcess.sleep(500);
        promote = viaFollower.run("member", "promote", newId);
      }
      assertTrue(promote.ok(), promote.toString());
      assertTrue(promote.stdout().contains("Member " + newId + " promoted in cluster"), promote.toString());
      c.member(joiner).awaitHealthy(ApplianceProcess.BOOT_TIMEOUT);
      assertEquals("before", viaJoiner.run("get", "/r/0", "--print-value-only").stdout().trim());
      mustPut(viaJoiner, "/r/2", "after-promote");

      // a member that was never added cannot join: it exits like etcd (code 1, etcd's check)
      int stranger = c.addAppliance("reconf-stranger");
      c.member(stranger).start("--name=m9", "--initial-cluster=" + initialCluster + ",m9=" + c.member(stranger).peerUrl(),
          "--initial-cluster-state=existing", "--initial-cluster-token=" + c.token());
      assertEquals(Integer.valueOf(1), c.member(stranger).awaitExit(ApplianceProcess.BOOT_TIMEOUT),
          c.member(stranger).diagnostics());
      assertTrue((c.member(stranger).output() + c.member(stranger).karafLog()).contains("member count is unequal"),
          c.member(stranger).diagnostics());

      // remove a member that is neither the leader nor the new one: it stops serving and exits
      int removed = (leader + 2) % 3;
      String removedId = c.memberIdHex(removed);
      Etcdctl.Result remove = viaJoiner.run("member", "remove", removedId);
      assertTrue(remove.ok() && remove.stdout().contains("Member " + removedId + " removed from cluster"),
          remove.toString());
      assertEquals(Integer.valueOf(0), c.member(removed).awaitExit(Duration.ofSeconds(60)),
          "a removed member exits (code 0), as etcd does");
      mustPut(viaFollower, "/r/3", "after-remove");

      // move the leader to the new member (etcdctl sends it to the leader)
      String moveOut = new Etcdctl(c.endpoints()).run("move-leader", newId).toString();
      assertTrue(moveOut.contains("Leadership transferred from"), moveOut);
      assertEquals(joiner, c.leader());
      mustPut(viaFollower, "/r/4", "after-move");

      Etcdctl.Result list = viaJoiner.run("member", "list", "-w", "table");
      assertTrue(list.ok(), list.toString());
      assertEquals(3, list.stdout().lines().filter(l -> l.matches("\\|\\s+[0-9a-f]+\\s+\\|.*")).count(), list.stdout());
      assertTrue(list.stdout().lines().filter(l -> l.contains(newId)).allMatch(l -> l.matches(".*\\|\\s+false\\s+\\|\\s*")),
          "the promoted member is no learner:\n" + list.stdout());
      c.awaitEqualHashes();
      assertEquals(5, viaJoiner.run("get", "/r/", "--prefix", "--keys-only").stdout().lines()
          .filter(l -> !l.isBlank()).count(), "every write is there");
    }
  }

  @Test
  void snapshotOfAThreeMemberClusterRestoresIntoAFreshThreeMemberCluster() throws Exception {
    assumeTrue(ApplianceProcess.SERVER == ApplianceProcess.Server.KEEL, "bin/keel snapshot restore is Keel's");
    Path file;
    String before;
    try (ApplianceCluster source = ApplianceCluster.create("snap-src", 3).startNew()) {
      Etcdctl ctl = new Etcdctl(source.endpoints());
      for (int i = 0; i < 30; i++) {
        mustPut(ctl, "/s/k" + (i % 7), "v" + i);
      }
      assertTrue(ctl.run("del", "/s/k3").ok());
      before = strippedHeader(source.member(0).etcdctl().run("get", "/s/", "--prefix", "-w", "json").stdout());
      file = source.member(0).workDir().resolve("cluster.db");
      Etcdctl.Result save = source.member(1).etcdctl().run("snapshot", "save", file.toString());
      assertTrue(save.ok() && Files.size(file) > 0, save.toString());
    }
    try (ApplianceCluster target = ApplianceCluster.create("snap-dst", 3)) {
      for (int i = 0; i < 3; i++) {
        ApplianceProcess m = target.member(i);
        Etcdctl.Result restore = m.keel(Duration.ofSeconds(60), "snapshot", "restore", file.toString(),
            "--data-dir", m.dataDir().toString(), "--name", "m" + i, "--initial-cluster", target.initialCluster(),
            "--initial-cluster-token", target.token(), "--initial-advertise-peer-urls", m.peerUrl());
        assertTrue(restore.ok(), restore.toString());
      }
      target.startNew();
      for (int i = 0; i < 3; i++) {
        assertEquals(before, strippedHeader(target.member(i).etcdctl().run("get", "/s/", "--prefix", "-w", "json",
            "--consistency=s").stdout()), "member m" + i + ": same keys, values, versions and revisions");
      }
      Etcdctl.Result status = new Etcdctl(target.endpoints()).run("-w", "table", "endpoint", "status");
      assertEquals(1, status.stdout().lines().filter(l -> l.matches(".*\\|\\s+true\\s+\\|.*")).count(),
          "exactly one leader: " + status);
      mustPut(new Etcdctl(target.endpoints()), "/s/new", "written-after-restore");
      target.awaitEqualHashes();
    }
  }

  /** A `get -w json` answer without the parts that differ between clusters and members. */
  private static String strippedHeader(String json) {
    return json.replaceAll("\"(member_id|raft_term|cluster_id)\":\\d+,?", "");
  }
}
