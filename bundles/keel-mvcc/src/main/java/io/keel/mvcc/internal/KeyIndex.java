package io.keel.mvcc.internal;

import io.keel.api.kv.Bytes;
import io.keel.api.kv.KeyValue;
import java.util.Arrays;

/**
 * Every retained version of one key, oldest first (etcd's {@code key_index.go}, flattened).
 *
 * <p>Generations are not stored apart: a tombstone (a version whose {@code version} is 0, see
 * {@link #tombstone}) closes one, and the next put starts a new one with a new create revision.
 * Each version also carries its sub-revision (its position among the changes of its revision).
 *
 * <pre>
 *   put a@2  put a@4  del a@6  put a@9          (main revisions)
 *   versions: [2.0 c2 v1] [4.0 c2 v2] [6.0 tomb] [9.0 c9 v1]
 *   read at 5 -> 4.0 ; read at 7 -> tombstone (absent) ; read at 1 -> absent
 *   compact at 7 -> the last version <= 7 is a tombstone, so it goes too: [9.0 c9 v1]
 *   compact at 4 -> keeps the last version <= 4 and all newer: [4.0] [6.0 tomb] [9.0]
 * </pre>
 *
 * <p>Concurrency: one writer (the apply thread) appends, rolls back and compacts; readers read with
 * no lock. What makes that safe:
 * <ul>
 *   <li>versions are ordered by (main, sub), and a slot holding a version whose main revision is
 *       at or below the published store revision is never written again in place;</li>
 *   <li>appends write the slot, then publish it by the volatile {@code size} write; a slot beyond a
 *       reader's published revision may change under it, which it ignores (main > its revision);</li>
 *   <li>growing and compacting build a whole new {@link Versions} and publish it with one volatile
 *       write, so a reader always sees one consistent (array, size) pair.</li>
 * </ul>
 *
 * <p>Memory: most keys of a large store have one version, put outside a multi-operation txn (sub-revision
 * 0). Such a key holds that {@link KeyValue} itself instead of a {@link Versions} with its two arrays
 * (72 bytes less per key); its second version, or a first one with a sub-revision, moves it to a
 * {@link Versions}, and a compaction that leaves one such version moves it back. Each change of form
 * is one volatile write of {@code state}, like the growing above.
 */
final class KeyIndex {

  /** Approximate bookkeeping bytes per stored version, on top of key and value bytes. */
  static final int VERSION_OVERHEAD_BYTES = 48;

  private static final class Versions {
    final KeyValue[] kvs;
    final int[] subs;
    volatile int size;

    Versions(KeyValue[] kvs, int[] subs, int size) {
      this.kvs = kvs;
      this.subs = subs;
      this.size = size;
    }
  }

  private final byte[] key;
  /** No version (null), the only version when its sub-revision is 0 (a KeyValue), or {@link Versions}. */
  private volatile Object state;

  KeyIndex(byte[] key) {
    this.key = key;
  }

  byte[] key() {
    return key;
  }

  /** A deletion marker: the key and its deletion revision, version 0 (etcd stores the same). */
  static KeyValue tombstone(byte[] key, long revision) {
    return new KeyValue(key, 0, revision, 0, Bytes.EMPTY, 0);
  }

  static boolean isTombstone(KeyValue kv) {
    return kv.version() == 0;
  }

  /** Bytes a version counts for in the store's approximate size. */
  static long footprint(KeyValue kv) {
    return (long) kv.key().length + kv.value().length + VERSION_OVERHEAD_BYTES;
  }

  /** The key as of {@code revision}: its last version with main revision <= it, or null if absent or deleted. */
  KeyValue liveAt(long revision) {
    Object s = state;
    if (!(s instanceof Versions v)) {
      KeyValue only = (KeyValue) s;
      return only == null || only.modRevision() > revision || isTombstone(only) ? null : only;
    }
    int n = v.size;
    int i = lastAtOrBelow(v.kvs, n, revision);
    if (i < 0) {
      return null;
    }
    KeyValue kv = v.kvs[i];
    return isTombstone(kv) ? null : kv;
  }

  boolean isEmpty() {
    return size() == 0;
  }

  /** How many versions are retained. */
  int size() {
    Object s = state;
    return s instanceof Versions v ? v.size : s == null ? 0 : 1;
  }

  /** The newest retained version (live or tombstone), or null if none. */
  KeyValue newest() {
    Object s = state;
    if (!(s instanceof Versions v)) {
      return (KeyValue) s;
    }
    int n = v.size;
    return n == 0 ? null : v.kvs[n - 1];
  }

  /**
   * Adds this key's changes with main revision in [from, to] to {@code out}, oldest first, each as
   * (revision, sub-revision, event). A change's previous version is the slot before it, when that
   * slot is live (after a compaction the oldest retained change may have lost its predecessor).
   */
  void changesBetween(long from, long to, java.util.List<Change> out) {
    Object s = state;
    if (!(s instanceof Versions v)) {
      KeyValue only = (KeyValue) s;
      if (only != null && only.modRevision() >= from && only.modRevision() <= to) {
        out.add(new Change(only.modRevision(), 0, new io.keel.api.watch.Event(isTombstone(only)
            ? io.keel.api.watch.Event.Type.DELETE : io.keel.api.watch.Event.Type.PUT, only, null)));
      }
      return;
    }
    int n = v.size;
    for (int i = 0; i < n; i++) {
      KeyValue kv = v.kvs[i];
      long main = kv.modRevision();
      if (main < from) {
        continue;
      }
      if (main > to) {
        break;
      }
      KeyValue prev = i > 0 && !isTombstone(v.kvs[i - 1]) ? v.kvs[i - 1] : null;
      io.keel.api.watch.Event.Type type = isTombstone(kv) ? io.keel.api.watch.Event.Type.DELETE
          : io.keel.api.watch.Event.Type.PUT;
      out.add(new Change(main, v.subs[i], new io.keel.api.watch.Event(type, kv, prev)));
    }
  }

