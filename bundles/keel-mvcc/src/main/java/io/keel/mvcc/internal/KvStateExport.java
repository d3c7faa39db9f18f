package io.keel.mvcc.internal;

import io.keel.mvcc.StoreSink;
import io.keel.mvcc.StoredVersion;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Walks a {@link KvState} into a {@link StoreSink}: revisions and leases, then every key in order. */
public final class KvStateExport {
  private KvStateExport() {}

  /** The caller keeps writers out meanwhile. */
  public static void export(KvState state, StoreSink sink) throws IOException {
    sink.begin(state.currentRev(), state.compactMainRev(), state.leases.all());
    for (KeyIndex ki : state.index.all()) {
      List<StoredVersion> versions = new ArrayList<>(ki.size());
      ki.forEach((kv, sub) -> versions.add(new StoredVersion(kv, sub)));
      sink.key(ki.key(), versions);
    }
  }
}
