package io.keel.mvcc.internal;

import io.keel.api.EtcdError;
import io.keel.api.kv.Bytes;
import io.keel.api.kv.DeleteRangeRequest;
import io.keel.api.kv.PutRequest;
import io.keel.api.kv.RequestOp;
import io.keel.api.kv.TxnRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * etcd 3.4's {@code checkIntervals}: within one branch of a txn no key may be written twice, where
 * "written" is put or deleted, nested txns included. Per branch:
 * <ul>
 *   <li>a put may not repeat another put of the branch, nor fall in one of its deletes;</li>
 *   <li>a nested txn's puts (both of its branches) join the parent's: a nested success put may not
 *       repeat an earlier one, a nested failure put may repeat only its own success branch's (the
 *       two never both run), and neither may fall in the parent's deletes;</li>
 *   <li>a nested txn's deletes join the parent's after its puts were checked, so they constrain
 *       later siblings and the parent's own puts (checked last), not earlier siblings.</li>
 * </ul>
 * Deletes are etcd's string intervals: [key, rangeEnd), or the point key when rangeEnd is empty.
 * rangeEnd is taken literally, as etcd does here: {@code {0}} is the smallest key, not "to the
 * end", so a from-key delete ({@code --from-key}, rangeEnd {@code {0}}) conflicts with no put.
 */
public final class TxnIntervals {
  private record Interval(byte[] begin, byte[] end) {
    boolean contains(byte[] key) {
      return Bytes.compare(begin, key) <= 0 && Bytes.compare(key, end) < 0;
    }
  }

  private record Writes(NavigableSet<byte[]> puts, List<Interval> deletes) {}

  private TxnIntervals() {}

  /** DUPLICATE_KEY if {@code ops} (one branch) writes a key twice. */
  public static void check(List<RequestOp> ops) {
    collect(ops);
  }

  private static Writes collect(List<RequestOp> ops) {
    List<Interval> deletes = new ArrayList<>();
    for (RequestOp op : ops) {
      if (op instanceof DeleteRangeRequest d) {
        deletes.add(d.rangeEnd() != null && d.rangeEnd().length > 0
            ? new Interval(d.key(), d.rangeEnd())
            : new Interval(d.key(), pointEnd(d.key())));
      }
    }
    NavigableSet<byte[]> puts = new TreeSet<>(Arrays::compareUnsigned);
    for (RequestOp op : ops) {
      if (!(op instanceof TxnRequest t)) {
        continue;
      }
      Writes then = collect(t.success());
      Writes otherwise = collect(t.failure());
      for (byte[] k : then.puts()) {
        if (puts.contains(k) || inAny(deletes, k)) {
          throw EtcdError.DUPLICATE_KEY.exception();
        }
        puts.add(k);
      }
      for (byte[] k : otherwise.puts()) {
        if ((puts.contains(k) && !then.puts().contains(k)) || inAny(deletes, k)) {
          throw EtcdError.DUPLICATE_KEY.exception();
        }
        puts.add(k);
      }
      deletes.addAll(then.deletes());
      deletes.addAll(otherwise.deletes());
    }
    for (RequestOp op : ops) {
      if (op instanceof PutRequest p) {
        if (puts.contains(p.key()) || inAny(deletes, p.key())) {
          throw EtcdError.DUPLICATE_KEY.exception();
        }
        puts.add(p.key());
      }
    }
    return new Writes(puts, deletes);
  }

  /** The end of the point interval [key, key + "\0"): exactly the key. */
  private static byte[] pointEnd(byte[] key) {
    return Arrays.copyOf(key, key.length + 1);
  }

  private static boolean inAny(List<Interval> deletes, byte[] key) {
    for (Interval d : deletes) {
      if (d.contains(key)) {
        return true;
      }
    }
    return false;
  }
}
