package io.keel.mvcc.internal;

import io.keel.mvcc.LeaseInfo;
import io.keel.mvcc.StoreSink;
import io.keel.mvcc.StoredVersion;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Walks a {@link KvState} into a {@link StoreSink} as of one revision: revisions and leases (taken
 * by the caller when the revision was current), then every key in order with its versions at or
 * below the revision. Lock-free like any read at an older revision (see {@link KeyIndex}); the
 * caller keeps compaction out meanwhile, since it trims versions in place.
 */
public final class KvStateExport {
  private KvStateExport() {}

  /** The lease table now (call between two writes). */
  public static List<LeaseInfo> leases(KvState state) {
    return state.leases.all();
  }

  public static void exportAt(KvState state, long revision, long compactMainRev, List<LeaseInfo> leases,
      StoreSink sink) throws IOException {
    sink.begin(revision, compactMainRev, leases);
    for (KeyIndex ki : state.index.all()) {
      List<StoredVersion> versions = new ArrayList<>(ki.size());
      ki.forEach((kv, sub) -> {
        if (kv.modRevision() <= revision) {
          versions.add(new StoredVersion(kv, sub));
        }
      });
      if (!versions.isEmpty()) {
        sink.key(ki.key(), versions);
      }
    }
  }
}