  /** One change of the history, ordered by (revision, sub-revision). */
  record Change(long revision, int sub, io.keel.api.watch.Event event) {}

  /** Appends a newer version. Writer only; its (main, sub) must exceed every stored one. */
  void append(KeyValue kv, int sub) {
    Object s = state;
    if (s == null) {
      state = sub == 0 ? kv : new Versions(new KeyValue[] {kv}, new int[] {sub}, 1);
      return;
    }
    if (!(s instanceof Versions v)) {
      KeyValue only = (KeyValue) s;
      checkAfter(only, 0, kv, sub);
      KeyValue[] kvs = new KeyValue[4];
      int[] subs = new int[4];
      kvs[0] = only;
      kvs[1] = kv;
      subs[1] = sub;
      state = new Versions(kvs, subs, 2);
      return;
    }
    int n = v.size;
    if (n > 0) {
      checkAfter(v.kvs[n - 1], v.subs[n - 1], kv, sub);
    }
    if (n < v.kvs.length) {
      v.kvs[n] = kv;
      v.subs[n] = sub;
      v.size = n + 1; // publishes the slot
      return;
    }
    int cap = Math.max(4, n * 2);
    KeyValue[] kvs = Arrays.copyOf(v.kvs, cap);
    int[] subs = Arrays.copyOf(v.subs, cap);
    kvs[n] = kv;
    subs[n] = sub;
    state = new Versions(kvs, subs, n + 1);
  }

  private static void checkAfter(KeyValue last, int lastSub, KeyValue kv, int sub) {
    if (last.modRevision() > kv.modRevision() || (last.modRevision() == kv.modRevision() && lastSub >= sub)) {
      throw new IllegalStateException("revision " + kv.modRevision() + "." + sub + " not after "
          + last.modRevision() + "." + lastSub);
    }
  }

  /**
   * Drops the newest version, which must have main revision {@code revision} (a txn being rolled
   * back, never yet published). Returns its footprint.
   */
  long dropLast(long revision) {
    Object s = state;
    if (!(s instanceof Versions v)) {
      KeyValue only = (KeyValue) s;
      if (only == null || only.modRevision() != revision) {
        throw new IllegalStateException("rollback of revision " + revision + " found no such version");
      }
      state = null; // no reader saw it: its revision was never published
      return footprint(only);
    }
    int n = v.size;
    if (n == 0 || v.kvs[n - 1].modRevision() != revision) {
      throw new IllegalStateException("rollback of revision " + revision + " found no such version");
    }
    long bytes = footprint(v.kvs[n - 1]);
    v.size = n - 1; // the slot is left as is: readers that saw it ignore it (main > their revision)
    return bytes;
  }

  /**
   * Compacts at {@code revision}: drops every version superseded at or before it, and the last
   * version at or before it too if that is a tombstone. Returns the footprint dropped; the index
   * is empty afterwards if nothing newer remains.
   */
  long compact(long revision) {
    Object s = state;
    if (!(s instanceof Versions v)) {
      KeyValue only = (KeyValue) s;
      if (only == null || only.modRevision() > revision || !isTombstone(only)) {
        return 0;
      }
      state = null;
      return footprint(only);
    }
    int n = v.size;
    int i = lastAtOrBelow(v.kvs, n, revision);
    if (i < 0) {
      return 0;
    }
    int from = isTombstone(v.kvs[i]) ? i + 1 : i;
    if (from == 0) {
      return 0;
    }
    long bytes = 0;
    for (int j = 0; j < from; j++) {
      bytes += footprint(v.kvs[j]);
    }
    int keep = n - from;
    if (keep == 0) {
      state = null;
    } else if (keep == 1 && v.subs[from] == 0) {
      state = v.kvs[from];
    } else {
      state = new Versions(Arrays.copyOfRange(v.kvs, from, n), Arrays.copyOfRange(v.subs, from, n), keep);
    }
    return bytes;
  }

  /** Receives one version and its sub-revision; may throw (e.g. IOException while writing). */
  interface VersionVisitor<E extends Exception> {
    void visit(KeyValue kv, int sub) throws E;
  }

  /** Visits the retained versions oldest first. */
  <E extends Exception> void forEach(VersionVisitor<E> visitor) throws E {
    Object s = state;
    if (!(s instanceof Versions v)) {
      if (s != null) {
        visitor.visit((KeyValue) s, 0);
      }
      return;
    }
    int n = v.size;
    for (int i = 0; i < n; i++) {
      visitor.visit(v.kvs[i], v.subs[i]);
    }
  }

  /** The index of the last version with main revision <= {@code revision}, or -1. */
  private static int lastAtOrBelow(KeyValue[] kvs, int n, long revision) {
    if (n == 0) {
      return -1;
    }
    if (kvs[n - 1].modRevision() <= revision) {
      return n - 1; // the common case: reading the latest
    }
    int lo = 0;
    int hi = n - 1; // kvs[hi] > revision
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (kvs[mid].modRevision() <= revision) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo - 1;
  }
}
