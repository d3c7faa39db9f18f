package io.keel.bench;

import com.google.protobuf.ByteString;
import picocli.CommandLine.Option;

/**
 * {@code --key-size} and {@code --val-size} as etcd's put and txn-put benchmarks take them: key
 * number {@code n} is {@link Keys#key} of {@code --key-size} bytes, and a run writes one random
 * value of {@code --val-size} bytes.
 */
final class KeyValueOptions {

  @Option(names = "--key-size", defaultValue = "8", description = "key size, bytes [${DEFAULT-VALUE}]")
  int keySize;

  @Option(names = "--val-size", defaultValue = "8", description = "value size, bytes [${DEFAULT-VALUE}]")
  int valSize;

  ByteString key(long n) {
    return Keys.key(keySize, n);
  }

  /** The run's value: random bytes, made once. */
  ByteString value() {
    return Keys.randomBytes(valSize);
  }
}
