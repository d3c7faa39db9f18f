package io.keel.raft.internal.maintenance;

import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.error.RaftError;
import io.keel.api.Alarm;
import io.keel.api.EtcdError;
import io.keel.api.HashKv;
import io.keel.api.Member;
import io.keel.api.ServerStatus;
import io.keel.mvcc.MvccStore;
import io.keel.raft.BackupFormat;
import io.keel.raft.internal.Command;
import io.keel.raft.internal.RaftAccess;
import io.keel.raft.internal.membership.MemberTable;
import io.keel.raft.internal.propose.Proposer;
import io.keel.raft.internal.propose.ReadIndex;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** etcd's Maintenance service on this member: status, alarms, hash, defragment and backup. */
public final class MaintenanceOps {
  private static final Logger LOG = LoggerFactory.getLogger(MaintenanceOps.class);
  /** The etcd API version Keel implements; clients gate features on it. */
  public static final String ETCD_VERSION = "3.4.0";

  private final RaftAccess raft;
  private final Proposer proposer;
  private final ReadIndex reads;
  private final MemberTable table;

  public MaintenanceOps(RaftAccess raft, Proposer proposer, ReadIndex reads, MemberTable table) {
    this.raft = raft;
    this.proposer = proposer;
    this.reads = reads;
    this.table = table;
  }

  public ServerStatus status() {
    Node node = raft.node();
    Member leader = table.memberAt(node.getLeaderId());
    long size = raft.store().approximateSizeBytes();
    return new ServerStatus(ETCD_VERSION, size, size, leader == null ? 0 : leader.id(),
        node.getLastCommittedIndex(), raft.term(), node.getLastAppliedLogIndex(), table.selfIsLearner(),
        alarms().stream().map(a -> "memberID:" + Long.toUnsignedString(a.memberId()) + " alarm:" + a.type()).toList());
  }

  /** Active alarms, cluster-wide, sorted by member then type. */
  public List<Alarm> alarms() {
    return raft.membership().alarms().stream()
        .map(a -> new Alarm(a.getKey(), Alarm.Type.values()[a.getValue()])).toList();
  }

  /** Raises or clears an alarm through the log; completes with the alarms after it. */
  public CompletableFuture<List<Alarm>> alarm(boolean activate, long memberId, Alarm.Type type) {
    return proposer.route(new Command.AlarmChange(activate, memberId, type.ordinal())).thenApply(r -> alarms());
  }

  /**
   * etcd's HashByRev: a revision at or below the last compaction is COMPACTED, one past the current
   * revision FUTURE_REV, 0 the current revision; the answer carries the compaction revision as etcd
   * keeps it (-1 while never compacted).
   */
  public CompletableFuture<HashKv> hashKv(long revision) {
    MvccStore s = raft.store();
    long current = s.currentRevision();
    long compacted = s.compactMainRevision();
    if (revision > 0 && revision <= compacted) {
      return CompletableFuture.failedFuture(EtcdError.COMPACTED.exception());
    }
    if (revision > current) {
      return CompletableFuture.failedFuture(EtcdError.FUTURE_REV.exception());
    }
    long rev = revision <= 0 ? current : revision;
    return CompletableFuture.completedFuture(new HashKv(current, (int) s.hashKv(rev), compacted));
  }

  /** A linearizable point first, so the backup holds every write acknowledged before the call. */
  public CompletableFuture<byte[]> backup() {
    return reads.linearized().thenApply(ignored -> {
      try {
        return BackupFormat.backup(raft.store(), raft.auth().state(), raft.membership().state(), raft.appliedIndex());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  /** Keel's store lives in memory: defragmenting is taking a Raft snapshot, which truncates the log. */
  public CompletableFuture<Void> defragment() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    raft.node().snapshot(status -> {
      // OK also when nothing was applied since the last snapshot: then there is nothing to reclaim.
      // EBUSY means a snapshot is already being taken, which does the same work.
      if (status.isOk() || status.getRaftError() == RaftError.EBUSY) {
        done.complete(null);
      } else {
        LOG.warn("defragment: snapshot failed status={}", status);
        done.completeExceptionally(raft.toEtcd(status));
      }
    });
    return done;
  }
}
