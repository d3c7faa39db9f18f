package io.keel.grpc.internal.recipes;

import io.keel.api.Leases;
import io.keel.api.lease.LeaseGrant;
import java.util.concurrent.CompletableFuture;

/**
 * The lease a lock or campaign is held with. etcd's servers make a clientv3 session from the
 * request's lease and orphan it at once (no keep-alive: the client keeps its lease alive); a
 * request with no lease (0) gets a new lease of the session's default TTL, 60 s, that nobody
 * renews.
 */
final class Sessions {
  static final long DEFAULT_TTL_SECONDS = 60;
  private final Leases leases;

  Sessions(Leases leases) {
    this.leases = leases;
  }

  CompletableFuture<Long> lease(long requested) {
    if (requested != 0) {
      return CompletableFuture.completedFuture(requested);
    }
    return leases.leaseGrant(0, DEFAULT_TTL_SECONDS).toCompletableFuture().thenApply(LeaseGrant::id);
  }
}
