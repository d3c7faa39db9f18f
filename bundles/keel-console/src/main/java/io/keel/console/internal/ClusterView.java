package io.keel.console.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keel.api.Alarm;
import io.keel.api.Member;
import io.keel.api.ServerStatus;
import io.keel.api.auth.AuthInfo;
import io.keel.api.kv.RangeRequest;
import io.keel.api.kv.RangeResponse;
import io.keel.api.kv.SortOrder;
import io.keel.api.kv.SortTarget;
import io.keel.api.lease.LeaseTimeToLive;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The operator's views: members (with each one's leader, term, index and health, as etcdctl
 * endpoint status shows them), alarms, leases with their keys and TTLs, this member's status for
 * the charts, and the two operator actions (move-leader, disarm an alarm). The actions need the
 * root role while auth is enabled, like etcd's other maintenance changes (Defragment, Snapshot).
 */
final class ClusterView {
  static final int MAX_LEASES = 1000;
  private final ConsoleServices s;
  private final MemberProbe probe;

  ClusterView(ConsoleServices services, MemberProbe probe) {
    this.s = services;
    this.probe = probe;
  }

  ObjectNode cluster() {
    ServerStatus local = s.maintenance().status();
    long self = s.maintenance().header(0).memberId();
    List<Alarm> alarms = s.maintenance().alarms();
    List<Member> members = s.cluster().members();
    List<CompletableFuture<JsonNode>> probes = new ArrayList<>();
    for (Member m : members) {
      probes.add(m.id() == self ? CompletableFuture.completedFuture(null) : probe.status(m));
    }
    ObjectNode out = Json.object();
    out.put("self", Json.id(self));
    out.put("leader", Json.id(local.leader()));
    out.put("clusterId", Json.id(s.maintenance().header(0).clusterId()));
    ArrayNode list = out.putArray("members");
    for (int i = 0; i < members.size(); i++) {
      Member m = members.get(i);
      ObjectNode n = list.addObject();
      n.put("id", Json.id(m.id()));
      n.put("name", m.name());
      n.set("peerUrls", Json.MAPPER.valueToTree(m.peerUrls()));
      n.set("clientUrls", Json.MAPPER.valueToTree(m.clientUrls()));
      n.put("learner", m.isLearner());
      n.put("self", m.id() == self);
      n.put("isLeader", m.id() == local.leader());
      if (m.id() == self) {
        ObjectNode st = n.putObject("status");
        st.put("leader", Json.id(local.leader()));
        st.put("raftTerm", local.raftTerm());
        st.put("raftIndex", local.raftIndex());
        st.put("raftAppliedIndex", local.raftAppliedIndex());
        st.put("dbSize", local.dbSize());
        st.put("version", local.version());
        boolean noSpace = alarms.stream().anyMatch(a -> a.type() == Alarm.Type.NOSPACE);
        n.put("health", local.leader() == 0 ? "unhealthy: no leader" : noSpace ? "unhealthy: NOSPACE alarm" : "healthy");
        continue;
      }
      try {
        JsonNode r = probes.get(i).get(MemberProbe.TIMEOUT.toMillis() + 500, TimeUnit.MILLISECONDS);
        ObjectNode st = n.putObject("status");
        long leader = unsigned(r.path("leader"));
        st.put("leader", Json.id(leader));
        st.put("raftTerm", unsigned(r.path("raftTerm")));
        st.put("raftIndex", unsigned(r.path("raftIndex")));
        st.put("raftAppliedIndex", unsigned(r.path("raftAppliedIndex")));
        st.put("dbSize", unsigned(r.path("dbSize")));
        st.put("version", r.path("version").asText());
        n.put("health", leader == 0 ? "unhealthy: no leader" : "healthy");
      } catch (java.util.concurrent.ExecutionException e) {
        n.put("health", "unknown: " + e.getCause().getMessage());
      } catch (java.util.concurrent.TimeoutException e) {
        n.put("health", "unhealthy: no answer within " + MemberProbe.TIMEOUT.toMillis() + " ms");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
    ArrayNode a = out.putArray("alarms");
    for (Alarm alarm : alarms) {
      a.addObject().put("member", Json.id(alarm.memberId())).put("type", alarm.type().name());
    }
    return out;
  }

  /** This member's counters for the charts; keys is null when the user may not count every key. */
  ObjectNode status(AuthInfo who) {
    ServerStatus st = s.maintenance().status();
    ObjectNode out = Json.object();
    out.put("revision", s.kv().currentRevision());
    out.put("raftIndex", st.raftIndex());
    out.put("raftAppliedIndex", st.raftAppliedIndex());
    out.put("raftTerm", st.raftTerm());
    out.put("leader", Json.id(st.leader()));
    out.put("dbSize", st.dbSize());
    out.put("dbSizeInUse", st.dbSizeInUse());
    try {
      RangeResponse r = Calls.await(s.kv().range(new RangeRequest(new byte[] {0}, new byte[] {0}, 0, 0,
          SortOrder.NONE, SortTarget.KEY, true, false, true, 0, 0, 0, 0), who));
      out.put("keys", r.count());
    } catch (ApiException e) {
      out.putNull("keys");
    }
    try {
      out.put("leases", Calls.await(s.leases().leases()).size());
    } catch (ApiException e) {
      out.putNull("leases");
    }
    return out;
  }

  ObjectNode leases(AuthInfo who) {
    List<Long> ids = Calls.await(s.leases().leases());
    ObjectNode out = Json.object();
    out.put("total", ids.size());
    ArrayNode list = out.putArray("leases");
    for (long id : ids.stream().sorted().limit(MAX_LEASES).toList()) {
      ObjectNode n = list.addObject();
      n.put("id", Json.leaseId(id));
      try {
        LeaseTimeToLive t = Calls.await(s.leases().leaseTimeToLive(id, true, who));
        n.put("ttl", t.ttlSeconds());
        n.put("granted", t.grantedTtlSeconds());
        ArrayNode keys = n.putArray("keys");
        for (byte[] k : t.keys()) {
          keys.addObject().put("key", Json.display(k)).put("k", Json.b64(k));
        }
      } catch (ApiException e) {
        n.put("error", e.getMessage());
      }
    }
    return out;
  }

  ObjectNode revoke(AuthInfo who, long id) {
    return Json.object().put("revision", Calls.await(s.leases().leaseRevoke(id, who)));
  }

  ObjectNode moveLeader(AuthInfo who, long target) {
    Calls.call(() -> {
      s.auth().checkAdmin(who);
      return null;
    });
    Calls.await(s.maintenance().moveLeader(target));
    return Json.object().put("leader", Json.id(target));
  }

  ObjectNode disarm(AuthInfo who, long member, String type) {
    Alarm.Type t;
    try {
      t = Alarm.Type.valueOf(type == null ? "" : type.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("unknown alarm type \"" + type + "\" (NOSPACE or CORRUPT)");
    }
    Calls.call(() -> {
      s.auth().checkAdmin(who);
      return null;
    });
    Calls.await(s.maintenance().alarm(false, member, t));
    return Json.object();
  }

  private static long unsigned(JsonNode n) {
    if (n.isMissingNode() || n.isNull()) {
      return 0;
    }
    return n.isNumber() ? n.asLong() : Long.parseUnsignedLong(n.asText("0"));
  }

}
