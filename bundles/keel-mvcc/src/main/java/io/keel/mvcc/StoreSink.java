package io.keel.mvcc;

import java.io.IOException;
import java.util.List;

/**
 * Receives the whole store from {@link MvccStore#export}, for a snapshot format to write; {@link
 * StoreBuilder} takes the same contents back. The store keeps no byte format of its own.
 */
public interface StoreSink {
  /**
   * Called first: the current revision, the raw compaction revision (-1 if never compacted) and
   * every lease by ascending ID.
   */
  void begin(long currentRevision, long compactMainRevision, List<LeaseInfo> leases) throws IOException;

  /** Then once per key, in ascending unsigned key order: every retained version, oldest first. */
  void key(byte[] key, List<StoredVersion> versions) throws IOException;
}
