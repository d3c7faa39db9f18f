package io.keel.bench;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * etcd's {@code benchmark range key [end-range]}; and, without a key, reads of random keys over a
 * key space that is first filled with {@code --key-space-size} keys of {@code --key-size} /
 * {@code --val-size} bytes (the same keys {@code put --sequential-keys} writes). The fill is not
 * measured.
 */
@Command(name = "range", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Benchmark range (etcd's benchmark range; without KEY, reads random prefilled keys)."})
final class RangeCommand extends LoadCommand {

  @Parameters(index = "0", arity = "0..1", paramLabel = "KEY", description = "read this key every time")
  String key;

  @Parameters(index = "1", arity = "0..1", paramLabel = "END", description = "range end (exclusive)")
  String end;

  @Option(names = "--total", defaultValue = "10000", description = "total range requests [${DEFAULT-VALUE}]")
  long total; // read by LoadCommand.total()

  @Option(names = "--consistency", defaultValue = "l", description = "l (linearizable) or s (serializable) [${DEFAULT-VALUE}]")
  String consistency;

  @Option(names = "--limit", defaultValue = "0", description = "most keys per answer, 0 for all [${DEFAULT-VALUE}]")
  long limit;

  @Option(names = "--count-only", description = "ask for the count only")
  boolean countOnly;

  @Option(names = "--rate", defaultValue = "0", description = "most ranges per second, 0 for no limit [${DEFAULT-VALUE}]")
  double rate; // read by LoadCommand.rate()

  @Option(names = "--key-space-size", defaultValue = "1000", description = "without KEY: keys to fill and read [${DEFAULT-VALUE}]")
  long keySpaceSize;

  @Option(names = "--key-size", defaultValue = "8", description = "without KEY: key size, bytes [${DEFAULT-VALUE}]")
  int keySize;

  @Option(names = "--val-size", defaultValue = "8", description = "without KEY: value size, bytes [${DEFAULT-VALUE}]")
  int valSize;

  @Option(names = "--no-prefill", description = "without KEY: the keys are already there; do not write them")
  boolean noPrefill;

  @Override
  void validate() {
    if (!consistency.equals("l") && !consistency.equals("s")) {
      throw new BenchException("--consistency must be l or s, not " + consistency);
    }
    if (key == null) {
      Keys.checkKeySpace(keySize, keySpaceSize);
    }
  }

  @Override
  Map<String, Object> params() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("consistency", consistency);
    if (key == null) {
      m.put("key_size", keySize);
      m.put("val_size", valSize);
      m.put("key_space_size", keySpaceSize);
    } else {
      m.put("key", key);
      if (end != null) {
        m.put("end", end);
      }
    }
    if (limit > 0) {
      m.put("limit", limit);
    }
    if (countOnly) {
      m.put("count_only", true);
    }
    return m;
  }

  @Override
  void setup(Run run) {
    if (key != null || noPrefill) {
      return;
    }
    ByteString value = Keys.randomBytes(valSize);
    int clients = (int) Math.min(keySpaceSize, Math.max(load.clients, 64));
    prepare("prefill of " + keySpaceSize + " keys", run, clients, keySpaceSize, unaryRequesters(run,
        KVGrpc.getPutMethod(), seq -> PutRequest.newBuilder().setKey(Keys.key(keySize, seq)).setValue(value).build()));
  }

  @Override
  IntFunction<ClosedLoop.Requester> requesters(Run run) {
    RangeRequest.Builder template = RangeRequest.newBuilder()
        .setSerializable(consistency.equals("s"))
        .setLimit(limit)
        .setCountOnly(countOnly);
    if (key != null) {
      template.setKey(ByteString.copyFrom(key, StandardCharsets.UTF_8));
      if (end != null) {
        template.setRangeEnd(ByteString.copyFrom(end, StandardCharsets.UTF_8));
      }
    }
    RangeRequest fixed = template.build();
    return unaryRequesters(run, KVGrpc.getRangeMethod(), seq -> key != null ? fixed
        : fixed.toBuilder().setKey(Keys.key(keySize, ThreadLocalRandom.current().nextLong(keySpaceSize))).build());
  }
}
