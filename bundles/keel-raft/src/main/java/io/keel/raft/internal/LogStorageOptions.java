package io.keel.raft.internal;

import com.alipay.sofa.jraft.storage.impl.RocksDBLogStorage;
import com.alipay.sofa.jraft.util.StorageOptionsFactory;
import org.rocksdb.ColumnFamilyOptions;

/**
 * RocksDB settings for jraft's log storage (the Raft log of every member).
 *
 * <p>jraft's defaults size RocksDB's memtables for a large multi-group store: up to three 64 MiB write
 * buffers. The memtable holds every appended entry until it is flushed, so after a 100k-key load a
 * member's resident memory carried ~60 MB of log that was already on disk (the WAL, fsynced per
 * batch, is what makes a write durable; the memtable is only a cache of it). Keel's log is written
 * once, read back only by lagging followers and at restart, and truncated at every snapshot: 16 MiB
 * buffers flush every few seconds at full write rate and keep that memory bounded. Everything else
 * (compression, compaction, the WAL, sync on every write batch) stays as jraft sets it.
 *
 * <p>jraft keeps these options in a process-wide table keyed by class: the first member started in
 * a JVM registers them, later ones (tests run several) find them there.
 */
public final class LogStorageOptions {
  static final long WRITE_BUFFER_BYTES = 16L << 20;

  private LogStorageOptions() {}

  public static void register() {
    ColumnFamilyOptions opts = StorageOptionsFactory.getDefaultRocksDBColumnFamilyOptions()
        .setWriteBufferSize(WRITE_BUFFER_BYTES);
    try {
      StorageOptionsFactory.registerRocksDBColumnFamilyOptions(RocksDBLogStorage.class, opts);
    } catch (IllegalStateException alreadyRegistered) {
      opts.close(); // an earlier member of this JVM registered the same options
    }
  }
}
