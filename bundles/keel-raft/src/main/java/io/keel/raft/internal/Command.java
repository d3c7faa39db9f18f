package io.keel.raft.internal;

import io.keel.api.kv.CompactionRequest;
import io.keel.api.kv.DeleteRangeRequest;
import io.keel.api.kv.PutRequest;
import io.keel.api.kv.TxnRequest;

/**
 * One entry of the Raft log: a mutation of the store, applied by every member in log order.
 * Commands carry the client's request as decided by the proposer; everything they depend on at
 * apply time (current revision, lease table) is read from the state machine, never from clocks.
 */
public sealed interface Command {

  record Put(PutRequest request) implements Command {}

  record DeleteRange(DeleteRangeRequest request) implements Command {}

  record Txn(TxnRequest request) implements Command {}

  record Compact(CompactionRequest request) implements Command {}

  record LeaseGrant(long id, long ttlSeconds) implements Command {}

  record LeaseRevoke(long id) implements Command {}

  /** Runtime reconfiguration, as recorded in the log (the jraft configuration change follows it). */
  record MemberAdd(long memberId, java.util.List<String> peerUrls, boolean learner) implements Command {}

  record MemberRemove(long memberId) implements Command {}

  record MemberPromote(long memberId) implements Command {}

  /** A member's new peer URLs (etcd's member update); its ID stays. */
  record MemberUpdate(long memberId, java.util.List<String> peerUrls) implements Command {}

  /**
   * The leader's record of how long leases had left (ids and remaining ms, same order), so a new
   * leader continues their clocks instead of restarting them (etcd resets them to full TTL).
   */
  record LeaseCheckpoint(long[] ids, long[] remainingMs) implements Command {}

  /** Raises (activate) or clears an alarm; memberId 0 on clear means every member's. */
  record AlarmChange(boolean activate, long memberId, int type) implements Command {}

  /** A member announces its name and client URLs to the cluster (etcd's publish). */
  record Publish(long memberId, String name, java.util.List<String> clientUrls, long clusterId) implements Command {}

  /**
   * A client's request with who proposed it (etcd's RequestHeader): the auth applier checks the
   * inner command as this user, at this auth revision. The member's own commands come unwrapped.
   */
  record AsUser(String user, long authRevision, Command command) implements Command {}

  /** A write to etcd's v2 store (enable-v2), or the leader's SYNC that expires its TTL keys. */
  record V2(io.keel.api.v2.V2Request request) implements Command {}

  /** A change of the auth store (etcd's InternalRaftRequest Auth* requests); passwords come hashed. */
  sealed interface AuthChange extends Command {
    /** Whether etcd requires the root role for it (needAdminPermission). */
    default boolean needsAdmin() {
      return true;
    }
  }

  record AuthEnable() implements AuthChange {}

  record AuthDisable() implements AuthChange {}

  /** Assigns the token {@code tokenPrefix + "." + index} (the entry's index) to {@code name}. */
  record Authenticate(String name, String tokenPrefix) implements AuthChange {
    @Override
    public boolean needsAdmin() {
      return false;
    }
  }

  record UserAdd(String name, String passwordHash, boolean noPassword) implements AuthChange {
    @Override
    public String toString() {
      return "UserAdd[" + name + "]"; // never the hash
    }
  }

  record UserDelete(String name) implements AuthChange {}

  record UserChangePassword(String name, String passwordHash) implements AuthChange {
    @Override
    public String toString() {
      return "UserChangePassword[" + name + "]";
    }
  }

  record UserGrantRole(String user, String role) implements AuthChange {}

  record UserRevokeRole(String user, String role) implements AuthChange {}

  record RoleAdd(String name) implements AuthChange {}

  record RoleDelete(String name) implements AuthChange {}

  record RoleGrantPermission(String role, io.keel.api.auth.Permission permission) implements AuthChange {}

  record RoleRevokePermission(String role, byte[] key, byte[] rangeEnd) implements AuthChange {}
}
