package io.keel.recipes;

import static io.keel.recipes.EtcdChannel.compare;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;

/**
 * Sequential keys, as ZooKeeper's sequential nodes (etcd's contrib/recipes newSequentialKV): each
 * {@link #create} makes {@code prefix/<n>} with {@code n} one more than the last key's, zero-padded
 * to 16 digits so that key order is number order.
 *
 * <p>Two clients reading the same last key would pick the same {@code n}; and a number read before
 * someone else's create-then-delete could be used twice. So every create also writes a base key,
 * {@code __prefix}, in one txn that succeeds only if the base key's mod revision is still at or
 * below the revision of the read: nobody created a sequential key since. A loser reads again.
 */
public final class Sequence {
  private final EtcdChannel etcd;
  private final String prefix;
  private final ByteString base;

  public Sequence(EtcdChannel etcd, String prefix) {
    this.etcd = etcd;
    this.prefix = prefix + "/";
    this.base = EtcdChannel.bytes("__" + prefix);
  }

  /** A created key and its number. */
  public record Created(ByteString key, long number, long revision) {}

  public Created create(ByteString value) {
    while (true) {
      RangeResponse last = etcd.kv().range(EtcdChannel.prefixRange(EtcdChannel.bytes(prefix)).setLimit(1)
          .setSortTarget(RangeRequest.SortTarget.KEY).setSortOrder(RangeRequest.SortOrder.DESCEND)
          .setKeysOnly(true).build());
      long next = last.getKvsCount() == 0 ? 0
          : Long.parseLong(EtcdChannel.string(last.getKvs(0).getKey()).substring(prefix.length())) + 1;
      ByteString key = EtcdChannel.bytes(prefix + String.format("%016d", next));
      TxnResponse r = etcd.kv().txn(TxnRequest.newBuilder()
          .addCompare(compare(base, Compare.CompareTarget.MOD, Compare.CompareResult.LESS,
              last.getHeader().getRevision() + 1))
          .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(base)))
          .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(key).setValue(value)))
          .build());
      if (r.getSucceeded()) {
        return new Created(key, next, r.getHeader().getRevision());
      }
    }
  }
}
