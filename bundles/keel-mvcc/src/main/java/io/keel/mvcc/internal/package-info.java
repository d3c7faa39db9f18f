/**
 * The store's plain-Java core, file by file as etcd's {@code mvcc} package: {@code KeyIndex}
 * (one key's versions), {@code TreeIndex} (the ordered key space), {@code WriteTxn} (one
 * revision being written), {@code Applier}/{@code TxnApplier} (etcd's applier rules),
 * {@code Compaction}, {@code LeaseTable}, {@code KvHash}, and {@code KvStateExport}/{@code KvStateBuilder}
 * (the store handed to and rebuilt from a snapshot format, which lives in the raft bundle).
 */
package io.keel.mvcc.internal;
