package io.keel.mvcc.internal;

import io.keel.api.EtcdError;
import io.keel.api.kv.CompactionResponse;
import io.keel.api.kv.DeleteRangeRequest;
import io.keel.api.kv.DeleteRangeResponse;
import io.keel.api.kv.KeyValue;
import io.keel.api.kv.PutRequest;
import io.keel.api.kv.PutResponse;
import io.keel.api.kv.RangeRequest;
import io.keel.api.kv.RangeResponse;
import io.keel.api.kv.TxnRequest;
import io.keel.api.kv.TxnResponse;
import java.util.List;

/**
 * etcd 3.4's applier ({@code etcdserver/apply.go}, {@code applierV3backend}) over a {@link KvState}:
 * what each request does and which revision its response reports.
 *
 * <p>Every mutating method runs on the apply thread and either completes or leaves the state as it
 * was: an {@link io.keel.api.EtcdException} is a client-visible answer; any other exception is a
 * broken invariant, after which the caller must stop applying rather than let replicas diverge.
 */
public final class Applier {
  private final KvState state;

  public Applier(KvState state) {
    this.state = state;
  }

  /** A top-level range: reads at the current revision and reports it, whatever revision was read. */
  public RangeResponse range(RangeRequest r) {
    return RangeOp.apply(state.latest(), r);
  }

  /** A top-level put: lease checked first (LEASE_NOT_FOUND), then ignore_* (KEY_NOT_FOUND), as etcd. */
  public PutResponse put(PutRequest p) {
    if (p.lease() != 0 && !state.leases.exists(p.lease())) {
      throw EtcdError.LEASE_NOT_FOUND.exception();
    }
    WriteTxn w = new WriteTxn(state);
    try {
      PutResponse resp = put(w, p);
      w.commit();
      return resp;
    } catch (RuntimeException e) {
      w.rollback();
      throw e;
    }
  }

  public DeleteRangeResponse deleteRange(DeleteRangeRequest d) {
    WriteTxn w = new WriteTxn(state);
    try {
      DeleteRangeResponse resp = deleteRange(w, d);
      w.commit();
      return resp;
    } catch (RuntimeException e) {
      w.rollback();
      throw e;
    }
  }

  public TxnResponse txn(TxnRequest t) {
    return TxnApplier.apply(state, t);
  }

  /** Compaction reports the current revision; it never changes it. */
  public CompactionResponse compact(long revision) {
    Compaction.compact(state, revision);
    return new CompactionResponse(state.currentRev());
  }

  public void grantLease(long id, long ttlSeconds) {
    state.leases.grant(id, ttlSeconds);
  }

  /**
   * etcd's lessor.Revoke: deletes the attached keys in key order, all in one write (one revision,
   * consecutive sub-revisions), then forgets the lease. Returns the store revision afterwards.
   */
  public long revokeLease(long id) {
    List<byte[]> keys = state.leases.keys(id);
    if (keys == null) {
      throw EtcdError.LEASE_NOT_FOUND.exception();
    }
    WriteTxn w = new WriteTxn(state);
    try {
      for (byte[] key : keys) {
        w.deleteRange(KeyRange.of(key, null));
      }
      state.leases.remove(id);
      w.commit();
    } catch (RuntimeException e) {
      w.rollback();
      throw e;
    }
    return state.currentRev();
  }

  /**
   * A put inside {@code w}. The response revision is always the write's revision. ignore_value /
   * ignore_lease need the key to exist as {@code w} sees it; prev_kv is that same version.
   */
  static PutResponse put(WriteTxn w, PutRequest p) {
    KeyValue prev = null;
    if (p.ignoreValue() || p.ignoreLease() || p.prevKv()) {
      prev = w.view().get(p.key());
    }
    if ((p.ignoreValue() || p.ignoreLease()) && prev == null) {
      throw EtcdError.KEY_NOT_FOUND.exception();
    }
    byte[] value = p.ignoreValue() ? prev.value() : p.value();
    long lease = p.ignoreLease() ? prev.lease() : p.lease();
    long rev = w.put(p.key(), value, lease);
    return new PutResponse(rev, p.prevKv() ? prev : null);
  }

  /**
   * A delete inside {@code w}. Reports the write's revision if this deleted something or {@code w}
   * already wrote something, else the revision it began at (etcd's storeTxnWrite.DeleteRange).
   */
  static DeleteRangeResponse deleteRange(WriteTxn w, DeleteRangeRequest d) {
    KeyRange range = KeyRange.of(d.key(), d.rangeEnd());
    List<KeyValue> prevKvs = d.prevKv() ? w.view().live(range) : List.of();
    long n = w.deleteRange(range);
    long rev = w.changed() ? w.beginRev() + 1 : w.beginRev();
    return new DeleteRangeResponse(rev, n, List.copyOf(prevKvs));
  }
}
