package io.keel.grpc.internal;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.DeleteRangeResponse;
import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.PutResponse;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.ResponseHeader;
import io.etcd.jetcd.api.ResponseOp;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;
import io.keel.api.kv.SortOrder;
import io.keel.api.kv.SortTarget;
import java.util.ArrayList;
import java.util.List;

/**
 * Maps etcd's protobuf KV messages to keel-api's model and back. Unknown enum values (a newer
 * client) fall back to etcd's defaults rather than failing, as etcd's Go server does.
 */
final class ProtoKv {
  private ProtoKv() {}

  // ---------------------------------------------------------------- requests

  static io.keel.api.kv.RangeRequest range(RangeRequest r) {
    return new io.keel.api.kv.RangeRequest(r.getKey().toByteArray(), r.getRangeEnd().toByteArray(), r.getLimit(),
        r.getRevision(), sortOrder(r.getSortOrderValue()), sortTarget(r.getSortTargetValue()), r.getSerializable(),
        r.getKeysOnly(), r.getCountOnly(), r.getMinModRevision(), r.getMaxModRevision(), r.getMinCreateRevision(),
        r.getMaxCreateRevision());
  }

  static io.keel.api.kv.PutRequest put(PutRequest r) {
    return new io.keel.api.kv.PutRequest(r.getKey().toByteArray(), r.getValue().toByteArray(), r.getLease(),
        r.getPrevKv(), r.getIgnoreValue(), r.getIgnoreLease());
  }

  static io.keel.api.kv.DeleteRangeRequest deleteRange(DeleteRangeRequest r) {
    return new io.keel.api.kv.DeleteRangeRequest(r.getKey().toByteArray(), r.getRangeEnd().toByteArray(),
        r.getPrevKv());
  }

  static io.keel.api.kv.TxnRequest txn(TxnRequest r) {
    List<io.keel.api.kv.Compare> compares = new ArrayList<>(r.getCompareCount());
    for (Compare c : r.getCompareList()) {
      compares.add(compare(c));
    }
    return new io.keel.api.kv.TxnRequest(compares, ops(r.getSuccessList()), ops(r.getFailureList()));
  }

  private static io.keel.api.kv.Compare compare(Compare c) {
    io.keel.api.kv.Compare.Result result = switch (c.getResultValue()) {
      case 1 -> io.keel.api.kv.Compare.Result.GREATER;
      case 2 -> io.keel.api.kv.Compare.Result.LESS;
      case 3 -> io.keel.api.kv.Compare.Result.NOT_EQUAL;
      default -> io.keel.api.kv.Compare.Result.EQUAL;
    };
    io.keel.api.kv.Compare.Target target = switch (c.getTargetValue()) {
      case 1 -> io.keel.api.kv.Compare.Target.CREATE;
      case 2 -> io.keel.api.kv.Compare.Target.MOD;
      case 3 -> io.keel.api.kv.Compare.Target.VALUE;
      case 4 -> io.keel.api.kv.Compare.Target.LEASE;
      default -> io.keel.api.kv.Compare.Target.VERSION;
    };
    long number = switch (c.getTargetUnionCase()) {
      case VERSION -> c.getVersion();
      case CREATE_REVISION -> c.getCreateRevision();
      case MOD_REVISION -> c.getModRevision();
      case LEASE -> c.getLease();
      default -> 0;
    };
    byte[] value = c.getTargetUnionCase() == Compare.TargetUnionCase.VALUE ? c.getValue().toByteArray()
        : io.keel.api.kv.Bytes.EMPTY;
    return new io.keel.api.kv.Compare(result, target, c.getKey().toByteArray(), c.getRangeEnd().toByteArray(),
        number, value);
  }

