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
import java.util.List;

/**
 * Reads log entries of format 1, the hand-written layout Keel wrote before its entries became
 * protobuf messages ({@link CommandCodec}); read-only, so that a log (or a follower's catch-up)
 * holding entries written by an older build still replays. After the format byte 1, a tag byte
 * names the command; fields follow as big-endian fixed-width longs and ints, and byte strings
 * prefixed with an int length. Never change it: it describes data already on disk.
 */
final class LegacyCommandCodec {
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

  private LegacyCommandCodec() {}

  /** Decodes a format-1 entry; a malformed entry is a broken invariant of the log and throws. */
  static Command decode(ByteBuffer data) {
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

  private static List<String> strings(ByteBuffer b) {
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

  private static PutRequest readPut(ByteBuffer b) {
    byte[] key = bytes(b);
    byte[] value = bytes(b);
    long lease = b.getLong();
    int flags = b.get();
    return new PutRequest(key, value, lease, (flags & 1) != 0, (flags & 2) != 0, (flags & 4) != 0);
  }

  private static DeleteRangeRequest readDeleteRange(ByteBuffer b) {
    return new DeleteRangeRequest(bytes(b), bytes(b), b.get() != 0);
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

  private static int count(ByteBuffer b) {
    int n = b.getInt();
    if (n < 0 || n > b.remaining()) {
      throw new IllegalStateException("bad element count " + n);
    }
    return n;
  }

  private static byte[] bytes(ByteBuffer b) {
    int n = count(b);
    byte[] out = new byte[n];
    b.get(out);
    return out;
  }
}
