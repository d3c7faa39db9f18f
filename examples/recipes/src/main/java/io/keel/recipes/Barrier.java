package io.keel.recipes;

import static io.keel.recipes.EtcdChannel.compare;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.TxnRequest;
import java.time.Duration;

/**
 * A barrier (etcd's contrib/recipes Barrier): while the key exists, every {@link #await} blocks;
 * deleting it releases them all. A waiter reads the key and, if it is there, watches it from the
 * read's revision + 1 for its deletion, so a release between the read and the watch is not missed.
 */
public final class Barrier {
  private final EtcdChannel etcd;
  private final ByteString key;

  public Barrier(EtcdChannel etcd, String key) {
    this.etcd = etcd;
    this.key = EtcdChannel.bytes(key);
  }

  /** Raises the barrier; false if it was already up (the put is a txn that creates only). */
  public boolean hold() {
    return etcd.kv().txn(TxnRequest.newBuilder()
        .addCompare(compare(key, Compare.CompareTarget.VERSION, Compare.CompareResult.EQUAL, 0))
        .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(key))).build()).getSucceeded();
  }

  /** Lowers the barrier: every waiter goes on. */
  public void release() {
    etcd.kv().deleteRange(DeleteRangeRequest.newBuilder().setKey(key).build());
  }

  /** Blocks while the barrier is up, up to {@code bound}; true once it is down. */
  public boolean await(Duration bound) throws InterruptedException {
    RangeResponse r = etcd.kv().range(RangeRequest.newBuilder().setKey(key).build());
    if (r.getKvsCount() == 0) {
      return true;
    }
    return etcd.awaitEvent(key, ByteString.EMPTY, r.getHeader().getRevision() + 1,
        e -> e.getType() == Event.EventType.DELETE, bound).isPresent();
  }
}