  private static List<io.keel.api.kv.RequestOp> ops(List<RequestOp> ops) {
    List<io.keel.api.kv.RequestOp> out = new ArrayList<>(ops.size());
    for (RequestOp op : ops) {
      out.add(switch (op.getRequestCase()) {
        case REQUEST_RANGE -> range(op.getRequestRange());
        case REQUEST_PUT -> put(op.getRequestPut());
        case REQUEST_DELETE_RANGE -> deleteRange(op.getRequestDeleteRange());
        case REQUEST_TXN -> txn(op.getRequestTxn());
        // etcd treats an empty op as an empty range, which its checks reject as an empty key
        default -> io.keel.api.kv.RangeRequest.of(io.keel.api.kv.Bytes.EMPTY, io.keel.api.kv.Bytes.EMPTY);
      });
    }
    return out;
  }

  private static SortOrder sortOrder(int v) {
    return v >= 0 && v < SortOrder.values().length ? SortOrder.values()[v] : SortOrder.NONE;
  }

  private static SortTarget sortTarget(int v) {
    return v >= 0 && v < SortTarget.values().length ? SortTarget.values()[v] : SortTarget.KEY;
  }

  // ---------------------------------------------------------------- responses

  static ResponseHeader header(io.keel.api.ResponseHeader h) {
    return ResponseHeader.newBuilder().setClusterId(h.clusterId()).setMemberId(h.memberId())
        .setRevision(h.revision()).setRaftTerm(h.raftTerm()).build();
  }

  /** The header etcd puts on operations inside a txn: the revision alone. */
  private static ResponseHeader innerHeader(long revision) {
    return ResponseHeader.newBuilder().setRevision(revision).build();
  }

  static KeyValue kv(io.keel.api.kv.KeyValue kv) {
    return KeyValue.newBuilder().setKey(ByteString.copyFrom(kv.key())).setCreateRevision(kv.createRevision())
        .setModRevision(kv.modRevision()).setVersion(kv.version()).setValue(ByteString.copyFrom(kv.value()))
        .setLease(kv.lease()).build();
  }

  static RangeResponse range(io.keel.api.kv.RangeResponse r, ResponseHeader header) {
    RangeResponse.Builder b = RangeResponse.newBuilder().setHeader(header).setMore(r.more()).setCount(r.count());
    for (io.keel.api.kv.KeyValue kv : r.kvs()) {
      b.addKvs(kv(kv));
    }
    return b.build();
  }

  static PutResponse put(io.keel.api.kv.PutResponse r, ResponseHeader header) {
    PutResponse.Builder b = PutResponse.newBuilder().setHeader(header);
    if (r.prevKv() != null) {
      b.setPrevKv(kv(r.prevKv()));
    }
    return b.build();
  }

  static DeleteRangeResponse deleteRange(io.keel.api.kv.DeleteRangeResponse r, ResponseHeader header) {
    DeleteRangeResponse.Builder b = DeleteRangeResponse.newBuilder().setHeader(header).setDeleted(r.deleted());
    for (io.keel.api.kv.KeyValue kv : r.prevKvs()) {
      b.addPrevKvs(kv(kv));
    }
    return b.build();
  }

  static TxnResponse txn(io.keel.api.kv.TxnResponse r, ResponseHeader header) {
    TxnResponse.Builder b = TxnResponse.newBuilder().setHeader(header).setSucceeded(r.succeeded());
    for (io.keel.api.kv.ResponseOp op : r.responses()) {
      ResponseHeader inner = innerHeader(op.revision());
      ResponseOp.Builder rb = ResponseOp.newBuilder();
      if (op instanceof io.keel.api.kv.RangeResponse rr) {
        rb.setResponseRange(range(rr, inner));
      } else if (op instanceof io.keel.api.kv.PutResponse pr) {
        rb.setResponsePut(put(pr, inner));
      } else if (op instanceof io.keel.api.kv.DeleteRangeResponse dr) {
        rb.setResponseDeleteRange(deleteRange(dr, inner));
      } else if (op instanceof io.keel.api.kv.TxnResponse tr) {
        rb.setResponseTxn(txn(tr, inner));
      }
      b.addResponses(rb.build());
    }
    return b.build();
  }
}
