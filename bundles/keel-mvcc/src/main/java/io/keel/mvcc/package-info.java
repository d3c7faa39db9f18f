/**
 * Keel's MVCC key-value store with etcd 3.4's semantics, revision for revision: {@link
 * io.keel.mvcc.MvccStore} (ranges, puts, deletes, txns, compaction, lease attachments, snapshots,
 * hashes), {@link io.keel.mvcc.Lessor} (every lease concern: grants, revokes, renewals, expiry,
 * checkpoints) and {@link io.keel.mvcc.RequestChecks} (etcd's validation before a request is proposed).
 *
 * <p>Storage decision: the store lives in memory. Durability is the Raft log's (SOFAJRaft fsyncs
 * every entry on a quorum before it is applied) plus snapshots: the raft bundle calls {@code
 * export} when jraft saves one and {@code StoreBuilder} when a member loads one, then replays
 * the log tail. The store therefore does no disk I/O of its own and has no byte format: the raft
 * bundle's snapshot format is its only persistent form. Applying the same commands in the same order yields byte-identical stores
 * (no clocks, no randomness, no hash-ordered iteration), which {@code hashKv} lets replicas prove.
 */
package io.keel.mvcc;
