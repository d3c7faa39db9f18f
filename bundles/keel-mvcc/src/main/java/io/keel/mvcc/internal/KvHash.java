package io.keel.mvcc.internal;

import io.keel.api.EtcdError;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * A replica fingerprint (the role of etcd's HashKV): CRC32C over the compaction revision, then, in
 * key order and oldest first, every retained version with main revision <= the given one, each as
 * key length, key, main, sub, create, version, lease, value length, value. Two replicas that
 * applied the same log prefix hash equal at every revision they both hold; any difference in a
 * key, value, revision, lease or in what compaction kept changes the hash (up to CRC collisions).
 * The caller keeps writers out while it runs.
 */
public final class KvHash {
  private KvHash() {}

  /** The hash at {@code revision} (<= 0: the current one); COMPACTED / FUTURE_REV as etcd's HashKV. */
  public static long hash(KvState state, long revision) {
    long current = state.currentRev();
    long compact = state.compactMainRev();
    if (revision > 0 && revision < compact) {
      throw EtcdError.COMPACTED.exception();
    }
    if (revision > current) {
      throw EtcdError.FUTURE_REV.exception();
    }
    long at = revision <= 0 ? current : revision;
    CRC32C crc = new CRC32C();
    ByteBuffer scratch = ByteBuffer.allocate(8);
    putLong(crc, scratch, compact);
    for (KeyIndex ki : state.index.all()) {
      byte[] key = ki.key();
      ki.forEach((kv, sub) -> {
        if (kv.modRevision() > at) {
          return;
        }
        putInt(crc, scratch, key.length);
        crc.update(key);
        putLong(crc, scratch, kv.modRevision());
        putInt(crc, scratch, sub);
        putLong(crc, scratch, kv.createRevision());
        putLong(crc, scratch, kv.version());
        putLong(crc, scratch, kv.lease());
        putInt(crc, scratch, kv.value().length);
        crc.update(kv.value());
      });
    }
    return crc.getValue();
  }

  private static void putLong(CRC32C crc, ByteBuffer scratch, long v) {
    crc.update(scratch.clear().putLong(v).array(), 0, 8);
  }

  private static void putInt(CRC32C crc, ByteBuffer scratch, int v) {
    crc.update(scratch.clear().putInt(v).array(), 0, 4);
  }
}
