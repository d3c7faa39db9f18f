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
import java.util.ArrayList;
import java.util.List;

/** A base applier that only records what reached it, answering at revision {@link #REVISION}. */
final class RecordingApplier implements Applier {
  static final long REVISION = 42;
  final List<String> applied = new ArrayList<>();

  @Override
  public PutResponse put(PutRequest request) {
    applied.add("put");
    return new PutResponse(REVISION, null);
  }

  @Override
  public DeleteRangeResponse deleteRange(DeleteRangeRequest request) {
    applied.add("deleteRange");
    return new DeleteRangeResponse(REVISION, 0, List.of());
  }

  @Override
  public TxnResponse txn(TxnRequest request) {
    applied.add("txn");
    return new TxnResponse(REVISION, true, List.of());
  }

  @Override
  public CompactionResponse compact(CompactionRequest request) {
    applied.add("compact");
    return new CompactionResponse(REVISION);
  }

  @Override
  public long leaseGrant(Command.LeaseGrant grant) {
    applied.add("leaseGrant");
    return REVISION;
  }

  @Override
  public long leaseRevoke(Command.LeaseRevoke revoke) {
    applied.add("leaseRevoke");
    return REVISION;
  }

  @Override
  public long leaseCheckpoint(Command.LeaseCheckpoint checkpoint) {
    applied.add("leaseCheckpoint");
    return REVISION;
  }

  @Override
  public long alarm(Command.AlarmChange change) {
    applied.add("alarm");
    return REVISION;
  }

  @Override
  public long cluster(Command change) {
    applied.add("cluster");
    return REVISION;
  }

  @Override
  public long auth(Command.AuthChange change) {
    applied.add("auth");
    return REVISION;
  }

  @Override
  public io.keel.raft.internal.v2store.V2Outcome v2(Command.V2 request) {
    throw new UnsupportedOperationException("not recorded");
  }
}
