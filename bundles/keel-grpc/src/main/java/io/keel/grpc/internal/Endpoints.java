package io.keel.grpc.internal;

import io.keel.api.Auth;
import io.keel.api.Cluster;
import io.keel.api.Kv;
import io.keel.api.Leases;
import io.keel.api.Maintenance;
import io.keel.api.Watchable;

/**
 * The member's endpoints the gRPC server serves; each service takes only the one it uses (KV,
 * Watch, Lease, Cluster, Maintenance), so an endpoint can be replaced or wrapped on its own.
 */
public record Endpoints(Kv kv, Watchable watch, Leases leases, Cluster cluster, Maintenance maintenance, Auth auth,
    io.keel.api.Health health) {

  /** One member that implements every endpoint (keel-raft's RaftNode does). */
  public static <M extends Kv & Watchable & Leases & Cluster & Maintenance & Auth & io.keel.api.Health> Endpoints of(
      M member) {
    return new Endpoints(member, member, member, member, member, member, member);
  }
}
