package io.keel.recipes;

import static io.keel.recipes.EtcdChannel.compare;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;
import java.time.Duration;
import java.util.List;

/**
 * A double barrier (etcd's contrib/recipes DoubleBarrier): {@code count} participants {@link
 * #enter} and all wait until the last one has come; then they work, and {@link #leave} waits until
 * all have left.
 *
 * <p>Keys: each participant puts {@code key/waiters/<lease hex>} with its lease (so a crashed one
 * disappears when its lease ends). The one that sees {@code count} waiters puts {@code key/ready};
 * the others wait for that put, watching from their own key's revision (nothing earlier can be the
 * ready put of this round). Leaving: the waiter with the lowest mod revision leaves last; it waits
 * for the highest one's key to go, then looks again; every other deletes its own key and waits for
 * the lowest's. The last one deletes {@code key/ready} too, which lets the barrier be used again.
 */
public final class DoubleBarrier {
  private final EtcdChannel etcd;
  private final ByteString waiters;
  private final ByteString ready;
  private final int count;
  private final ByteString myKey;
  private final long lease;

  /** One participant, whose key is held with {@code lease} (which the caller keeps alive and revokes). */
  public DoubleBarrier(EtcdChannel etcd, String key, int count, long lease) {
    this.etcd = etcd;
    this.waiters = EtcdChannel.bytes(key + "/waiters/");
    this.ready = EtcdChannel.bytes(key + "/ready");
    this.count = count;
    this.lease = lease;
    this.myKey = waiters.concat(EtcdChannel.bytes(Long.toHexString(lease)));
  }

  /** Enters and waits (up to {@code bound}) until all {@code count} have entered; false on timeout. */
  public boolean enter(Duration bound) throws InterruptedException {
    TxnResponse put = etcd.kv().txn(TxnRequest.newBuilder()
        .addCompare(compare(myKey, Compare.CompareTarget.VERSION, Compare.CompareResult.EQUAL, 0))
        .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(myKey).setLease(lease)))
        .build());
    if (!put.getSucceeded()) {
      throw new IllegalStateException("already entered with lease " + Long.toHexString(lease));
    }
    RangeResponse in = etcd.kv().range(EtcdChannel.prefixRange(waiters).setCountOnly(true).build());
    if (in.getCount() > count) {
      throw new IllegalStateException("too many participants: " + in.getCount() + " > " + count);
    }
    if (in.getCount() == count) {
      etcd.kv().put(PutRequest.newBuilder().setKey(ready).build());
      return true;
    }
    return etcd.awaitEvent(ready, ByteString.EMPTY, put.getHeader().getRevision(),
        e -> e.getType() == Event.EventType.PUT, bound).isPresent();
  }

  /** Leaves and waits (up to {@code bound}) until every participant has left; false on timeout. */
  public boolean leave(Duration bound) throws InterruptedException {
    long deadline = System.nanoTime() + bound.toNanos();
    while (true) {
      RangeResponse in = etcd.kv().range(EtcdChannel.prefixRange(waiters).build());
      List<KeyValue> kvs = in.getKvsList();
      if (kvs.isEmpty()) {
        return true;
      }
      KeyValue lowest = kvs.get(0);
      KeyValue highest = kvs.get(0);
      for (KeyValue kv : kvs) {
        lowest = kv.getModRevision() < lowest.getModRevision() ? kv : lowest;
        highest = kv.getModRevision() > highest.getModRevision() ? kv : highest;
      }
      if (kvs.size() == 1) { // the last one (this participant, or its key is gone already)
        etcd.kv().deleteRange(DeleteRangeRequest.newBuilder().setKey(ready).build());
        etcd.kv().deleteRange(DeleteRangeRequest.newBuilder().setKey(myKey).build());
        return true;
      }
      KeyValue awaited;
      if (lowest.getKey().equals(myKey)) {
        awaited = highest; // the lowest leaves last
      } else {
        etcd.kv().deleteRange(DeleteRangeRequest.newBuilder().setKey(myKey).build());
        awaited = lowest;
      }
      Duration left = Duration.ofNanos(deadline - System.nanoTime());
      if (left.isNegative() || etcd.awaitEvent(awaited.getKey(), ByteString.EMPTY, in.getHeader().getRevision() + 1,
          e -> e.getType() == Event.EventType.DELETE, left).isEmpty()) {
        return false;
      }
    }
  }
}
