package io.keel.itests.blackbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.keel.testsupport.Etcdctl;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The reliability suite's disk fault: a member whose data dir is a small file system of the test's
 * own ({@link TmpfsNamespace}) runs out of space in the middle of Raft log writes. It must refuse
 * writes with one of etcd's errors and stay up (its own state still readable), corrupt nothing, and
 * once space returns and it is restarted, hold every write it acknowledged and take new ones.
 * (etcd 3.4 exits on a failed WAL write; Keel's raft node stops in an error state instead and
 * reports itself unhealthy until an operator restarts it.)
 */
class DiskFullIT {

  @Test
  void aFullDiskRefusesWritesCleanlyAndEveryAcknowledgedWriteIsThereAfterSpaceReturnsAndARestart() throws Exception {
    assumeTrue(ApplianceProcess.SERVER == ApplianceProcess.Server.KEEL, "etcd 3.4 exits on a failed WAL write");
    ApplianceProcess m = ApplianceProcess.create("diskfull");
    Files.createDirectories(m.dataDir());
    try (m; TmpfsNamespace ns = TmpfsNamespace.mount(m.dataDir(), "64m")) {
      m.launchedBy(ns.enter(m.workDir())).start().awaitHealthy(ApplianceProcess.BOOT_TIMEOUT);
      Etcdctl ctl = m.etcdctl();
      Path filler = ns.inside(m.dataDir()).resolve("filler");
      leaveFree(filler, 3 << 20);

      Map<String, String> acknowledged = new LinkedHashMap<>();
      Etcdctl.Result refused = null;
      for (int i = 0; i < 400 && refused == null; i++) {
        String key = "/full/k" + i;
        String value = i + "-" + Base64.getEncoder().encodeToString(new byte[75_000]);
        Etcdctl.Result r = ctl.run("put", key, value);
        if (r.ok()) {
          acknowledged.put(key, value);
        } else {
          refused = r;
        }
      }
      assertTrue(refused != null, "the disk filled up");
      assertTrue(acknowledged.size() > 5, "some writes went in before: " + acknowledged.size());
      assertTrue(refused.stderr().contains("Error: etcdserver: "), "refused with one of etcd's errors: " + refused);
      assertTrue(m.isAlive(), "still up");
      Etcdctl.Result later = ctl.run("put", "/full/later", "x");
      assertFalse(later.ok(), "writes stay refused while the log cannot be written: " + later);
      String first = acknowledged.keySet().iterator().next();
      assertEquals(acknowledged.get(first), ctl.run("get", first, "--consistency=s", "--print-value-only").stdout().trim(),
          "its own state still answers");

      Files.delete(filler); // space returns
      m.stop();
      m.restart().awaitHealthy(ApplianceProcess.BOOT_TIMEOUT);
      JsonNode all = ctl.run("get", "/full/", "--prefix", "-w", "json").json();
      Map<String, String> found = new LinkedHashMap<>();
      for (JsonNode kv : all.path("kvs")) {
        found.put(decode(kv.path("key").asText()), decode(kv.path("value").asText()));
      }
      for (Map.Entry<String, String> e : acknowledged.entrySet()) {
        assertEquals(e.getValue(), found.get(e.getKey()), "acknowledged write " + e.getKey() + " survived");
      }
      assertTrue(ctl.run("put", "/full/after", "space is back").ok(), "writes are taken again");
    }
  }

  private static String decode(String base64) {
    return new String(Base64.getDecoder().decode(base64), java.nio.charset.StandardCharsets.UTF_8);
  }

  /** Writes {@code filler} until the file system is full, then gives back {@code freeBytes}. */
  private static void leaveFree(Path filler, long freeBytes) throws IOException {
    byte[] chunk = new byte[1 << 20];
    try (OutputStream out = Files.newOutputStream(filler)) {
      while (true) {
        out.write(chunk);
      }
    } catch (IOException full) {
      // no space left
    }
    try (FileChannel ch = FileChannel.open(filler, StandardOpenOption.WRITE)) {
      ch.truncate(Math.max(0, ch.size() - freeBytes));
    }
  }
}
