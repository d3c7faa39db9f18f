package io.keel.raft.internal;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.keel.api.kv.CompactionRequest;
import io.keel.api.kv.CompactionResponse;
import io.keel.api.kv.Compare;
import io.keel.api.kv.DeleteRangeRequest;
import io.keel.api.kv.DeleteRangeResponse;
import io.keel.api.kv.KeyValue;
import io.keel.api.kv.PutRequest;
import io.keel.api.kv.PutResponse;
import io.keel.api.kv.RangeRequest;
import io.keel.api.kv.RangeResponse;
import io.keel.api.kv.RequestOp;
import io.keel.api.kv.ResponseOp;
import io.keel.api.kv.SortOrder;
import io.keel.api.kv.SortTarget;
import io.keel.api.kv.TxnRequest;
import io.keel.api.kv.TxnResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * keel-api's KV requests and responses to and from their messages in {@code internal.proto}, one
 * method per direction and type. Byte arrays are wrapped, not copied, on the way out (the caller
 * serializes the message at once and never changes them); on the way in each field is copied
 * once, out of the (possibly aliased) input buffer. Enums map by number: keel-api's enums keep
 * etcd's ordinals, and so do the .proto enums.
 */
final class KvMessages {
  private KvMessages() {}

  static ByteString wrap(byte[] bytes) {
    return bytes.length == 0 ? ByteString.EMPTY : UnsafeByteOperations.unsafeWrap(bytes);
  }

  // ---------------------------------------------------------------- requests

  static io.keel.raft.internal.proto.PutRequest put(PutRequest p) {
    return io.keel.raft.internal.proto.PutRequest.newBuilder().setKey(wrap(p.key())).setValue(wrap(p.value()))
        .setLease(p.lease()).setPrevKv(p.prevKv()).setIgnoreValue(p.ignoreValue()).setIgnoreLease(p.ignoreLease())
        .build();
  }

  static PutRequest put(io.keel.raft.internal.proto.PutRequest p) {
    return new PutRequest(p.getKey().toByteArray(), p.getValue().toByteArray(), p.getLease(), p.getPrevKv(),
        p.getIgnoreValue(), p.getIgnoreLease());
  }

  static io.keel.raft.internal.proto.DeleteRangeRequest deleteRange(DeleteRangeRequest d) {
    return io.keel.raft.internal.proto.DeleteRangeRequest.newBuilder().setKey(wrap(d.key()))
        .setRangeEnd(wrap(d.rangeEnd())).setPrevKv(d.prevKv()).build();
  }

  static DeleteRangeRequest deleteRange(io.keel.raft.internal.proto.DeleteRangeRequest d) {
    return new DeleteRangeRequest(d.getKey().toByteArray(), d.getRangeEnd().toByteArray(), d.getPrevKv());
  }

  static io.keel.raft.internal.proto.RangeRequest range(RangeRequest r) {
    return io.keel.raft.internal.proto.RangeRequest.newBuilder().setKey(wrap(r.key())).setRangeEnd(wrap(r.rangeEnd()))
        .setLimit(r.limit()).setRevision(r.revision())
        .setSortOrderValue(r.sortOrder().ordinal()).setSortTargetValue(r.sortTarget().ordinal())
        .setSerializable(r.serializable()).setKeysOnly(r.keysOnly()).setCountOnly(r.countOnly())
        .setMinModRevision(r.minModRevision()).setMaxModRevision(r.maxModRevision())
        .setMinCreateRevision(r.minCreateRevision()).setMaxCreateRevision(r.maxCreateRevision()).build();
  }

  static RangeRequest range(io.keel.raft.internal.proto.RangeRequest r) {
    return new RangeRequest(r.getKey().toByteArray(), r.getRangeEnd().toByteArray(), r.getLimit(), r.getRevision(),
        constant(SortOrder.values(), r.getSortOrderValue(), "sort order"),
        constant(SortTarget.values(), r.getSortTargetValue(), "sort target"),
        r.getSerializable(), r.getKeysOnly(), r.getCountOnly(), r.getMinModRevision(), r.getMaxModRevision(),
        r.getMinCreateRevision(), r.getMaxCreateRevision());
  }

