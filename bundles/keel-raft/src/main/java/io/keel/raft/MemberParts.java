package io.keel.raft;

import io.keel.api.MemberChange;
import io.keel.api.ResponseHeader;
import io.keel.raft.internal.ClusterView;
import io.keel.raft.internal.Command;
import io.keel.raft.internal.RaftAccess;
import io.keel.raft.internal.bootstrap.MemberStartup;
import io.keel.raft.internal.kv.KvRequests;
import io.keel.raft.internal.lease.LeaseGateway;
import io.keel.raft.internal.lease.RaftLeadership;
import io.keel.raft.internal.maintenance.MaintenanceOps;
import io.keel.raft.internal.membership.LeaderTransfer;
import io.keel.raft.internal.membership.MemberChanges;
import io.keel.raft.internal.membership.MemberTable;
import io.keel.raft.internal.membership.Publisher;
import io.keel.raft.internal.membership.Reconciler;
import io.keel.raft.internal.membership.RemovalWatch;
import io.keel.raft.internal.propose.Proposer;
import io.keel.raft.internal.propose.ReadIndex;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The concerns of one started member, built once over what {@link MemberStartup} started and wired
 * to each other: the one propose path, ReadIndex reads, KV requests, leases, the member table and
 * its changes, the reconcile pass, leader transfer, removal, maintenance. {@link RaftNode} serves
 * the endpoints from these; {@link LeaderSide} answers followers with them.
 */
final class MemberParts {
  final MemberStartup.Started started;
  final RaftAccess raft;
  final Proposer proposer;
  final ReadIndex reads;
  /** The deadlines of waiting reads and health probes (closed with the member). */
  final io.keel.raft.internal.Deadlines deadlines = new io.keel.raft.internal.Deadlines();
  final KvRequests kv;
  final LeaseGateway leases;
  final MemberTable table;
  final MemberChanges changes;
  final Reconciler reconciler;
  final LeaderTransfer transfer;
  final RemovalWatch removal;
  final MaintenanceOps maintenance;
  final Publisher publisher;
  final io.keel.raft.internal.auth.AuthRequests auth;
  final io.keel.raft.internal.v2.V2Requests v2;

  MemberParts(MemberStartup.Started s) {
    this.started = s;
    this.raft = s.raft();
    var config = s.config();
    long memberId = s.identity().memberId();
    List<String> clientUrls = config.advertiseClientUrls().stream().map(URI::toString).toList();
    this.table = new MemberTable(raft, memberId, config.name(), clientUrls);
    this.removal = new RemovalWatch(raft, table, s.forwarding(), memberId, () -> header(0).clusterId());
    // how long a request waits for a leader during an election before failing with "no leader"
    long leaderWaitNanos = config.electionTimeoutMs() * 3L * 1_000_000L;
    this.proposer = new Proposer(raft, s.forwarding(), s.background(), memberId, config.maxRequestBytes(),
        leaderWaitNanos, removal::removed);
    // a follower whose reads time out may have a stalled raft link to its leader (StalledLinks heals it)
    io.keel.raft.internal.StalledLinks links =
        io.keel.raft.internal.StalledLinks.start(s.background(), raft::node, s.forwarding()::ping);
    this.reads = new ReadIndex(raft, deadlines, links::readTimedOut);
    this.kv = new KvRequests(raft::store, proposer, reads, config.maxTxnOps(), removal::removed, raft.auth(),
        raft.counters().ranges);
    this.v2 = new io.keel.raft.internal.v2.V2Requests(raft::v2, proposer, reads, () -> raft.node().isLeader(),
        System::currentTimeMillis);
    this.auth = new io.keel.raft.internal.auth.AuthRequests(raft.auth(), proposer, reads, config.bcryptCost());
    this.leases = new LeaseGateway(raft.lessor(), proposer::propose,
        new RaftLeadership(raft, s::forwarding, reads::linearized));
    this.changes = new MemberChanges(table, raft, proposer, s.forwarding(),
        config.electionTimeoutMs());
    this.reconciler = new Reconciler(raft, changes);
    this.transfer = new LeaderTransfer(raft, table, memberId, s.background(),
        config.electionTimeoutMs() * 5L * 1_000_000L);
    this.maintenance = new MaintenanceOps(raft, proposer, reads, table);
    this.publisher = new Publisher(raft, proposer, s.background(), memberId, config.name(), clientUrls,
        s.identity().clusterId());
    // the peer traffic metrics name members by their peer address, and ping every other member
    s.traffic().resolveWith(address -> {
      io.keel.api.Member m = table.memberAt(com.alipay.sofa.jraft.entity.PeerId.parsePeer(address));
      return m == null ? null : Long.toHexString(m.id());
    });
    io.keel.raft.internal.metrics.PeerProber.start(s.background(), () -> {
      java.util.Map<String, com.alipay.sofa.jraft.entity.PeerId> peers = new java.util.HashMap<>();
      for (io.keel.api.Member m : table.members()) {
        if (m.id() != memberId && !m.peerUrls().isEmpty()) {
          peers.put(Long.toHexString(m.id()), io.keel.raft.internal.membership.PeerIds.peerId(m.peerUrls().get(0)));
        }
      }
      return peers;
    }, s.forwarding()::ping, s.traffic());
  }

  /** The cluster ID the log agreed on (the one this member was started with until then). */
  ResponseHeader header(long revision) {
    long agreed = raft.membership().clusterId();
    return new ResponseHeader(agreed != 0 ? agreed : started.identity().clusterId(), started.identity().memberId(),
        revision, raft.term());
  }

  /** Every second: the leader reconciles jraft with the member table; a removed member stops. */
  void membershipPass() {
    reconciler.reconcile();
    removal.check();
  }

  // ------------------------------------------------ what followers forward here (see LeaderSide)

  /** A proposal a follower forwarded here (this member leads, or answers that it no longer does). */
  CompletionStage<Object> proposeForwarded(Command command, byte[] encoded) {
    return raft.apply(command, ByteBuffer.wrap(encoded));
  }

  /** A member change a follower forwarded here. */
  CompletionStage<MemberChange> administerForwarded(Command change) {
    return changes.administerLocally(change);
  }

  /** What this member tells a member that joins, or asks whether it was removed. */
  ClusterView clusterView() {
    return new ClusterView(header(0).clusterId(), table.members());
  }

  /** Seconds left of a lease on this member's clock (the leader's), -1 if there is no such lease. */
  long remainingHere(long leaseId) {
    return raft.lessor().remainingSeconds(leaseId);
  }

  /** A lease renewal a follower forwarded here (this member must lead: the primary lessor). */
  CompletionStage<Long> renewHere(long leaseId) {
    return leases.renewHere(leaseId);
  }
}
