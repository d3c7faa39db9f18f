package io.keel.mvcc.internal;

import io.keel.api.kv.KeyValue;
import java.util.ArrayList;
import java.util.List;

/**
 * One write at revision {@code beginRev + 1} (etcd's {@code storeTxnWrite}). Every change it makes
 * gets that main revision and the next sub-revision. Readers on other threads cannot see any of it
 * until {@link #commit} publishes the revision; until then {@link #rollback} undoes it all.
 *
 * <p>Lease attachments follow the key's live version (see {@link LeaseTable}): a put moves the key
 * from its old lease to the new one, a delete detaches it. Writer thread only; one at a time.
 */
final class WriteTxn {
  private record LeaseChange(long lease, byte[] key, boolean attached) {}

  private final KvState state;
  private final long beginRev;
  private int changes;
  private final List<KeyIndex> written = new ArrayList<>(4);
  private final List<LeaseChange> leaseChanges = new ArrayList<>(); // most writes touch no lease
  private final List<io.keel.api.watch.Event> events = new ArrayList<>(4);
  private boolean done;

  WriteTxn(KvState state) {
    this.state = state;
    this.beginRev = state.currentRev();
  }

  long beginRev() {
    return beginRev;
  }

  /** Whether anything has been written (then the txn will take revision beginRev + 1). */
  boolean changed() {
    return changes > 0;
  }

  /** Reads as etcd's write txn does: at beginRev, or beginRev + 1 once something was written. */
  ReadView view() {
    return new ReadView(state, changed() ? beginRev + 1 : beginRev);
  }

  /** Writes a new version of {@code key}; returns the write's revision. */
  long put(byte[] key, byte[] value, long lease) {
    long rev = beginRev + 1;
    KeyIndex ki = state.index.getOrCreate(key);
    KeyValue prev = ki.liveAt(rev);
    KeyValue kv = prev == null
        ? new KeyValue(ki.key(), rev, rev, 1, value, lease)
        : new KeyValue(ki.key(), prev.createRevision(), rev, prev.version() + 1, value, lease);
    append(ki, kv);
    events.add(new io.keel.api.watch.Event(io.keel.api.watch.Event.Type.PUT, kv, prev));
    if (prev != null && prev.lease() != 0) {
      state.leases.detach(prev.lease(), ki.key());
      leaseChanges.add(new LeaseChange(prev.lease(), ki.key(), false));
    }
    if (lease != 0) {
      state.leases.attach(lease, ki.key());
      leaseChanges.add(new LeaseChange(lease, ki.key(), true));
    }
    return rev;
  }

  /** Deletes every live key of {@code range}, in key order; returns how many. */
  long deleteRange(KeyRange range) {
    long readRev = changed() ? beginRev + 1 : beginRev;
    long n = 0;
    for (KeyIndex ki : state.index.range(range)) {
      KeyValue prev = ki.liveAt(readRev);
      if (prev == null) {
        continue;
      }
      KeyValue tombstone = KeyIndex.tombstone(ki.key(), beginRev + 1);
      append(ki, tombstone);
      events.add(new io.keel.api.watch.Event(io.keel.api.watch.Event.Type.DELETE, tombstone, prev));
      n++;
      if (prev.lease() != 0) {
        state.leases.detach(prev.lease(), ki.key());
        leaseChanges.add(new LeaseChange(prev.lease(), ki.key(), false));
      }
    }
    return n;
  }

  /** Publishes the revision if anything was written. */
  void commit() {
    finish();
    if (changed()) {
      state.setCurrentRev(beginRev + 1);
      io.keel.mvcc.CommitListener l = state.listener();
      if (l != null) {
        try {
          l.committed(beginRev + 1, java.util.Collections.unmodifiableList(events));
        } catch (RuntimeException e) {
          // the revision is written and published; telling watchers is not part of the write
          System.getLogger(WriteTxn.class.getName()).log(System.Logger.Level.ERROR,
              "commit listener failed at revision " + (beginRev + 1), e);
        }
      }
    }
  }

  /** Undoes every change, newest first; the store is as if this txn never ran. */
  void rollback() {
    finish();
    for (int i = leaseChanges.size() - 1; i >= 0; i--) {
      LeaseChange c = leaseChanges.get(i);
      if (c.attached()) {
        state.leases.detach(c.lease(), c.key());
      } else {
        state.leases.attach(c.lease(), c.key());
      }
    }
    for (int i = written.size() - 1; i >= 0; i--) {
      KeyIndex ki = written.get(i);
      state.addSize(-ki.dropLast(beginRev + 1));
      state.index.removeIfEmpty(ki);
    }
    changes = 0;
    events.clear();
  }

  private void append(KeyIndex ki, KeyValue kv) {
    ki.append(kv, changes++);
    written.add(ki);
    state.addSize(KeyIndex.footprint(kv));
  }

  private void finish() {
    if (done) {
      throw new IllegalStateException("write txn at revision " + (beginRev + 1) + " already ended");
    }
    done = true;
  }
}
