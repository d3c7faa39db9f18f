package io.keel.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pins every error's gRPC code and message: clients match on these strings letter for letter. */
class EtcdErrorTest {

  @Test
  void everyErrorMatchesTheGoldenFile() throws IOException {
    List<String> golden;
    try (InputStream in = EtcdErrorTest.class.getResourceAsStream("/etcd-errors.golden")) {
      golden = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
          .filter(l -> !l.startsWith("#") && !l.isBlank()).toList();
    }
    List<String> actual = Arrays.stream(EtcdError.values())
        .map(e -> e.name() + "|" + e.code() + "|" + e.message()).toList();
    assertEquals(golden, actual);
  }
}
