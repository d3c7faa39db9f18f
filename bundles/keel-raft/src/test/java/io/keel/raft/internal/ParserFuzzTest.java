package io.keel.raft.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.raft.BackupFormat;
import io.keel.testsupport.fuzz.Fuzzer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The seeded fuzzer ({@link Fuzzer}) on what a member reads from disk and from a user's file: Raft
 * log entries (a damaged log must fail with the codec's own error, never another exception or a
 * hang) and backup files for {@code bin/keel snapshot restore} (IOException, which restore reports,
 * before anything is written). CI replays the corpus (valid inputs, and the saved findings under
 * src/test/resources/fuzz/) and fuzzes a few seconds per target; {@code -Dkeel.fuzz.seconds=600}
 * runs ten minutes each.
 */
class ParserFuzzTest {
  private static final Path SAVED = Path.of("src/test/resources/fuzz");
  private static final Path FINDINGS = Path.of("target/fuzz-findings");

  @Test
  void logEntriesDecodeOrFailWithTheCodecsError() {
    List<byte[]> corpus = new ArrayList<>(Fuzzer.saved(SAVED.resolve("log-entry")));
    CommandCodecTest.commands().forEach(c -> corpus.add(CommandCodec.encode(c)));
    Fuzzer.Report report = new Fuzzer("log-entry", input -> CommandCodec.decode(ByteBuffer.wrap(input)),
        e -> e instanceof IllegalStateException, Duration.ofSeconds(5), FINDINGS)
        .run(corpus, Fuzzer.budget(Duration.ofSeconds(10)));
    System.out.println(report);
    assertTrue(report.findings().isEmpty(), report.toString());
    assertTrue(report.inputs() > corpus.size(), report.toString());
  }

  @Test
  void backupFilesRestoreOrFailWithIoException() throws IOException {
    List<byte[]> corpus = new ArrayList<>(Fuzzer.saved(SAVED.resolve("backup")));
    java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
    SnapshotFile.writeBackup(SnapshotFileTest.rich(), SnapshotFileTest.authState(), body);
    corpus.add(java.nio.ByteBuffer.allocate(16 + body.size()).put("KEELBAK1".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
        .putLong(body.size()).put(body.toByteArray()).array()); // a Keel backup of the builds before etcd's format
    Fuzzer.Report report = new Fuzzer("backup", input -> BackupFormat.restoreAll(new ByteArrayInputStream(input)),
        e -> e instanceof IOException, Duration.ofSeconds(10), FINDINGS)
        .run(corpus, Fuzzer.budget(Duration.ofSeconds(10)));
    System.out.println(report);
    assertTrue(report.findings().isEmpty(), report.toString());
  }
}
