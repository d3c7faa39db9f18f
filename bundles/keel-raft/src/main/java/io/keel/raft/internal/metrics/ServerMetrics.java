package io.keel.raft.internal.metrics;

import io.keel.api.metrics.MetricSink;
import io.keel.api.metrics.MetricSource;

/**
 * The member's metrics under etcd 3.4's names, help texts and types (checked against a real etcd's
 * /metrics), plus Keel's own under keel_. Gauges are read from the member's state at scrape time.
 */
public final class ServerMetrics implements MetricSource {

  /** The member state the gauges read; each read is cheap and takes no lock of the write path. */
  public interface State {
    boolean hasLeader();

    boolean isLeader();

    boolean isLearner();

    long memberId();

    long committedIndex();

    long appliedIndex();

    long dbSizeBytes();

    long keys();

    long currentRevision();

    long compactRevision();

    int watchers();

    /** Watchers behind the current revision (etcd's unsynced ones), catching up from history. */
    int slowWatchers();

    long quotaBackendBytes();
  }

  private final ServerCounters c;
  private final State state;
  private final String version;

  public ServerMetrics(ServerCounters counters, State state, String version) {
    this.c = counters;
    this.state = state;
    this.version = version;
  }

  @Override
  public void collect(MetricSink s) {
    s.gauge("etcd_server_has_leader", "Whether or not a leader exists. 1 is existence, 0 is not.",
        state.hasLeader() ? 1 : 0);
    s.gauge("etcd_server_is_leader", "Whether or not this member is a leader. 1 if is, 0 otherwise.",
        state.isLeader() ? 1 : 0);
    s.gauge("etcd_server_is_learner", "Whether or not this member is a learner. 1 if is, 0 otherwise.",
        state.isLearner() ? 1 : 0);
    s.gauge("etcd_server_id", "Server or member ID in hexadecimal format. 1 for 'server_id' label with current ID.", 1,
        "server_id", String.format("%x", state.memberId()));
    s.gauge("etcd_server_version", "Which version is running. 1 for 'server_version' label with current version.", 1,
        "server_version", version);
    s.counter("etcd_server_leader_changes_seen_total", "The number of leader changes seen.", c.leaderChanges.sum());
    s.gauge("etcd_server_proposals_committed_total", "The total number of consensus proposals committed.",
        state.committedIndex());
    s.gauge("etcd_server_proposals_applied_total", "The total number of consensus proposals applied.",
        state.appliedIndex());
    s.gauge("etcd_server_proposals_pending", "The current number of pending proposals to commit.",
        Math.max(0, c.proposalsPending.sum()));
    s.counter("etcd_server_proposals_failed_total", "The total number of failed proposals seen.",
        c.proposalsFailed.sum());
    s.counter("etcd_server_slow_apply_total",
        "The total number of slow apply requests (likely overloaded from slow disk).", c.slowApplies.sum());
    s.gauge("etcd_server_quota_backend_bytes", "Current backend storage quota size in bytes.", state.quotaBackendBytes());

    long size = state.dbSizeBytes();
    s.gauge("etcd_mvcc_db_total_size_in_bytes",
        "Total size of the underlying database physically allocated in bytes.", size);
    s.gauge("etcd_mvcc_db_total_size_in_use_in_bytes",
        "Total size of the underlying database logically in use in bytes.", size);
    // etcd 3.4 still reports the old name too; its Grafana dashboard's "DB Size" panel reads it
    s.gauge("etcd_debugging_mvcc_db_total_size_in_bytes",
        "Total size of the underlying database physically allocated in bytes.", size);
    s.gauge("etcd_debugging_mvcc_keys_total", "Total number of keys.", state.keys());
    s.gauge("etcd_debugging_mvcc_current_revision", "The current revision of store.", state.currentRevision());
    s.gauge("etcd_debugging_mvcc_compact_revision", "The revision of the last compaction in store.",
        state.compactRevision());
    s.gauge("etcd_debugging_mvcc_watcher_total", "Total number of watchers.", state.watchers());
    s.gauge("etcd_debugging_mvcc_slow_watcher_total", "Total number of unsynced slow watchers.", state.slowWatchers());
    s.counter("etcd_mvcc_put_total", "Total number of puts seen by this member.", c.puts.sum());
    s.counter("etcd_mvcc_delete_total", "Total number of deletes seen by this member.", c.deletes.sum());
    s.counter("etcd_mvcc_range_total", "Total number of ranges seen by this member.", c.ranges.sum());
    s.counter("etcd_mvcc_txn_total", "Total number of txns seen by this member.", c.txns.sum());
    s.counter("etcd_debugging_lease_granted_total", "The total number of granted leases.", c.leasesGranted.sum());

    s.histogram("etcd_disk_wal_fsync_duration_seconds", "The latency distributions of fsync called by WAL.",
        c.walFsync);
    s.histogram("etcd_disk_backend_commit_duration_seconds",
        "The latency distributions of commit called by backend.", c.backendCommit);

    s.histogram("keel_raft_apply_batch_entries", "Committed entries the state machine applied per batch "
        + "(jraft's batching of proposals).", c.applyBatch);
    s.counter("keel_raft_forwarded_proposals_total",
        "Proposals this member forwarded to the leader over the peer port.", c.forwardedProposals.sum());
  }
}
