package io.keel.mvcc;

import io.keel.api.EtcdError;
import io.keel.api.EtcdException;
import io.keel.api.kv.CompactionResponse;
import io.keel.api.kv.DeleteRangeRequest;
import io.keel.api.kv.DeleteRangeResponse;
import io.keel.api.kv.PutRequest;
import io.keel.api.kv.PutResponse;
import io.keel.api.kv.RangeRequest;
import io.keel.api.kv.RangeResponse;
import io.keel.api.kv.TxnRequest;
import io.keel.api.kv.TxnResponse;
import io.keel.mvcc.internal.Applier;
import io.keel.mvcc.internal.KvHash;
import io.keel.mvcc.internal.KvState;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * etcd 3.4's MVCC key-value store, answer for answer and revision for revision: one global revision
 * (1 when empty; each write that changes something takes the next), every key's history of
 * versions and tombstones, compaction, and which keys hang on which lease.
 *
 * <p><b>Storage.</b> In memory. Durability comes from the Raft log, which SOFAJRaft fsyncs on a
 * quorum before an entry is applied here, plus snapshots: the raft bundle saves one from {@link
 * #export}, loads one through {@link StoreBuilder} and replays the log after it. So the store does
 * no disk I/O and has no byte format of its own; the raft bundle's snapshot format holds it. It is deterministic (no clocks, no
 * randomness, only ordered iteration): replicas that apply the same commands in the same order end
 * up identical, which {@link #hashKv} shows.
 *
 * <p><b>Threads.</b> The mutating methods ({@code put}, {@code deleteRange}, {@code txn}, {@code
 * compact}, and the {@link Lessor}'s grant and revoke) must be called from one thread, the raft apply
 * thread, in log order. {@link #range}, {@link #currentRevision}, {@link #compactRevision} and
 * {@link #approximateSizeBytes} may be called from any thread and take no lock: they read the
 * revision published by the last completed write, so they never see half of a txn (see {@code
 * KeyIndex} for why that is safe). Lease queries and {@link #hashKv} take {@code applyLock}, which
 * every mutation holds, so they see the store between two writes. {@link #view} takes it only to
 * freeze a revision; the export then reads lock-free at that revision while writes go on, and a
 * compaction waits for it.
 *
 * <p><b>Leases.</b> The lease table (IDs, TTLs, attached keys) is part of this state and of its
 * snapshot; everything else reaches it through the {@link Lessor}, which owns every lease concern
 * (hence the package-private lease methods here).
 *
 * <p><b>Errors.</b> An {@link io.keel.api.EtcdException} is etcd's answer to the request, and the
 * store is left exactly as before it. Any other exception means a broken invariant: the caller must
 * stop applying rather than let this replica diverge.
 */
public final class MvccStore {
  /** Held by every mutation, and by readers that need the store between two writes. */
  private final ReentrantLock applyLock = new ReentrantLock();
  /** Guards {@link #openViews}; compaction waits on it. */
  private final Object exportGate = new Object();
  private int openViews;
  private final KvState state;
  private final Applier applier;

  /** An empty store at revision 1. */
  public MvccStore() {
    this(new KvState());
  }

  private MvccStore(KvState state) {
    this.state = state;
    this.applier = new Applier(state);
  }

  /** A store over state rebuilt by {@link StoreBuilder}. */
  static MvccStore of(KvState state) {
    return new MvccStore(state);
  }

  /**
   * Reads with no lock. A compaction can overtake a lock-free read: then a read of an explicit
   * revision answers COMPACTED (as if it came after the compaction), while a read of the latest
   * revision, which must never fail that way, is served again between two writes.
   */
  public RangeResponse range(RangeRequest r) {
    try {
      return applier.range(r);
    } catch (EtcdException e) {
      if (e.error() != EtcdError.COMPACTED || r.revision() > 0) {
        throw e;
      }
      return locked(() -> applier.range(r));
    }
  }

  public PutResponse put(PutRequest r) {
    return locked(() -> applier.put(r));
  }

  public DeleteRangeResponse deleteRange(DeleteRangeRequest r) {
    return locked(() -> applier.deleteRange(r));
  }

  public TxnResponse txn(TxnRequest r) {
    return locked(() -> applier.txn(r));
  }

  public CompactionResponse compact(long revision) {
    return locked(() -> {
      awaitNoOpenViews();
      return applier.compact(revision);
    });
  }

  /** The revision of the last write that changed something (1 on an empty store). */
  public long currentRevision() {
    return state.currentRev();
  }

  /** The revision of the last compaction, 0 if never compacted. */
  public long compactRevision() {
    return Math.max(0, state.compactMainRev());
  }

  /** etcd's compactMainRev as HashKV reports it: the last compaction's revision, -1 if never compacted. */
  public long compactMainRevision() {
    return state.compactMainRev();
  }

  /** Registers a lease: LEASE_EXIST if the ID is taken (and, as etcd, LEASE_NOT_FOUND for ID 0, LEASE_TTL_TOO_LARGE). */
  void grantLease(long id, long ttlSeconds) {
    locked(() -> {
      applier.grantLease(id, ttlSeconds);
      return null;
    });
  }

  /**
   * Deletes the lease's keys in key order within one new revision, then the lease; LEASE_NOT_FOUND
   * if it does not exist. Returns the store revision afterwards (unchanged if no key was attached).
   */
  long revokeLease(long id) {
    return locked(() -> applier.revokeLease(id));
  }

  boolean leaseExists(long id) {
    return locked(() -> state.leaseLocked(id) != null);
  }

  Optional<LeaseInfo> lease(long id) {
    return locked(() -> Optional.ofNullable(state.leaseLocked(id)));
  }

  /** Every lease, by ascending ID. */
  List<LeaseInfo> leases() {
    return locked(state::leasesLocked);
  }

  /**
   * Hands the whole store as it is now to {@code sink} (see {@link StoreSink} for the order);
   * writes go on meanwhile and are not included. The byte arrays handed over are the store's own:
   * read, never change them.
   */
  public void export(StoreSink sink) throws IOException {
    try (StoreView view = view()) {
      view.export(sink);
    }
  }

  /**
   * The store frozen at its current revision (taken between two writes), exported later from any
   * thread while writes go on; compaction waits until it is closed. See {@link StoreView}.
   */
  public StoreView view() {
    return locked(() -> {
      synchronized (exportGate) {
        openViews++;
      }
      return new View(state.currentRev(), state.compactMainRev(), io.keel.mvcc.internal.KvStateExport.leases(state));
    });
  }

  private final class View implements StoreView {
    private final long revision;
    private final long compactMainRev;
    private final List<LeaseInfo> leases;
    private boolean closed;

    View(long revision, long compactMainRev, List<LeaseInfo> leases) {
      this.revision = revision;
      this.compactMainRev = compactMainRev;
      this.leases = leases;
    }

    @Override
    public long revision() {
      return revision;
    }

    @Override
    public void export(StoreSink sink) throws IOException {
      io.keel.mvcc.internal.KvStateExport.exportAt(state, revision, compactMainRev, leases, sink);
    }

    @Override
    public void close() {
      synchronized (exportGate) {
        if (!closed) {
          closed = true;
          openViews--;
          exportGate.notifyAll();
        }
      }
    }
  }

  /** Compaction trims versions in place: it waits for open views (on the apply thread, under applyLock). */
  private void awaitNoOpenViews() {
    synchronized (exportGate) {
      boolean interrupted = false;
      while (openViews > 0) {
        try {
          exportGate.wait();
        } catch (InterruptedException e) {
          interrupted = true; // the log must still be applied: keep waiting, restore the flag after
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Key and value bytes of every retained version plus a small per-version overhead (for status dbSize). */
  public long approximateSizeBytes() {
    return state.sizeBytes();
  }

  /**
   * A CRC32C over the compaction revision and every retained version with mod revision <= {@code
   * revision} (0: the current revision), equal on replicas that applied the same log. COMPACTED if
   * revision is below the compaction, FUTURE_REV if above the current revision.
   */
  public long hashKv(long revision) {
    return locked(() -> KvHash.hash(state, revision));
  }

  /** Sets the one listener told of every committed write (see {@link CommitListener}). */
  public void setCommitListener(CommitListener listener) {
    state.setListener(listener);
  }

  /**
   * The retained changes of [key, rangeEnd) with revisions in [from, to], grouped by revision, at
   * most about {@code maxEvents} events (whole revisions). Lock-free; {@code to} must not exceed the
   * current revision. COMPACTED if {@code from} is below the compaction point.
   */
  public List<RevisionEvents> history(byte[] key, byte[] rangeEnd, long from, long to, int maxEvents) {
    return io.keel.mvcc.internal.History.between(state, key, rangeEnd, from, to, maxEvents);
  }

  private <T> T locked(Supplier<T> action) {
    applyLock.lock();
    try {
      return action.get();
    } finally {
      applyLock.unlock();
    }
  }
}
