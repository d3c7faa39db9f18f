package io.keel.bench;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.PutRequest;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** etcd's {@code benchmark put}: {@code --total} puts of one random value over a key space. */
@Command(name = "put", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Benchmark put (etcd's benchmark put: same flags and defaults).")
final class PutCommand extends LoadCommand {

  @Option(names = "--total", defaultValue = "10000", description = "total put requests [${DEFAULT-VALUE}]")
  long total; // read by LoadCommand.total()

  @Mixin
  KeyValueOptions kv;

  @Option(names = "--key-space-size", defaultValue = "1", description = "number of distinct keys [${DEFAULT-VALUE}]")
  long keySpaceSize;

  @Option(names = "--sequential-keys", description = "key i %% key-space-size for request i (else random)")
  boolean sequentialKeys;

  @Option(names = "--rate", defaultValue = "0", description = "most puts per second, 0 for no limit [${DEFAULT-VALUE}]")
  double rate; // read by LoadCommand.rate()

  @Override
  void validate() {
    Keys.checkKeySpace(kv.keySize, keySpaceSize);
  }

  @Override
  Map<String, Object> params() {
    return ordered("key_size", kv.keySize, "val_size", kv.valSize, "key_space_size", keySpaceSize,
        "sequential_keys", sequentialKeys);
  }

  @Override
  IntFunction<ClosedLoop.Requester> requesters(Run run) {
    ByteString value = kv.value();
    return unaryRequesters(run, KVGrpc.getPutMethod(), seq -> {
      long n = sequentialKeys ? seq % keySpaceSize : ThreadLocalRandom.current().nextLong(keySpaceSize);
      return PutRequest.newBuilder().setKey(kv.key(n)).setValue(value).build();
    });
  }
}