  static io.keel.raft.internal.proto.TxnRequest txn(TxnRequest t) {
    io.keel.raft.internal.proto.TxnRequest.Builder b = io.keel.raft.internal.proto.TxnRequest.newBuilder();
    for (Compare c : t.compare()) {
      b.addCompare(io.keel.raft.internal.proto.Compare.newBuilder().setResultValue(c.result().ordinal())
          .setTargetValue(c.target().ordinal()).setKey(wrap(c.key())).setRangeEnd(wrap(c.rangeEnd()))
          .setNumber(c.number()).setValue(wrap(c.value())));
    }
    t.success().forEach(op -> b.addSuccess(requestOp(op)));
    t.failure().forEach(op -> b.addFailure(requestOp(op)));
    return b.build();
  }

  static TxnRequest txn(io.keel.raft.internal.proto.TxnRequest t) {
    List<Compare> compares = new ArrayList<>(t.getCompareCount());
    for (io.keel.raft.internal.proto.Compare c : t.getCompareList()) {
      compares.add(new Compare(constant(Compare.Result.values(), c.getResultValue(), "compare result"),
          constant(Compare.Target.values(), c.getTargetValue(), "compare target"), c.getKey().toByteArray(),
          c.getRangeEnd().toByteArray(), c.getNumber(), c.getValue().toByteArray()));
    }
    return new TxnRequest(compares, requestOps(t.getSuccessList()), requestOps(t.getFailureList()));
  }

  private static io.keel.raft.internal.proto.RequestOp requestOp(RequestOp op) {
    io.keel.raft.internal.proto.RequestOp.Builder b = io.keel.raft.internal.proto.RequestOp.newBuilder();
    if (op instanceof RangeRequest r) {
      b.setRequestRange(range(r));
    } else if (op instanceof PutRequest p) {
      b.setRequestPut(put(p));
    } else if (op instanceof DeleteRangeRequest d) {
      b.setRequestDeleteRange(deleteRange(d));
    } else if (op instanceof TxnRequest t) {
      b.setRequestTxn(txn(t));
    } else {
      throw new IllegalArgumentException("unknown txn op " + op);
    }
    return b.build();
  }

  private static List<RequestOp> requestOps(List<io.keel.raft.internal.proto.RequestOp> ops) {
    List<RequestOp> out = new ArrayList<>(ops.size());
    for (io.keel.raft.internal.proto.RequestOp op : ops) {
      out.add(switch (op.getRequestCase()) {
        case REQUEST_RANGE -> range(op.getRequestRange());
        case REQUEST_PUT -> put(op.getRequestPut());
        case REQUEST_DELETE_RANGE -> deleteRange(op.getRequestDeleteRange());
        case REQUEST_TXN -> txn(op.getRequestTxn());
        case REQUEST_NOT_SET -> throw new IllegalStateException("txn op with no request");
      });
    }
    return out;
  }

  static io.keel.raft.internal.proto.CompactionRequest compaction(CompactionRequest c) {
    return io.keel.raft.internal.proto.CompactionRequest.newBuilder().setRevision(c.revision())
        .setPhysical(c.physical()).build();
  }

  static CompactionRequest compaction(io.keel.raft.internal.proto.CompactionRequest c) {
    return new CompactionRequest(c.getRevision(), c.getPhysical());
  }

  // ---------------------------------------------------------------- responses

  static io.keel.raft.internal.proto.KeyValue kv(KeyValue kv) {
    return io.keel.raft.internal.proto.KeyValue.newBuilder().setKey(wrap(kv.key()))
        .setCreateRevision(kv.createRevision()).setModRevision(kv.modRevision()).setVersion(kv.version())
        .setValue(wrap(kv.value())).setLease(kv.lease()).build();
  }

  static KeyValue kv(io.keel.raft.internal.proto.KeyValue kv) {
    return new KeyValue(kv.getKey().toByteArray(), kv.getCreateRevision(), kv.getModRevision(), kv.getVersion(),
        kv.getValue().toByteArray(), kv.getLease());
  }

  private static List<KeyValue> kvs(List<io.keel.raft.internal.proto.KeyValue> kvs) {
    List<KeyValue> out = new ArrayList<>(kvs.size());
    kvs.forEach(kv -> out.add(kv(kv)));
    return out;
  }

