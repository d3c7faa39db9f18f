package io.keel.bench;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.TxnRequest;
import java.util.Map;
import java.util.function.IntFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * etcd's {@code benchmark txn-put}: transactions with no compares whose success branch is
 * {@code --txn-ops} puts; txn {@code i} writes keys {@code (i * txn-ops + j) % key-space-size}.
 */
@Command(name = "txn-put", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Benchmark txn-put (etcd's benchmark txn-put: same flags and defaults).")
final class TxnPutCommand extends LoadCommand {

  @Option(names = "--total", defaultValue = "10000", description = "total txn requests [${DEFAULT-VALUE}]")
  long total; // read by LoadCommand.total()

  @Mixin
  KeyValueOptions kv;

  @Option(names = "--txn-ops", defaultValue = "1", description = "puts per txn [${DEFAULT-VALUE}]")
  int txnOps;

  @Option(names = "--key-space-size", defaultValue = "1", description = "number of distinct keys [${DEFAULT-VALUE}]")
  long keySpaceSize;

  @Option(names = "--rate", defaultValue = "0", description = "most txns per second, 0 for no limit [${DEFAULT-VALUE}]")
  double rate; // read by LoadCommand.rate()

  @Override
  void validate() {
    Keys.checkKeySpace(kv.keySize, keySpaceSize);
    if (txnOps < 1) {
      throw new BenchException("--txn-ops must be at least 1");
    }
  }

  @Override
  Map<String, Object> params() {
    return ordered("key_size", kv.keySize, "val_size", kv.valSize, "txn_ops", txnOps, "key_space_size", keySpaceSize);
  }

  @Override
  IntFunction<ClosedLoop.Requester> requesters(Run run) {
    ByteString value = kv.value();
    return unaryRequesters(run, KVGrpc.getTxnMethod(), seq -> {
      TxnRequest.Builder txn = TxnRequest.newBuilder();
      for (int j = 0; j < txnOps; j++) {
        long n = (seq * txnOps + j) % keySpaceSize;
        txn.addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(kv.key(n)).setValue(value)));
      }
      return txn.build();
    });
  }
}
