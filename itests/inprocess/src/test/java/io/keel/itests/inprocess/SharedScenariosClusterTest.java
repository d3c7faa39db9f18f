package io.keel.itests.inprocess;

import io.keel.testsupport.FailoverScenario;
import io.keel.testsupport.PartitionScenario;
import io.keel.testsupport.ReconfigurationScenario;
import org.junit.jupiter.api.Test;

/**
 * The scenarios of test-support on members in one JVM; the black-box ITs run the same bodies
 * against appliance processes.
 */
class SharedScenariosClusterTest {

  @Test
  void failover() throws Exception {
    try (TestCluster c = TestCluster.start(3)) {
      FailoverScenario.run(c);
    }
  }

  @Test
  void reconfiguration() throws Exception {
    try (TestCluster c = TestCluster.start(3, 4)) {
      ReconfigurationScenario.run(c);
    }
  }

  @Test
  void aPartitionedLeaderGivesNoAnswerButErrorsAndCatchesUpAfterHealing() throws Exception {
    try (TestCluster c = TestCluster.start(3)) {
      PartitionScenario.run(c);
    }
  }
}
