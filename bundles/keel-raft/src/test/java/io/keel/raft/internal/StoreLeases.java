package io.keel.raft.internal;

import io.keel.mvcc.Lessor;
import io.keel.mvcc.LeaseInfo;
import io.keel.mvcc.MvccStore;
import java.util.List;
import java.util.Optional;

/** A store's leases as tests set them up and read them: through a Lessor, their one owner. */
public final class StoreLeases {
  private StoreLeases() {}

  private static Lessor over(MvccStore store) {
    Lessor lessor = new Lessor(() -> 0L, 1);
    lessor.recover(store);
    return lessor;
  }

  public static void grant(MvccStore store, long id, long ttlSeconds) {
    over(store).grant(id, ttlSeconds);
  }

  public static Optional<LeaseInfo> lease(MvccStore store, long id) {
    return over(store).lease(id);
  }

  public static List<LeaseInfo> leases(MvccStore store) {
    Lessor lessor = over(store);
    return lessor.leases().stream().map(id -> lessor.lease(id).orElseThrow()).toList();
  }
}
