package io.keel.recipes;

import static io.keel.recipes.EtcdChannel.compare;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/**
 * A distributed FIFO queue (etcd's contrib/recipes Queue). Each item is a key {@code prefix/<unique
 * id>}; its create revision is its place in the queue, since the cluster orders all writes.
 * Dequeue reads the key with the lowest create revision and deletes it only if it is unchanged
 * (a txn comparing its mod revision), so of several consumers exactly one gets each item; a loser
 * reads again. An empty queue is waited on with a watch of the prefix from the read's revision + 1.
 */
public final class Queue {
  /** A dequeued item: its value, its create revision (place in the queue) and the revision of its deletion. */
  public record Item(ByteString value, long createRevision, long takenAt) {}

  private final EtcdChannel etcd;
  private final ByteString prefix;

  public Queue(EtcdChannel etcd, String prefix) {
    this.etcd = etcd;
    this.prefix = EtcdChannel.bytes(prefix + "/");
  }

  /** Appends {@code value}; returns its create revision. The key is new: the txn puts only if it does not exist. */
  public long enqueue(ByteString value) {
    while (true) {
      ByteString key = prefix.concat(EtcdChannel.bytes(UUID.randomUUID().toString()));
      TxnResponse r = etcd.kv().txn(TxnRequest.newBuilder()
          .addCompare(compare(key, Compare.CompareTarget.VERSION, Compare.CompareResult.EQUAL, 0))
          .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(key).setValue(value)))
          .build());
      if (r.getSucceeded()) {
        return r.getHeader().getRevision();
      }
    }
  }

  /** Takes the oldest item, waiting up to {@code bound} for one; empty if none came. */
  public Optional<Item> dequeue(Duration bound) throws InterruptedException {
    long deadline = System.nanoTime() + bound.toNanos();
    while (true) {
      RangeResponse first = etcd.kv().range(EtcdChannel.prefixRange(prefix).setLimit(1)
          .setSortTarget(RangeRequest.SortTarget.CREATE).setSortOrder(RangeRequest.SortOrder.ASCEND).build());
      if (first.getKvsCount() > 0) {
        Optional<Item> taken = claim(first.getKvs(0));
        if (taken.isPresent()) {
          return taken;
        }
        continue; // another consumer took it: read again
      }
      Duration left = Duration.ofNanos(deadline - System.nanoTime());
      if (left.isNegative()) {
        return Optional.empty();
      }
      Optional<Event> put = etcd.awaitEvent(prefix, EtcdChannel.prefixEnd(prefix), first.getHeader().getRevision() + 1,
          e -> e.getType() == Event.EventType.PUT, left);
      if (put.isEmpty()) {
        return Optional.empty();
      }
      // an item arrived: read again, since an older one may have come too
    }
  }

  /** Deletes {@code kv} if nobody changed or took it since it was read. */
  private Optional<Item> claim(KeyValue kv) {
    TxnResponse r = etcd.kv().txn(TxnRequest.newBuilder()
        .addCompare(compare(kv.getKey(), Compare.CompareTarget.MOD, Compare.CompareResult.EQUAL, kv.getModRevision()))
        .addSuccess(RequestOp.newBuilder().setRequestDeleteRange(DeleteRangeRequest.newBuilder().setKey(kv.getKey())))
        .build());
    return r.getSucceeded() ? Optional.of(new Item(kv.getValue(), kv.getCreateRevision(), r.getHeader().getRevision()))
        : Optional.empty();
  }
}
