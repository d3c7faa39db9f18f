package io.keel.raft.internal;

import io.keel.api.kv.Compare;
import io.keel.api.kv.CompactionRequest;
import io.keel.api.kv.DeleteRangeRequest;
import io.keel.api.kv.PutRequest;
import io.keel.api.kv.RangeRequest;
import io.keel.api.kv.RequestOp;
import io.keel.api.kv.SortOrder;
import io.keel.api.kv.SortTarget;
import io.keel.api.kv.TxnRequest;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The log entry format. Every entry starts with a format byte (so the format can evolve while old
 * logs stay readable) and a tag byte naming the command; fields follow as fixed-width longs and
 * length-prefixed byte strings. Changing an existing tag's layout breaks replay of old logs:
 * add a new tag instead.
 */
public final class CommandCodec {
  static final byte FORMAT = 1;

  private static final byte PUT = 1;
  private static final byte DELETE_RANGE = 2;
  private static final byte TXN = 3;
  private static final byte COMPACT = 4;
  private static final byte LEASE_GRANT = 5;
  private static final byte LEASE_REVOKE = 6;
  private static final byte RANGE = 7; // only inside a txn
  private static final byte PUBLISH = 8;
  private static final byte MEMBER_ADD = 9;
  private static final byte MEMBER_REMOVE = 10;
  private static final byte MEMBER_PROMOTE = 11;
  private static final byte ALARM = 12;
  private static final byte LEASE_CHECKPOINT = 13;
  private static final byte MEMBER_UPDATE = 14;

  private CommandCodec() {}

