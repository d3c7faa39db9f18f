package io.keel.api;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * etcd's Maintenance: status, alarms, hashes, defragment, backup and leadership transfer. Failures
 * complete the stage exceptionally with an {@link EtcdException}.
 */
public interface Maintenance extends ResponseHeaders {

  ServerStatus status();

  /** Active alarms, cluster-wide. */
  List<Alarm> alarms();

  /**
   * Raises or clears an alarm through the log (memberId 0 = every member's). While NOSPACE is
   * raised, only reads, deletes, compaction and lease revocation are allowed, as in etcd.
   */
  CompletionStage<List<Alarm>> alarm(boolean activate, long memberId, Alarm.Type type);

  /**
   * Hashes the MVCC history up to {@code revision} (0 = latest): equal on members with equal
   * history, so it proves replicas agree. COMPACTED / FUTURE_REV outside the retained range.
   */
  CompletionStage<HashKv> hashKv(long revision);

  /**
   * Reclaims this member's disk space (etcd's Defragment): Keel's store lives in memory, so this
   * takes a Raft snapshot, which lets the log be truncated.
   */
  CompletionStage<Void> defragment();

  /**
   * A consistent backup of this member's key-value state (all retained revisions and leases), in
   * Keel's snapshot format, taken at one revision; {@code bin/keel snapshot restore} seeds new
   * members from it.
   */
  CompletionStage<byte[]> backup();

  /** Hands leadership to {@code targetId}; only the leader can (NOT_LEADER elsewhere). */
  CompletionStage<Void> moveLeader(long targetId);
}
