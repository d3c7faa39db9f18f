package io.keel.itests.blackbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.testsupport.Etcdctl;
import io.keel.testsupport.FailoverScenario;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Three unpacked appliances as separate processes on 127.0.0.1, driven with the real etcdctl:
 * seed 001 (kill -9 the leader under writes, a new leader takes over, the old one catches up with
 * equal hashes: test-support's {@link FailoverScenario}, which also runs in-process) and seed 004
 * (stop one member, write through another, read from the third).
 */
class ThreeMemberIT {
  private ApplianceCluster cluster;
  private final List<ApplianceProcess> members = new ArrayList<>();

  @BeforeEach
  void startCluster() {
    cluster = ApplianceCluster.create("three", 3).startNew();
    for (int i = 0; i < 3; i++) {
      members.add(cluster.member(i));
    }
  }

  @AfterEach
  void stopCluster() {
    cluster.close();
  }

  @Test
  void seed001KillTheLeaderUnderWritesThenItCatchesUp() {
    FailoverScenario.run(cluster);
  }

  @Test
  void seed004StopOneWriteThroughAnotherReadFromTheThird() {
    members.get(0).stop();
    assertTrue(members.get(1).etcdctl().run("put", "/seed004/k", "written-while-m0-down").ok());
    assertEquals("written-while-m0-down", members.get(2).etcdctl().run("get", "/seed004/k", "--print-value-only")
        .stdout().trim());
    members.get(0).restart().awaitHealthy(ApplianceProcess.BOOT_TIMEOUT);
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    String value = "";
    while (System.nanoTime() < deadline && !value.equals("written-while-m0-down")) {
      value = members.get(0).etcdctl().run("get", "/seed004/k", "--print-value-only", "--consistency=s").stdout().trim();
    }
    assertEquals("written-while-m0-down", value, "the restarted member serves the new key");
    List<Etcdctl.EndpointStatus> status = new Etcdctl(cluster.endpoints()).endpointStatus();
    assertEquals(1, status.stream().filter(s -> s.status().isLeader()).count(), "exactly one leader: " + status);
  }
}
