package io.keel.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The pure parts of the tool: etcd's key layout, durations, the comparison table. */
class BenchUnitTest {

  /** Expected bytes from Go: binary.PutVarint into make([]byte, 8). */
  @ParameterizedTest
  @CsvSource({
      "0, 00 00 00 00 00 00 00 00",
      "1, 02 00 00 00 00 00 00 00",
      "63, 7e 00 00 00 00 00 00 00",
      "64, 80 01 00 00 00 00 00 00",
      "100000, c0 9a 0c 00 00 00 00 00"})
  void keysAreGoVarintsPaddedWithZeros(long n, String hex) {
    byte[] expected = new byte[8];
    String[] parts = hex.split(" ");
    for (int i = 0; i < parts.length; i++) {
      expected[i] = (byte) Integer.parseInt(parts[i], 16);
    }
    assertArrayEquals(expected, Keys.key(8, n).toByteArray());
  }

  @Test
  void keySpaceMustFitTheKeySize() {
    Keys.checkKeySpace(1, 64);
    assertThrows(BenchException.class, () -> Keys.checkKeySpace(1, 65));
    assertThrows(BenchException.class, () -> Keys.key(1, 64));
  }

  @ParameterizedTest
  @CsvSource({"500ms, 500", "5s, 5000", "2m, 120000", "1h, 3600000", "3, 3000", "1.5s, 1500"})
  void durationsAreGoStyle(String text, long millis) {
    assertEquals(Duration.ofMillis(millis), new LoadOptions.DurationConverter().convert(text));
  }

  @Test
  void medianAndTargets() {
    assertEquals(2.0, TableCommand.median(List.of(3.0, 1.0, 2.0)));
    assertEquals(2.5, TableCommand.median(List.of(4.0, 1.0, 2.0, 3.0)));
    assertEquals("met", TableCommand.verdict("rps>=1.2,p99<=1", Map.of("rps", 1.3, "p99", 0.9)));
    assertEquals("MISSED", TableCommand.verdict("rps>=1.2,p99<=1", Map.of("rps", 1.3, "p99", 1.1)));
    assertEquals("", TableCommand.verdict(null, Map.of()));
  }

  @Test
  void tableTakesMediansPerWorkloadAndServer(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("runs.jsonl");
    Files.writeString(f, String.join("\n",
        "{\"server\":\"etcd\",\"workload\":\"put 1x1\",\"target\":\"rps>=1.0\",\"bench\":\"put\",\"ok\":10,\"errors\":0,\"rps\":100,\"avg_ms\":1,\"p99_ms\":2,\"complete\":true}",
        "{\"server\":\"keel\",\"workload\":\"put 1x1\",\"bench\":\"put\",\"ok\":10,\"errors\":0,\"rps\":50,\"avg_ms\":2,\"p99_ms\":4,\"complete\":true}",
        "{\"server\":\"keel\",\"workload\":\"put 1x1\",\"bench\":\"put\",\"ok\":10,\"errors\":0,\"rps\":150,\"avg_ms\":2,\"p99_ms\":4,\"complete\":true}",
        "{\"server\":\"keel\",\"workload\":\"put 1x1\",\"bench\":\"put\",\"ok\":10,\"errors\":0,\"rps\":120,\"avg_ms\":2,\"p99_ms\":4,\"complete\":true}",
        "{\"server\":\"etcd\",\"workload\":\"rss\",\"bench\":\"measure\",\"value\":100,\"unit\":\"MB\",\"target\":\"value<=2\"}",
        "{\"server\":\"keel\",\"workload\":\"rss\",\"bench\":\"measure\",\"value\":300,\"unit\":\"MB\"}",
        "not json: ignored") + "\n");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int rc = Bench.run(new PrintStream(out, true, StandardCharsets.UTF_8), System.err, "table", f.toString());
    String table = out.toString(StandardCharsets.UTF_8);
    assertEquals(0, rc, table);
    assertTrue(table.contains("| put 1x1 | 1/3 | 100 | 120 | 1.20 | 2.00 | 4.00 | 2.00 |"), table);
    assertTrue(table.contains("| rss | 1/1 | 100.0 MB | 300.0 MB | 3.00 | value<=2 | MISSED |"), table);
  }

  @Test
  void usageErrorsExitWithTwo() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
    assertEquals(2, Bench.run(System.out, e, "put", "--no-such-flag"));
    assertEquals(2, Bench.run(System.out, e));
  }
}