  public static byte[] encode(Command command) {
    ByteWriter w = new ByteWriter(64);
    w.u8(FORMAT);
    if (command instanceof Command.Put p) {
      w.u8(PUT);
      put(w, p.request());
    } else if (command instanceof Command.DeleteRange d) {
      w.u8(DELETE_RANGE);
      deleteRange(w, d.request());
    } else if (command instanceof Command.Txn t) {
      w.u8(TXN);
      txn(w, t.request());
    } else if (command instanceof Command.Compact c) {
      w.u8(COMPACT);
      w.i64(c.request().revision());
      w.bool(c.request().physical());
    } else if (command instanceof Command.LeaseGrant g) {
      w.u8(LEASE_GRANT);
      w.i64(g.id());
      w.i64(g.ttlSeconds());
    } else if (command instanceof Command.LeaseRevoke r) {
      w.u8(LEASE_REVOKE);
      w.i64(r.id());
    } else if (command instanceof Command.MemberAdd a) {
      w.u8(MEMBER_ADD);
      w.i64(a.memberId());
      strings(w, a.peerUrls());
      w.bool(a.learner());
    } else if (command instanceof Command.MemberRemove r) {
      w.u8(MEMBER_REMOVE);
      w.i64(r.memberId());
    } else if (command instanceof Command.MemberPromote p) {
      w.u8(MEMBER_PROMOTE);
      w.i64(p.memberId());
    } else if (command instanceof Command.MemberUpdate u) {
      w.u8(MEMBER_UPDATE);
      w.i64(u.memberId());
      strings(w, u.peerUrls());
    } else if (command instanceof Command.LeaseCheckpoint c) {
      w.u8(LEASE_CHECKPOINT);
      w.i32(c.ids().length);
      for (int i = 0; i < c.ids().length; i++) {
        w.i64(c.ids()[i]);
        w.i64(c.remainingMs()[i]);
      }
    } else if (command instanceof Command.AlarmChange a) {
      w.u8(ALARM);
      w.bool(a.activate());
      w.i64(a.memberId());
      w.i32(a.type());
    } else if (command instanceof Command.Publish p) {
      w.u8(PUBLISH);
      w.i64(p.memberId());
      w.bytes(p.name().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      w.i32(p.clientUrls().size());
      for (String u : p.clientUrls()) {
        w.bytes(u.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
      w.i64(p.clusterId());
    } else {
      throw new IllegalArgumentException("unknown command " + command);
    }
    return w.toArray();
  }

  /** Decodes an entry; a malformed entry is a broken invariant of the log and throws. */
  public static Command decode(ByteBuffer data) {
    ByteBuffer b = data.duplicate();
    try {
      byte format = b.get();
      if (format != FORMAT) {
        throw new IllegalStateException("unknown log entry format " + format);
      }
      byte tag = b.get();
      Command c = switch (tag) {
        case PUT -> new Command.Put(readPut(b));
        case DELETE_RANGE -> new Command.DeleteRange(readDeleteRange(b));
        case TXN -> new Command.Txn(readTxn(b));
        case COMPACT -> new Command.Compact(new CompactionRequest(b.getLong(), b.get() != 0));
        case LEASE_GRANT -> new Command.LeaseGrant(b.getLong(), b.getLong());
        case LEASE_REVOKE -> new Command.LeaseRevoke(b.getLong());
        case PUBLISH -> readPublish(b);
        case MEMBER_ADD -> new Command.MemberAdd(b.getLong(), strings(b), b.get() != 0);
        case MEMBER_REMOVE -> new Command.MemberRemove(b.getLong());
        case MEMBER_PROMOTE -> new Command.MemberPromote(b.getLong());
        case MEMBER_UPDATE -> new Command.MemberUpdate(b.getLong(), strings(b));
        case ALARM -> new Command.AlarmChange(b.get() != 0, b.getLong(), b.getInt());
        case LEASE_CHECKPOINT -> {
          int n = count(b);
          long[] ids = new long[n];
          long[] remaining = new long[n];
          for (int i = 0; i < n; i++) {
            ids[i] = b.getLong();
            remaining[i] = b.getLong();
          }
          yield new Command.LeaseCheckpoint(ids, remaining);
        }
        default -> throw new IllegalStateException("unknown log entry tag " + tag);
      };
      if (b.hasRemaining()) {
        throw new IllegalStateException("trailing bytes in log entry tag " + tag);
      }
      return c;
    } catch (BufferUnderflowException e) {
      throw new IllegalStateException("truncated log entry", e);
    }
  }

  static void strings(ByteWriter w, List<String> list) {
    w.i32(list.size());
    for (String u : list) {
      w.bytes(u.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  static List<String> strings(ByteBuffer b) {
    int n = count(b);
    List<String> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(new String(bytes(b), java.nio.charset.StandardCharsets.UTF_8));
    }
    return out;
  }

  private static Command.Publish readPublish(ByteBuffer b) {
    long id = b.getLong();
    String name = new String(bytes(b), java.nio.charset.StandardCharsets.UTF_8);
    int n = count(b);
    List<String> urls = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      urls.add(new String(bytes(b), java.nio.charset.StandardCharsets.UTF_8));
    }
    return new Command.Publish(id, name, urls, b.getLong());
  }

  private static void put(ByteWriter w, PutRequest p) {
    w.bytes(p.key());
    w.bytes(p.value());
    w.i64(p.lease());
    w.u8((byte) ((p.prevKv() ? 1 : 0) | (p.ignoreValue() ? 2 : 0) | (p.ignoreLease() ? 4 : 0)));
  }

  private static PutRequest readPut(ByteBuffer b) {
    byte[] key = bytes(b);
    byte[] value = bytes(b);
    long lease = b.getLong();
    int flags = b.get();
    return new PutRequest(key, value, lease, (flags & 1) != 0, (flags & 2) != 0, (flags & 4) != 0);
  }

  private static void deleteRange(ByteWriter w, DeleteRangeRequest d) {
    w.bytes(d.key());
    w.bytes(d.rangeEnd());
    w.bool(d.prevKv());
  }

  private static DeleteRangeRequest readDeleteRange(ByteBuffer b) {
    return new DeleteRangeRequest(bytes(b), bytes(b), b.get() != 0);
  }

  private static void range(ByteWriter w, RangeRequest r) {
    w.bytes(r.key());
    w.bytes(r.rangeEnd());
    w.i64(r.limit());
    w.i64(r.revision());
    w.u8((byte) r.sortOrder().ordinal());
    w.u8((byte) r.sortTarget().ordinal());
    w.u8((byte) ((r.serializable() ? 1 : 0) | (r.keysOnly() ? 2 : 0) | (r.countOnly() ? 4 : 0)));
    w.i64(r.minModRevision());
    w.i64(r.maxModRevision());
    w.i64(r.minCreateRevision());
    w.i64(r.maxCreateRevision());
  }

  private static RangeRequest readRange(ByteBuffer b) {
    byte[] key = bytes(b);
    byte[] end = bytes(b);
    long limit = b.getLong();
    long revision = b.getLong();
    SortOrder order = SortOrder.values()[b.get()];
    SortTarget target = SortTarget.values()[b.get()];
    int flags = b.get();
    return new RangeRequest(key, end, limit, revision, order, target, (flags & 1) != 0, (flags & 2) != 0,
        (flags & 4) != 0, b.getLong(), b.getLong(), b.getLong(), b.getLong());
  }

  private static void txn(ByteWriter w, TxnRequest t) {
    w.i32(t.compare().size());
    for (Compare c : t.compare()) {
      w.u8((byte) c.result().ordinal());
      w.u8((byte) c.target().ordinal());
      w.bytes(c.key());
      w.bytes(c.rangeEnd());
      w.i64(c.number());
      w.bytes(c.value());
    }
    ops(w, t.success());
    ops(w, t.failure());
  }

  private static TxnRequest readTxn(ByteBuffer b) {
    int n = count(b);
    List<Compare> compares = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Compare.Result result = Compare.Result.values()[b.get()];
      Compare.Target target = Compare.Target.values()[b.get()];
      compares.add(new Compare(result, target, bytes(b), bytes(b), b.getLong(), bytes(b)));
    }
    List<RequestOp> success = readOps(b);
    List<RequestOp> failure = readOps(b);
    return new TxnRequest(compares, success, failure);
  }

  private static void ops(ByteWriter w, List<RequestOp> ops) {
    w.i32(ops.size());
    for (RequestOp op : ops) {
      if (op instanceof RangeRequest r) {
        w.u8(RANGE);
        range(w, r);
      } else if (op instanceof PutRequest p) {
        w.u8(PUT);
        put(w, p);
      } else if (op instanceof DeleteRangeRequest d) {
        w.u8(DELETE_RANGE);
        deleteRange(w, d);
      } else if (op instanceof TxnRequest t) {
        w.u8(TXN);
        txn(w, t);
      }
    }
  }

  private static List<RequestOp> readOps(ByteBuffer b) {
    int n = count(b);
    List<RequestOp> ops = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      byte tag = b.get();
      ops.add(switch (tag) {
        case RANGE -> readRange(b);
        case PUT -> readPut(b);
        case DELETE_RANGE -> readDeleteRange(b);
        case TXN -> readTxn(b);
        default -> throw new IllegalStateException("unknown txn op tag " + tag);
      });
    }
    return ops;
  }

  static int count(ByteBuffer b) {
    int n = b.getInt();
    if (n < 0 || n > b.remaining()) {
      throw new IllegalStateException("bad element count " + n);
    }
    return n;
  }

  static byte[] bytes(ByteBuffer b) {
    int n = count(b);
    byte[] out = new byte[n];
    b.get(out);
    return out;
  }
}
