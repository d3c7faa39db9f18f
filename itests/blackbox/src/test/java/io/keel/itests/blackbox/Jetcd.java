package io.keel.itests.blackbox;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** jetcd clients for the black-box tests (plain JVM only: jetcd 0.8 is Vert.x based). */
final class Jetcd {
  private Jetcd() {}

  static Client client(ApplianceProcess node) {
    return Client.builder()
        .endpoints(node.clientUrl())
        .connectTimeout(Duration.ofSeconds(5))
        // Fail rather than retry: the tests decide what a failed request means.
        .retryMaxDuration(Duration.ofSeconds(2))
        .build();
  }

  static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  static String string(ByteSequence b) {
    return b.toString(StandardCharsets.UTF_8);
  }
}
