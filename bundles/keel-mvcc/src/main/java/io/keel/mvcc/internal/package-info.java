/**
 * The store's plain-Java core, file by file as etcd's {@code mvcc} package: {@code KeyIndex}
 * (one key's versions), {@code TreeIndex} (the ordered key space), {@code WriteTxn} (one
 * revision being written), {@code Applier}/{@code TxnApplier} (etcd's applier rules),
 * {@code Compaction}, {@code LeaseTable}, {@code SnapshotCodec} and {@code KvHash}.
 */
package io.keel.mvcc.internal;
