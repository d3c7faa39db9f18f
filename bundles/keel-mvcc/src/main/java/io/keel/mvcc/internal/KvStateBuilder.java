package io.keel.mvcc.internal;

import io.keel.api.kv.Bytes;
import io.keel.api.kv.KeyValue;
import io.keel.mvcc.StoredVersion;
import java.util.List;

/**
 * A {@link KvState} rebuilt from snapshot contents, with the checks that keep a corrupt snapshot
 * from becoming a store: revisions in range, leases and keys strictly ascending, each key's
 * versions strictly ascending by (main, sub) and no newer than the store, tombstones bare, a live
 * key's lease existing. Lease attachments are not read: they are the leases of the keys' live
 * versions, rebuilt here.
 */
public final class KvStateBuilder {
  private final KvState state = new KvState();
  private long lastLease;
  private boolean anyLease;
  private byte[] lastKey;

  public KvStateBuilder(long currentRev, long compactMainRev) {
    check(currentRev >= 1 && compactMainRev >= -1 && compactMainRev <= currentRev, "revisions");
    state.setCurrentRev(currentRev);
    state.setCompactMainRev(compactMainRev);
  }

  public void lease(long id, long ttlSeconds) {
    check(lastKey == null, "lease after keys");
    check(id != 0 && (!anyLease || id > lastLease), "lease order");
    check(ttlSeconds <= LeaseTable.MAX_LEASE_TTL_SECONDS, "lease TTL");
    state.leases.grant(id, ttlSeconds);
    lastLease = id;
    anyLease = true;
  }

  public void key(byte[] key, List<StoredVersion> versions) {
    check(key.length > 0 && (lastKey == null || Bytes.compare(lastKey, key) < 0), "key order");
    check(!versions.isEmpty(), "version count");
    lastKey = key;
    KeyIndex ki = new KeyIndex(key);
    long lastMod = 0;
    int lastSub = -1;
    for (StoredVersion v : versions) {
      KeyValue stored = v.kv();
      long mod = stored.modRevision();
      int sub = v.subRevision();
      check(mod > lastMod || (mod == lastMod && sub > lastSub), "version order");
      check(mod <= state.currentRev() && sub >= 0 && stored.version() >= 0, "version fields");
      KeyValue kv;
      if (stored.version() == 0) {
        check(stored.createRevision() == 0 && stored.lease() == 0 && stored.value().length == 0, "tombstone fields");
        kv = KeyIndex.tombstone(key, mod);
      } else {
        check(stored.createRevision() >= 1 && stored.createRevision() <= mod, "create revision");
        kv = new KeyValue(key, stored.createRevision(), mod, stored.version(), stored.value(), stored.lease());
      }
      ki.append(kv, sub);
      state.addSize(KeyIndex.footprint(kv));
      lastMod = mod;
      lastSub = sub;
    }
    KeyValue newest = ki.newest();
    if (!KeyIndex.isTombstone(newest) && newest.lease() != 0) {
      check(state.leases.exists(newest.lease()), "lease of a live key");
      state.leases.attach(newest.lease(), key);
    }
    state.index.restore(ki);
  }

  public KvState build() {
    return state;
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new IllegalArgumentException("bad " + what);
    }
  }
}
