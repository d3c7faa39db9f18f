package io.keel.bench;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.grpc.Channel;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** etcd's {@code benchmark put}: {@code --total} puts of one random value over a key space. */
@Command(name = "put", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Benchmark put (etcd's benchmark put: same flags and defaults).")
final class PutCommand extends LoadCommand {

  @Option(names = "--total", defaultValue = "10000", description = "total put requests [${DEFAULT-VALUE}]")
  long total;

  @Option(names = "--key-size", defaultValue = "8", description = "key size, bytes [${DEFAULT-VALUE}]")
  int keySize;

  @Option(names = "--val-size", defaultValue = "8", description = "value size, bytes [${DEFAULT-VALUE}]")
  int valSize;

  @Option(names = "--key-space-size", defaultValue = "1", description = "number of distinct keys [${DEFAULT-VALUE}]")
  long keySpaceSize;

  @Option(names = "--sequential-keys", description = "key i %% key-space-size for request i (else random)")
  boolean sequentialKeys;

  @Option(names = "--rate", defaultValue = "0", description = "most puts per second, 0 for no limit [${DEFAULT-VALUE}]")
  double rate;

  @Override
  String name() {
    return "put";
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
  }

  @Override
  Map<String, Object> params() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("key_size", keySize);
    m.put("val_size", valSize);
    m.put("key_space_size", keySpaceSize);
    m.put("sequential_keys", sequentialKeys);
    return m;
  }

  @Override
  IntFunction<ClosedLoop.Requester> requesters(Run run) {
    ByteString value = Keys.randomBytes(valSize);
    return client -> {
      Channel ch = run.conns().forClient(client);
      return (seq, done) -> {
        long n = sequentialKeys ? seq % keySpaceSize : ThreadLocalRandom.current().nextLong(keySpaceSize);
        PutRequest req = PutRequest.newBuilder().setKey(Keys.key(keySize, n)).setValue(value).build();
        unary(ch, KVGrpc.getPutMethod(), run.conns().callOptions(), req, done);
      };
    };
  }
}
