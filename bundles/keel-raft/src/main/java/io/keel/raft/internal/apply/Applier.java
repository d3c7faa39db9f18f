package io.keel.raft.internal.apply;

import io.keel.api.kv.CompactionRequest;
import io.keel.api.kv.CompactionResponse;
import io.keel.api.kv.DeleteRangeRequest;
import io.keel.api.kv.DeleteRangeResponse;
import io.keel.api.kv.PutRequest;
import io.keel.api.kv.PutResponse;
import io.keel.api.kv.TxnRequest;
import io.keel.api.kv.TxnResponse;
import io.keel.raft.internal.Command;

/**
 * What one committed log entry does, by kind (etcd's {@code applierV3}). Called on the FSM thread
 * only, in log order. An {@link io.keel.api.EtcdException} is the entry's deterministic answer to
 * its proposer (every member reaches the same one); any other exception is a broken invariant.
 *
 * <p>A chain is built from a base applier that changes the state and decorators (see {@link
 * WrappingApplier}) that refuse or re-answer some kinds before or after delegating:
 *
 * <pre>
 *   (auth, next issue) -> QuotaApplier -> CappedApplier -> BackendApplier (store, lessor, members)
 * </pre>
 *
 * Members and leases answer with the store revision after the entry.
 */
public interface Applier {

  PutResponse put(PutRequest request);

  DeleteRangeResponse deleteRange(DeleteRangeRequest request);

  TxnResponse txn(TxnRequest request);

  CompactionResponse compact(CompactionRequest request);

  long leaseGrant(Command.LeaseGrant grant);

  long leaseRevoke(Command.LeaseRevoke revoke);

  long leaseCheckpoint(Command.LeaseCheckpoint checkpoint);

  long alarm(Command.AlarmChange change);

  /** A change to the member table: add, remove, promote, update, or a member's publish. */
  long cluster(Command change);

  /**
   * A change of the auth store; answers the store revision, or for Authenticate the entry's index
   * (which completes the token).
   */
  long auth(Command.AuthChange change);

  /**
   * A write to etcd's v2 store, or the leader's SYNC. etcd's v3 appliers (auth, quota, capped) do
   * not see v2 requests, so the decorators pass it through.
   */
  io.keel.raft.internal.v2store.V2Outcome v2(Command.V2 request);

  /**
   * A client's request, applied as {@code user} at auth revision {@code authRevision}: the auth
   * applier checks it; the others apply it as any other.
   */
  default Object asUser(String user, long authRevision, Command command) {
    return apply(this, command);
  }

  /** etcd's chain over {@code backend}: auth, then quota, then capped (while {@code noSpace}). */
  static Applier chain(Applier backend, java.util.function.BooleanSupplier noSpace, Quota quota,
      io.keel.auth.AuthStore auth, LeaseKeys leaseKeys) {
    return new AuthApplier(new QuotaApplier(new CappedApplier(backend, noSpace), quota), auth, leaseKeys);
  }

  /** The keys attached to a lease (empty if there is no such lease), for the auth checks. */
  @FunctionalInterface
  interface LeaseKeys {
    java.util.List<byte[]> keys(long leaseId);
  }

  /** Applies {@code command} through {@code applier}, by its kind; the result goes to the proposer. */
  static Object apply(Applier applier, Command command) {
    if (command instanceof Command.AsUser u) {
      return applier.asUser(u.user(), u.authRevision(), u.command());
    } else if (command instanceof Command.AuthChange a) {
      return applier.auth(a);
    } else if (command instanceof Command.V2 v) {
      return applier.v2(v);
    } else if (command instanceof Command.Put p) {
      return applier.put(p.request());
    } else if (command instanceof Command.DeleteRange d) {
      return applier.deleteRange(d.request());
    } else if (command instanceof Command.Txn t) {
      return applier.txn(t.request());
    } else if (command instanceof Command.Compact c) {
      return applier.compact(c.request());
    } else if (command instanceof Command.LeaseGrant g) {
      return applier.leaseGrant(g);
    } else if (command instanceof Command.LeaseRevoke r) {
      return applier.leaseRevoke(r);
    } else if (command instanceof Command.LeaseCheckpoint c) {
      return applier.leaseCheckpoint(c);
    } else if (command instanceof Command.AlarmChange a) {
      return applier.alarm(a);
    } else if (command instanceof Command.MemberAdd || command instanceof Command.MemberRemove
        || command instanceof Command.MemberPromote || command instanceof Command.MemberUpdate
        || command instanceof Command.Publish) {
      return applier.cluster(command);
    }
    throw new IllegalStateException("unknown command " + command);
  }
}
