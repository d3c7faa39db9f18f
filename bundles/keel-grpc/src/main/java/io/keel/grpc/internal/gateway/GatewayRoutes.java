package io.keel.grpc.internal.gateway;

import io.etcd.jetcd.api.AuthGrpc;
import io.etcd.jetcd.api.ClusterGrpc;
import io.etcd.jetcd.api.ElectionGrpc;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.LeaseGrpc;
import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.WatchGrpc;
import io.etcd.jetcd.api.lock.LockGrpc;
import io.grpc.MethodDescriptor;
import java.util.HashMap;
import java.util.Map;

/**
 * The HTTP paths of etcd 3.4's gateway (the {@code google.api.http} options of rpc.proto, v3lock and
 * v3election; all {@code POST} with {@code body: "*"}), each to its gRPC method. {@code /v3beta/} is
 * accepted as an alias of {@code /v3/}.
 */
final class GatewayRoutes {
  private static final Map<String, MethodDescriptor<?, ?>> ROUTES = new HashMap<>();

  static {
    route("/v3/kv/range", KVGrpc.getRangeMethod());
    route("/v3/kv/put", KVGrpc.getPutMethod());
    route("/v3/kv/deleterange", KVGrpc.getDeleteRangeMethod());
    route("/v3/kv/txn", KVGrpc.getTxnMethod());
    route("/v3/kv/compaction", KVGrpc.getCompactMethod());

    route("/v3/watch", WatchGrpc.getWatchMethod());

    route("/v3/lease/grant", LeaseGrpc.getLeaseGrantMethod());
    route("/v3/lease/revoke", LeaseGrpc.getLeaseRevokeMethod());
    route("/v3/kv/lease/revoke", LeaseGrpc.getLeaseRevokeMethod());
    route("/v3/lease/keepalive", LeaseGrpc.getLeaseKeepAliveMethod());
    route("/v3/lease/timetolive", LeaseGrpc.getLeaseTimeToLiveMethod());
    route("/v3/kv/lease/timetolive", LeaseGrpc.getLeaseTimeToLiveMethod());
    route("/v3/lease/leases", LeaseGrpc.getLeaseLeasesMethod());
    route("/v3/kv/lease/leases", LeaseGrpc.getLeaseLeasesMethod());

    route("/v3/cluster/member/add", ClusterGrpc.getMemberAddMethod());
    route("/v3/cluster/member/remove", ClusterGrpc.getMemberRemoveMethod());
    route("/v3/cluster/member/update", ClusterGrpc.getMemberUpdateMethod());
    route("/v3/cluster/member/list", ClusterGrpc.getMemberListMethod());
    route("/v3/cluster/member/promote", ClusterGrpc.getMemberPromoteMethod());

    route("/v3/maintenance/alarm", MaintenanceGrpc.getAlarmMethod());
    route("/v3/maintenance/status", MaintenanceGrpc.getStatusMethod());
    route("/v3/maintenance/defragment", MaintenanceGrpc.getDefragmentMethod());
    // Hash and HashKV share this path in etcd 3.4; grpc-gateway serves the first registered: Hash.
    route("/v3/maintenance/hash", MaintenanceGrpc.getHashMethod());
    route("/v3/maintenance/snapshot", MaintenanceGrpc.getSnapshotMethod());
    route("/v3/maintenance/transfer-leadership", MaintenanceGrpc.getMoveLeaderMethod());

    route("/v3/auth/enable", AuthGrpc.getAuthEnableMethod());
    route("/v3/auth/disable", AuthGrpc.getAuthDisableMethod());
    route("/v3/auth/authenticate", AuthGrpc.getAuthenticateMethod());
    route("/v3/auth/user/add", AuthGrpc.getUserAddMethod());
    route("/v3/auth/user/get", AuthGrpc.getUserGetMethod());
    route("/v3/auth/user/list", AuthGrpc.getUserListMethod());
    route("/v3/auth/user/delete", AuthGrpc.getUserDeleteMethod());
    route("/v3/auth/user/changepw", AuthGrpc.getUserChangePasswordMethod());
    route("/v3/auth/user/grant", AuthGrpc.getUserGrantRoleMethod());
    route("/v3/auth/user/revoke", AuthGrpc.getUserRevokeRoleMethod());
    route("/v3/auth/role/add", AuthGrpc.getRoleAddMethod());
    route("/v3/auth/role/get", AuthGrpc.getRoleGetMethod());
    route("/v3/auth/role/list", AuthGrpc.getRoleListMethod());
    route("/v3/auth/role/delete", AuthGrpc.getRoleDeleteMethod());
    route("/v3/auth/role/grant", AuthGrpc.getRoleGrantPermissionMethod());
    route("/v3/auth/role/revoke", AuthGrpc.getRoleRevokePermissionMethod());

    route("/v3/lock/lock", LockGrpc.getLockMethod());
    route("/v3/lock/unlock", LockGrpc.getUnlockMethod());

    route("/v3/election/campaign", ElectionGrpc.getCampaignMethod());
    route("/v3/election/proclaim", ElectionGrpc.getProclaimMethod());
    route("/v3/election/leader", ElectionGrpc.getLeaderMethod());
    route("/v3/election/observe", ElectionGrpc.getObserveMethod());
    route("/v3/election/resign", ElectionGrpc.getResignMethod());
  }

  private GatewayRoutes() {}

  private static void route(String path, MethodDescriptor<?, ?> method) {
    ROUTES.put(path, method);
  }

  /** Whether {@code path} belongs to the gateway at all (else it is the plain HTTP mux's). */
  static boolean isGatewayPath(String path) {
    return path.startsWith("/v3/") || path.startsWith("/v3beta/");
  }

  /** The method behind a gateway path, or null. */
  static MethodDescriptor<?, ?> lookup(String path) {
    if (path.startsWith("/v3beta/")) {
      path = "/v3/" + path.substring("/v3beta/".length());
    }
    return ROUTES.get(path);
  }
}