  static io.keel.raft.internal.proto.PutResponse put(PutResponse p) {
    io.keel.raft.internal.proto.PutResponse.Builder b =
        io.keel.raft.internal.proto.PutResponse.newBuilder().setRevision(p.revision());
    if (p.prevKv() != null) {
      b.setPrevKv(kv(p.prevKv()));
    }
    return b.build();
  }

  static PutResponse put(io.keel.raft.internal.proto.PutResponse p) {
    return new PutResponse(p.getRevision(), p.hasPrevKv() ? kv(p.getPrevKv()) : null);
  }

  static io.keel.raft.internal.proto.DeleteRangeResponse deleteRange(DeleteRangeResponse d) {
    io.keel.raft.internal.proto.DeleteRangeResponse.Builder b = io.keel.raft.internal.proto.DeleteRangeResponse
        .newBuilder().setRevision(d.revision()).setDeleted(d.deleted());
    d.prevKvs().forEach(kv -> b.addPrevKvs(kv(kv)));
    return b.build();
  }

  static DeleteRangeResponse deleteRange(io.keel.raft.internal.proto.DeleteRangeResponse d) {
    return new DeleteRangeResponse(d.getRevision(), d.getDeleted(), kvs(d.getPrevKvsList()));
  }

  static io.keel.raft.internal.proto.RangeResponse range(RangeResponse r) {
    io.keel.raft.internal.proto.RangeResponse.Builder b = io.keel.raft.internal.proto.RangeResponse.newBuilder()
        .setRevision(r.revision()).setMore(r.more()).setCount(r.count());
    r.kvs().forEach(kv -> b.addKvs(kv(kv)));
    return b.build();
  }

  static RangeResponse range(io.keel.raft.internal.proto.RangeResponse r) {
    return new RangeResponse(r.getRevision(), kvs(r.getKvsList()), r.getMore(), r.getCount());
  }

  static io.keel.raft.internal.proto.TxnResponse txn(TxnResponse t) {
    io.keel.raft.internal.proto.TxnResponse.Builder b = io.keel.raft.internal.proto.TxnResponse.newBuilder()
        .setRevision(t.revision()).setSucceeded(t.succeeded());
    for (ResponseOp op : t.responses()) {
      io.keel.raft.internal.proto.ResponseOp.Builder o = io.keel.raft.internal.proto.ResponseOp.newBuilder();
      if (op instanceof RangeResponse r) {
        o.setResponseRange(range(r));
      } else if (op instanceof PutResponse p) {
        o.setResponsePut(put(p));
      } else if (op instanceof DeleteRangeResponse d) {
        o.setResponseDeleteRange(deleteRange(d));
      } else if (op instanceof TxnResponse inner) {
        o.setResponseTxn(txn(inner));
      } else {
        throw new IllegalArgumentException("unknown txn response " + op);
      }
      b.addResponses(o);
    }
    return b.build();
  }

  static TxnResponse txn(io.keel.raft.internal.proto.TxnResponse t) {
    List<ResponseOp> ops = new ArrayList<>(t.getResponsesCount());
    for (io.keel.raft.internal.proto.ResponseOp op : t.getResponsesList()) {
      ops.add(switch (op.getResponseCase()) {
        case RESPONSE_RANGE -> range(op.getResponseRange());
        case RESPONSE_PUT -> put(op.getResponsePut());
        case RESPONSE_DELETE_RANGE -> deleteRange(op.getResponseDeleteRange());
        case RESPONSE_TXN -> txn(op.getResponseTxn());
        case RESPONSE_NOT_SET -> throw new IllegalStateException("txn response with no result");
      });
    }
    return new TxnResponse(t.getRevision(), t.getSucceeded(), ops);
  }

  static io.keel.raft.internal.proto.CompactionResponse compaction(CompactionResponse c) {
    return io.keel.raft.internal.proto.CompactionResponse.newBuilder().setRevision(c.revision()).build();
  }

  static CompactionResponse compaction(io.keel.raft.internal.proto.CompactionResponse c) {
    return new CompactionResponse(c.getRevision());
  }

  /** The enum constant with ordinal {@code number}; a number out of range is a corrupt message. */
  static <E extends Enum<E>> E constant(E[] values, int number, String what) {
    if (number < 0 || number >= values.length) {
      throw new IllegalStateException("unknown " + what + " " + number);
    }
    return values[number];
  }
}
