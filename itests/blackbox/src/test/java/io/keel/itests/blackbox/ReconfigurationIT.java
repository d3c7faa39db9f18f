package io.keel.itests.blackbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keel.testsupport.Etcdctl;
import io.keel.testsupport.ReconfigurationScenario;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * etcd's runtime-reconfiguration guide against appliances as separate processes, with the real
 * etcdctl: test-support's {@link ReconfigurationScenario} (add a 4th member as a learner and start
 * it with initial-cluster-state=existing, promote it, remove another member, which then exits, move
 * the leader to the new member), then a member never added is refused; etcd's strict
 * reconfiguration check on removal (a member that is up cannot be removed while another is down and
 * the smaller cluster would lose its quorum; the one that is down can); and a snapshot saved from a
 * live 3-member cluster restored into a fresh 3-member cluster.
 */
class ReconfigurationIT {

  /** A put through {@code ctl} that must succeed: the cluster keeps serving. */
  private static void mustPut(Etcdctl ctl, String key, String value) {
    Etcdctl.Result r = ctl.run("put", key, value);
    assertTrue(r.ok() && r.stdout().trim().equals("OK"), "put " + key + ": " + r);
  }

  @Test
  void removingAMemberThatIsUpWhileAnotherIsDownIsRefusedAndTheOneDownCanGo() {
    try (ApplianceCluster c = ApplianceCluster.create("reconf-down", 3).startNew()) {
      List<io.keel.testsupport.Member> members = new Etcdctl(c.endpoints()).memberList();
      long up = members.stream().filter(m -> m.name().equals("m1")).findFirst().orElseThrow().id();
      long down = members.stream().filter(m -> m.name().equals("m2")).findFirst().orElseThrow().id();
      c.member(2).kill9();
      Etcdctl survivors = new Etcdctl(c.member(0).clientEndpoint() + "," + c.member(1).clientEndpoint());
      // the survivors elect a leader if m2 led (a put meanwhile gets "leader changed"), and the leader
      // notices m2 is gone: bounded retries until a put goes through and the removal is refused
      Etcdctl.Result refused = null;
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (System.nanoTime() < deadline) {
        if (!survivors.run("put", "/reconf-down/k", "v").ok()) {
          sleep(500);
          continue;
        }
        refused = survivors.run("member", "remove", Long.toHexString(up));
        if (!refused.ok() && refused.stderr().contains("etcdserver: unhealthy cluster")) {
          break;
        }
        assertTrue(!refused.ok(), "member " + Long.toHexString(up) + " (up) was removed while m2 is down: " + refused);
        sleep(500);
      }
      assertTrue(refused != null && refused.stderr().contains("etcdserver: unhealthy cluster"), String.valueOf(refused));
      assertEquals(3, survivors.memberList().size(), "nothing was removed");
      mustPut(survivors, "/reconf-down/k", "still serving");
      Etcdctl.Result removed = survivors.run("member", "remove", Long.toHexString(down));
      assertTrue(removed.ok(), "the member that is down can go: " + removed);
      assertEquals(2, survivors.memberList().size());
      mustPut(survivors, "/reconf-down/k", "two members");
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  void addALearnerPromoteItRemoveAnotherAndMoveTheLeaderWhileServing() {
    try (ApplianceCluster c = ApplianceCluster.create("reconf", 3).startNew()) {
      ReconfigurationScenario.run(c);

      // a member that was never added cannot join: it exits like etcd (code 1, etcd's check)
      int stranger = c.addAppliance("reconf-stranger");
      c.member(stranger).start("--name=m9", "--initial-cluster=" + c.initialClusterOfMembers() + ",m9="
          + c.member(stranger).peerUrl(), "--initial-cluster-state=existing", "--initial-cluster-token=" + c.token());
      assertEquals(Integer.valueOf(1), c.member(stranger).awaitExit(ApplianceProcess.BOOT_TIMEOUT),
          c.member(stranger).diagnostics());
      assertTrue((c.member(stranger).output() + c.member(stranger).karafLog()).contains("member count is unequal"),
          c.member(stranger).diagnostics());
    }
  }

  @Test
  void snapshotOfAThreeMemberClusterRestoresIntoAFreshThreeMemberCluster() throws Exception {
    assumeTrue(ApplianceProcess.SERVER == ApplianceProcess.Server.KEEL, "bin/keel snapshot restore is Keel's");
    Path file;
    JsonNode before;
    try (ApplianceCluster source = ApplianceCluster.create("snap-src", 3).startNew()) {
      Etcdctl ctl = new Etcdctl(source.endpoints());
      for (int i = 0; i < 30; i++) {
        mustPut(ctl, "/s/k" + (i % 7), "v" + i);
      }
      assertTrue(ctl.run("del", "/s/k3").ok());
      before = withoutMemberHeader(source.member(0).etcdctl().run("get", "/s/", "--prefix", "-w", "json"));
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
        assertEquals(before, withoutMemberHeader(target.member(i).etcdctl().run("get", "/s/", "--prefix", "-w", "json",
            "--consistency=s")), "member m" + i + ": same keys, values, versions and revisions");
      }
      List<Etcdctl.EndpointStatus> status = new Etcdctl(target.endpoints()).endpointStatus();
      assertEquals(1, status.stream().filter(s -> s.status().isLeader()).count(), "exactly one leader: " + status);
      mustPut(new Etcdctl(target.endpoints()), "/s/new", "written-after-restore");
      target.assertReplicasEqual();
    }
  }

  /** A `get -w json` answer without the parts that differ between clusters and members. */
  private static JsonNode withoutMemberHeader(Etcdctl.Result get) {
    assertTrue(get.ok(), get.toString());
    JsonNode json = get.json();
    ((ObjectNode) json.path("header")).remove(List.of("member_id", "raft_term", "cluster_id"));
    return json;
  }
}
