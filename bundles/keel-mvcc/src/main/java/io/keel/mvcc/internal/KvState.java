package io.keel.mvcc.internal;

import io.keel.mvcc.LeaseInfo;
import java.util.List;

/**
 * The whole state of one store (etcd's {@code kvstore.go} store): the key index, the lease table
 * and the two revisions.
 *
 * <ul>
 *   <li>{@code currentRev}: the revision of the last write that changed something; 1 on an empty
 *       store (etcd's first write gets 2). Published (volatile write) only after every version of
 *       that revision is in the index, so a reader that reads it sees the whole revision.</li>
 *   <li>{@code compactMainRev}: the last compaction's revision, -1 if none (etcd's initial value:
 *       a first compaction at 0 is therefore accepted, as in etcd). Raised before compaction trims
 *       anything, so a reader that might have seen trimmed data can tell by re-reading it.</li>
 * </ul>
 * Only the apply thread writes; see {@link KeyIndex} for what readers may rely on.
 */
public final class KvState {
  final TreeIndex index = new TreeIndex();
  final LeaseTable leases = new LeaseTable();
  private volatile long currentRev = 1;
  private volatile long compactMainRev = -1;
  private volatile long sizeBytes;
  private volatile io.keel.mvcc.CommitListener listener;

  public void setListener(io.keel.mvcc.CommitListener listener) {
    this.listener = listener;
  }

  io.keel.mvcc.CommitListener listener() {
    return listener;
  }

  public long currentRev() {
    return currentRev;
  }

  void setCurrentRev(long rev) {
    currentRev = rev;
  }

  /** The raw compaction revision: -1 if the store was never compacted. */
  public long compactMainRev() {
    return compactMainRev;
  }

  void setCompactMainRev(long rev) {
    compactMainRev = rev;
  }

  /** Key and value bytes of every retained version, plus a fixed overhead per version. */
  public long sizeBytes() {
    return sizeBytes;
  }

  void addSize(long delta) {
    sizeBytes += delta; // single writer: no lost updates
  }

  /** The lease with its attached keys, or null. Not thread-safe: under the store's apply lock. */
  public LeaseInfo leaseLocked(long id) {
    return leases.info(id);
  }

  /** Every lease by ascending ID. Not thread-safe: under the store's apply lock. */
  public List<LeaseInfo> leasesLocked() {
    return leases.all();
  }

  /** A read of the store as it is now, for a thread other than the writer too. */
  ReadView latest() {
    return new ReadView(this, currentRev);
  }
}
