package io.keel.api;

import io.keel.api.lease.LeaseGrant;
import io.keel.api.lease.LeaseTimeToLive;
import io.keel.api.auth.AuthInfo;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * etcd's lease side (its server's {@code Lessor}): grants and revocations go through the log,
 * renewals and remaining time are the leader's (a follower asks it). Failures complete the stage
 * exceptionally with an {@link EtcdException}.
 */
public interface Leases extends ResponseHeaders {

  /** Grants a lease; {@code id} 0 lets the server choose. Completes with the ID and effective TTL. */
  CompletionStage<LeaseGrant> leaseGrant(long id, long ttlSeconds);

  /** Revokes a lease and deletes its keys at one revision; completes with the store revision. */
  CompletionStage<Long> leaseRevoke(long id, AuthInfo who);

  /** As {@link AuthInfo#NONE}: refused while auth is enabled if keys are attached. */
  default CompletionStage<Long> leaseRevoke(long id) {
    return leaseRevoke(id, AuthInfo.NONE);
  }

  /** Renews a lease to its full TTL; completes with that TTL, or fails with LEASE_NOT_FOUND. */
  CompletionStage<Long> leaseRenew(long id);

  /** While auth is enabled, {@code who} must be allowed to read every key attached (as etcd 3.5). */
  CompletionStage<LeaseTimeToLive> leaseTimeToLive(long id, boolean withKeys, AuthInfo who);

  default CompletionStage<LeaseTimeToLive> leaseTimeToLive(long id, boolean withKeys) {
    return leaseTimeToLive(id, withKeys, AuthInfo.NONE);
  }

  /** The IDs of all live leases. */
  CompletionStage<List<Long>> leases();
}
