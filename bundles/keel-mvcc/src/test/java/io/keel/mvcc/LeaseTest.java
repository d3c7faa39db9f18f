package io.keel.mvcc;

import static io.keel.mvcc.Kv.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.api.EtcdError;
import io.keel.api.kv.KeyValue;
import io.keel.api.kv.RequestOp;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Lease attachment bookkeeping: grant, attach, move, detach, revoke. */
class LeaseTest {

  private static List<String> attached(MvccStore store, long lease) {
    return store.lease(lease).orElseThrow().keys().stream().map(Kv::s).toList();
  }

  @Test
  void grantAndQuery() {
    MvccStore store = new MvccStore();
    store.grantLease(20, 60);
    store.grantLease(3, 10);
    assertError(EtcdError.LEASE_EXIST, () -> store.grantLease(3, 5));
    assertError(EtcdError.LEASE_NOT_FOUND, () -> store.grantLease(0, 5));
    assertError(EtcdError.LEASE_TTL_TOO_LARGE, () -> store.grantLease(4, 9_000_000_001L));
    assertTrue(store.leaseExists(3));
    assertFalse(store.leaseExists(4));
    assertEquals(Optional.empty(), store.lease(4));
    assertEquals(List.of(3L, 20L), store.leases().stream().map(LeaseInfo::id).toList());
    assertEquals(10, store.lease(3).orElseThrow().ttlSeconds());
    assertEquals(1, store.currentRevision(), "granting takes no revision");
  }

  @Test
  void putAttachesMovesAndDeleteDetaches() {
    MvccStore store = new MvccStore();
    store.grantLease(1, 60);
    store.grantLease(2, 60);
    store.put(putLease("b", "1", 1));
    store.put(putLease("a", "1", 1));
    assertEquals(List.of("a", "b"), attached(store, 1));
    store.put(putLease("a", "2", 2)); // moves a from 1 to 2
    assertEquals(List.of("b"), attached(store, 1));
    assertEquals(List.of("a"), attached(store, 2));
    store.put(put("b", "2")); // a put without lease detaches
    assertEquals(List.of(), attached(store, 1));
    store.deleteRange(del("a"));
    assertEquals(List.of(), attached(store, 2));
  }

  @Test
  void txnPutsAttachToo() {
    MvccStore store = new MvccStore();
    store.grantLease(1, 60);
    store.txn(txn(List.of(), List.<RequestOp>of(putLease("t", "1", 1)), List.of()));
    assertEquals(List.of("t"), attached(store, 1));
    assertError(EtcdError.LEASE_NOT_FOUND,
        () -> store.txn(txn(List.of(), List.<RequestOp>of(putLease("u", "1", 9)), List.of())));
  }

  @Test
  void revokeDeletesAttachedKeysInOneRevision() {
    MvccStore store = new MvccStore();
    store.grantLease(1, 60);
    store.put(putLease("c", "1", 1)); // 2
    store.put(putLease("a", "1", 1)); // 3
    store.put(put("b", "1")); // 4
    store.put(putLease("d", "1", 1)); // 5
    assertEquals(6, store.revokeLease(1));
    assertEquals(6, store.currentRevision());
    assertEquals(List.of("b"), keys(store.range(all()).kvs()));
    assertFalse(store.leaseExists(1));
    List<KeyValue> before = store.range(getAt("\0", "\0", 5)).kvs();
    assertEquals(List.of("a", "b", "c", "d"), keys(before));
    assertError(EtcdError.LEASE_NOT_FOUND, () -> store.revokeLease(1));
  }

  @Test
  void revokeWithoutKeysTakesNoRevision() {
    MvccStore store = new MvccStore();
    store.put(put("x", "1"));
    store.grantLease(1, 60);
    assertEquals(2, store.revokeLease(1));
    assertEquals(2, store.currentRevision());
    assertFalse(store.leaseExists(1));
  }

  @Test
  void revokedKeyCanBeRecreatedWithoutLease() {
    MvccStore store = new MvccStore();
    store.grantLease(1, 60);
    store.put(putLease("k", "1", 1));
    store.revokeLease(1);
    store.put(put("k", "2"));
    KeyValue kv = store.range(get("k")).kvs().get(0);
    assertEquals(List.of(4L, 1L, 0L), List.of(kv.createRevision(), kv.version(), kv.lease()));
  }
}
