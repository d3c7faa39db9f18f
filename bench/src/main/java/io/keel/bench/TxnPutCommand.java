package io.keel.bench;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.TxnRequest;
import io.grpc.Channel;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * etcd's {@code benchmark txn-put}: transactions with no compares whose success branch is
 * {@code --txn-ops} puts; txn {@code i} writes keys {@code (i * txn-ops + j) % key-space-size}.
 */
@Command(name = "txn-put", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Benchmark txn-put (etcd's benchmark txn-put: same flags and defaults).")
final class TxnPutCommand extends LoadCommand {

  @Option(names = "--total", defaultValue = "10000", description = "total txn requests [${DEFAULT-VALUE}]")
  long total;

  @Option(names = "--key-size", defaultValue = "8", description = "key size, bytes [${DEFAULT-VALUE}]")
  int keySize;

  @Option(names = "--val-size", defaultValue = "8", description = "value size, bytes [${DEFAULT-VALUE}]")
  int valSize;

  @Option(names = "--txn-ops", defaultValue = "1", description = "puts per txn [${DEFAULT-VALUE}]")
  int txnOps;

  @Option(names = "--key-space-size", defaultValue = "1", description = "number of distinct keys [${DEFAULT-VALUE}]")
  long keySpaceSize;

  @Option(names = "--rate", defaultValue = "0", description = "most txns per second, 0 for no limit [${DEFAULT-VALUE}]")
  double rate;

  @Override
  String name() {
    return "txn-put";
  }

  @Override
  long total() {
    return total;
  }

  @Override
  double rate() {
    return rate;
  }

  @Override
  void validate() {
    Keys.checkKeySpace(keySize, keySpaceSize);
    if (txnOps < 1) {
      throw new BenchException("--txn-ops must be at least 1");
    }
  }

  @Override
  Map<String, Object> params() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("key_size", keySize);
    m.put("val_size", valSize);
    m.put("txn_ops", txnOps);
    m.put("key_space_size", keySpaceSize);
    return m;
  }

  @Override
  IntFunction<ClosedLoop.Requester> requesters(Run run) {
    ByteString value = Keys.randomBytes(valSize);
    return client -> {
      Channel ch = run.conns().forClient(client);
      return (seq, done) -> {
        TxnRequest.Builder txn = TxnRequest.newBuilder();
        for (int j = 0; j < txnOps; j++) {
          long n = (seq * txnOps + j) % keySpaceSize;
          txn.addSuccess(RequestOp.newBuilder()
              .setRequestPut(PutRequest.newBuilder().setKey(Keys.key(keySize, n)).setValue(value)));
        }
        unary(ch, KVGrpc.getTxnMethod(), run.conns().callOptions(), txn.build(), done);
      };
    };
  }
}
