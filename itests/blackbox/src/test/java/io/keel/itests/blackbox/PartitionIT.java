package io.keel.itests.blackbox;

import io.keel.testsupport.PartitionScenario;
import org.junit.jupiter.api.Test;

/**
 * test-support's {@link PartitionScenario} against three appliance processes: the leader's peer
 * links are cut by the cluster's link proxies while clients still reach it over etcdctl.
 */
class PartitionIT {

  @Test
  void aPartitionedLeaderGivesNoAnswerButErrorsAndCatchesUpAfterHealing() {
    try (ApplianceCluster c = ApplianceCluster.withLinkProxies("partition", 3).startNew()) {
      PartitionScenario.run(c);
    }
  }
}
