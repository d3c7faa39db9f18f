package io.keel.testsupport.history;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LeaseChecksTest {

  @Test
  void noMemberKeepingALeaseKeyIsFine() {
    assertEquals(List.of(), LeaseChecks.keysOutlivingLease(Set.of("l/1", "l/2"),
        Map.of("m1", Set.of("other"), "m2", Set.of())));
  }

  @Test
  void everyLeaseKeyStillPresentIsReportedPerMember() {
    assertEquals(List.of(
            "member m1 still has key \"l/2\" of the revoked lease",
            "member m3 still has key \"l/1\" of the revoked lease",
            "member m3 still has key \"l/2\" of the revoked lease"),
        LeaseChecks.keysOutlivingLease(Set.of("l/1", "l/2"),
            Map.of("m1", Set.of("l/2", "other"), "m2", Set.of("other"), "m3", Set.of("l/1", "l/2"))));
  }

  @Test
  void aLeaseWithoutKeysOutlivesNothing() {
    assertEquals(List.of(), LeaseChecks.keysOutlivingLease(Set.of(), Map.of("m1", Set.of("l/1"))));
  }
}
