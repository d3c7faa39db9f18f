package io.keel.raft.internal;

import io.keel.api.EtcdError;
import io.keel.api.EtcdException;
import io.keel.api.kv.CompactionResponse;
import io.keel.api.kv.DeleteRangeResponse;
import io.keel.api.kv.KeyValue;
import io.keel.api.kv.PutResponse;
import io.keel.api.kv.RangeResponse;
import io.keel.api.kv.ResponseOp;
import io.keel.api.kv.TxnResponse;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Results of applied commands (and etcd errors) as bytes, for answering a forwarded request:
 * a status byte (0 = result, 1 = etcd error by name), then the result by tag.
 */
final class ResultCodec {
  private static final byte OK = 0;
  private static final byte ERROR = 1;
  private static final byte LONG = 1;
  private static final byte PUT = 2;
  private static final byte DELETE = 3;
  private static final byte TXN = 4;
  private static final byte COMPACT = 5;
  private static final byte RANGE = 6;
  private static final byte MEMBER_CHANGE = 7;
  private static final byte CLUSTER_VIEW = 8;

  private ResultCodec() {}

  static byte[] error(EtcdError e) {
    ByteWriter w = new ByteWriter(64);
    w.u8(ERROR);
    w.bytes(e.name().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return w.toArray();
  }

  static byte[] encode(Object result) {
    ByteWriter w = new ByteWriter(64);
    w.u8(OK);
    write(w, result);
    return w.toArray();
  }

  /** The result, or throws the etcd error it carries. */
  static Object decode(byte[] data) {
    ByteBuffer b = ByteBuffer.wrap(data);
    if (b.get() == ERROR) {
      String name = new String(CommandCodec.bytes(b), java.nio.charset.StandardCharsets.UTF_8);
      throw new EtcdException(EtcdError.valueOf(name));
    }
    return read(b);
  }

  private static void write(ByteWriter w, Object r) {
    if (r instanceof Long l) {
      w.u8(LONG);
      w.i64(l);
    } else if (r instanceof PutResponse p) {
      w.u8(PUT);
      w.i64(p.revision());
      optionalKv(w, p.prevKv());
    } else if (r instanceof DeleteRangeResponse d) {
      w.u8(DELETE);
      w.i64(d.revision());
      w.i64(d.deleted());
      kvs(w, d.prevKvs());
    } else if (r instanceof TxnResponse t) {
      w.u8(TXN);
      w.i64(t.revision());
      w.bool(t.succeeded());
      w.i32(t.responses().size());
      for (ResponseOp op : t.responses()) {
        write(w, op);
      }
    } else if (r instanceof CompactionResponse c) {
      w.u8(COMPACT);
      w.i64(c.revision());
    } else if (r instanceof RangeResponse rr) {
      w.u8(RANGE);
      w.i64(rr.revision());
      kvs(w, rr.kvs());
      w.bool(rr.more());
      w.i64(rr.count());
    } else if (r instanceof io.keel.api.MemberChange c) {
      w.u8(MEMBER_CHANGE);
      w.bool(c.member() != null);
      if (c.member() != null) {
        member(w, c.member());
      }
      w.i32(c.members().size());
      for (io.keel.api.Member m : c.members()) {
        member(w, m);
      }
    } else if (r instanceof ClusterView v) {
      w.u8(CLUSTER_VIEW);
      w.i64(v.clusterId());
      w.i32(v.members().size());
      for (io.keel.api.Member m : v.members()) {
        member(w, m);
      }
    } else {
      throw new IllegalArgumentException("cannot encode result " + r);
    }
  }

  private static Object read(ByteBuffer b) {
    byte tag = b.get();
    return switch (tag) {
      case LONG -> b.getLong();
      case PUT -> new PutResponse(b.getLong(), optionalKv(b));
      case DELETE -> new DeleteRangeResponse(b.getLong(), b.getLong(), kvs(b));
      case TXN -> {
        long rev = b.getLong();
        boolean ok = b.get() != 0;
        int n = CommandCodec.count(b);
        List<ResponseOp> ops = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          ops.add((ResponseOp) read(b));
        }
        yield new TxnResponse(rev, ok, ops);
      }
      case COMPACT -> new CompactionResponse(b.getLong());
      case RANGE -> new RangeResponse(b.getLong(), kvs(b), b.get() != 0, b.getLong());
      case CLUSTER_VIEW -> {
        long clusterId = b.getLong();
        int n = CommandCodec.count(b);
        List<io.keel.api.Member> members = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          members.add(member(b));
        }
        yield new ClusterView(clusterId, members);
      }
      case MEMBER_CHANGE -> {
        io.keel.api.Member concerned = b.get() != 0 ? member(b) : null;
        int n = CommandCodec.count(b);
        List<io.keel.api.Member> members = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          members.add(member(b));
        }
        yield new io.keel.api.MemberChange(concerned, members);
      }
      default -> throw new IllegalStateException("unknown result tag " + tag);
    };
  }

  private static void optionalKv(ByteWriter w, KeyValue kv) {
    w.bool(kv != null);
    if (kv != null) {
      kv(w, kv);
    }
  }

  private static KeyValue optionalKv(ByteBuffer b) {
    return b.get() != 0 ? kv(b) : null;
  }

  private static void kvs(ByteWriter w, List<KeyValue> kvs) {
    w.i32(kvs.size());
    for (KeyValue kv : kvs) {
      kv(w, kv);
    }
  }

  private static List<KeyValue> kvs(ByteBuffer b) {
    int n = CommandCodec.count(b);
    List<KeyValue> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(kv(b));
    }
    return out;
  }

  private static void kv(ByteWriter w, KeyValue kv) {
    w.bytes(kv.key());
    w.i64(kv.createRevision());
    w.i64(kv.modRevision());
    w.i64(kv.version());
    w.bytes(kv.value());
    w.i64(kv.lease());
  }

  private static KeyValue kv(ByteBuffer b) {
    return new KeyValue(CommandCodec.bytes(b), b.getLong(), b.getLong(), b.getLong(), CommandCodec.bytes(b),
        b.getLong());
  }

  private static void member(ByteWriter w, io.keel.api.Member m) {
    w.i64(m.id());
    w.bytes(m.name().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    CommandCodec.strings(w, m.peerUrls());
    CommandCodec.strings(w, m.clientUrls());
    w.bool(m.isLearner());
  }

  private static io.keel.api.Member member(ByteBuffer b) {
    return new io.keel.api.Member(b.getLong(), new String(CommandCodec.bytes(b), java.nio.charset.StandardCharsets.UTF_8),
        CommandCodec.strings(b), CommandCodec.strings(b), b.get() != 0);
  }
}
