package io.keel.testsupport.history;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Checks that a lease's keys went with it: once a lease is revoked or expired, etcd deletes every key
 * attached to it in the same revision, on every member.
 */
public final class LeaseChecks {
  private LeaseChecks() {}

  /**
   * The keys of the lease ({@code leaseKeys}) that some member still has, as one problem line each,
   * member and key in order; empty if none. {@code keysSeenByMember} maps a member's name to the
   * keys it returned at a revision after the revoke or expiry.
   */
  public static List<String> keysOutlivingLease(Set<String> leaseKeys, Map<String, Set<String>> keysSeenByMember) {
    List<String> problems = new ArrayList<>();
    new TreeMap<>(keysSeenByMember).forEach((member, seen) -> {
      for (String key : new TreeSet<>(leaseKeys)) {
        if (seen.contains(key)) {
          problems.add("member " + member + " still has key " + OpText.value(key) + " of the revoked lease");
        }
      }
    });
    return problems;
  }
}
