package io.keel.recipes;

import static io.keel.recipes.EtcdChannel.compare;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.TxnRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Read-modify-write with retries, as etcd's software transactional memory (clientv3/concurrency's
 * stm.go, its repeatable-read isolation): a transaction body reads keys through {@link Tx#get}
 * (each read's mod revision is remembered; a missing key has mod revision 0) and buffers writes
 * with {@link Tx#put}. Committing is one txn: if every key read still has the mod revision it was
 * read at, apply the writes; else nothing happened, and the body runs again on fresh reads. So the
 * writes are applied only on the state the body saw: no lost update.
 */
public final class Stm {
  private final EtcdChannel etcd;

  public Stm(EtcdChannel etcd) {
    this.etcd = etcd;
  }

  /** What a transaction body sees: its reads and its buffered writes. */
  public final class Tx {
    private final Map<ByteString, Long> readAt = new LinkedHashMap<>();
    private final Map<ByteString, ByteString> writes = new LinkedHashMap<>();

    /** The key's value (this transaction's own write if it made one); the first read is remembered. */
    public Optional<ByteString> get(String key) {
      ByteString k = EtcdChannel.bytes(key);
      if (writes.containsKey(k)) {
        return Optional.of(writes.get(k));
      }
      RangeResponse r = etcd.kv().range(RangeRequest.newBuilder().setKey(k).build());
      long mod = r.getKvsCount() == 0 ? 0 : r.getKvs(0).getModRevision();
      readAt.putIfAbsent(k, mod);
      return r.getKvsCount() == 0 ? Optional.empty() : Optional.of(r.getKvs(0).getValue());
    }

    public void put(String key, ByteString value) {
      writes.put(EtcdChannel.bytes(key), value);
    }
  }

  /** The result of a committed transaction and how many times its body ran. */
  public record Committed<T>(T result, long revision, int attempts) {}

  /** Runs {@code body} until its transaction commits; {@code maxAttempts} bounds the retries. */
  public <T> Committed<T> run(Function<Tx, T> body, int maxAttempts) {
    for (int attempt = 1; attempt <= maxAttempts; attempt++) {
      Tx tx = new Tx();
      T result = body.apply(tx);
      TxnRequest.Builder txn = TxnRequest.newBuilder();
      tx.readAt.forEach((key, mod) ->
          txn.addCompare(compare(key, Compare.CompareTarget.MOD, Compare.CompareResult.EQUAL, mod)));
      tx.writes.forEach((key, value) ->
          txn.addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(key).setValue(value))));
      var committed = etcd.kv().txn(txn.build());
      if (committed.getSucceeded()) {
        return new Committed<>(result, committed.getHeader().getRevision(), attempt);
      }
    }
    throw new IllegalStateException("no commit in " + maxAttempts + " attempts");
  }
}
