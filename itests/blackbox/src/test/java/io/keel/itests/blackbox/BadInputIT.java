package io.keel.itests.blackbox;

import static io.keel.itests.blackbox.Jetcd.bytes;
import static io.keel.itests.blackbox.Jetcd.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import io.keel.testsupport.Etcdctl;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Requests etcd rejects are rejected with etcd's exact error, garbage on the client port only
 * costs its own connection, and none of it disturbs the data: one member serves every case and
 * the last test checks the store is exactly as the good requests left it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BadInputIT {

  private static ApplianceProcess node;
  private static Client client;
  private static KV kv;

  @BeforeAll
  static void startMember() throws Exception {
    node = ApplianceProcess.create("badinput");
    node.start().awaitHealthy(ApplianceProcess.BOOT_TIMEOUT);
    client = Jetcd.client(node);
    kv = client.getKVClient();
    // revision 2
    kv.put(bytes("/bad/keep"), bytes("still-here")).get(30, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stopMember() {
    try {
      if (client != null) {
        client.close();
      }
    } finally {
      if (node != null) {
        node.close();
      }
    }
  }

  @Test
  @Order(1)
  void valueOverMaxRequestBytesIsTooLarge() {
    // Between the server's limit (max-request-bytes, 1.5 MiB) and gRPC's message limit (limit +
    // 512 KiB): the server itself answers, with etcd's error.
    byte[] value = new byte[1_600_000];
    Arrays.fill(value, (byte) 'x');
    Throwable e = failure(() -> kv.put(bytes("/bad/big"), ByteSequence.from(value)).get(30, TimeUnit.SECONDS));
    assertTrue(e.getMessage().contains("etcdserver: request is too large"), e.toString());
  }

  @Test
  @Order(2)
  void valueOverTwoMebibytesIsRefused() {
    // 2 MiB + 1 KiB: over gRPC's limit as well; refused before the server reads it.
    byte[] value = new byte[2 * 1024 * 1024 + 1024];
    Arrays.fill(value, (byte) 'y');
    Throwable e = failure(() -> kv.put(bytes("/bad/bigger"), ByteSequence.from(value)).get(30, TimeUnit.SECONDS));
    assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), e.toString());
  }

  @Test
  @Order(3)
  void emptyKeyIsNotProvided() {
    Etcdctl.Result put = node.etcdctl().run("put", "", "v");
    assertEquals(1, put.exitCode(), put.toString());
    assertTrue(put.stderr().contains("Error: etcdserver: key is not provided"), put.toString());
    Etcdctl.Result get = node.etcdctl().run("get", "");
    assertEquals(1, get.exitCode(), get.toString());
    assertTrue(get.stderr().contains("Error: etcdserver: key is not provided"), get.toString());
  }

  @Test
  @Order(4)
  void txnWith128OpsIsFineAnd129AreTooMany() throws Exception {
    Op[] ops128 = new Op[128];
    for (int i = 0; i < ops128.length; i++) {
      ops128[i] = Op.put(bytes("/bad/tx/k" + i), bytes("v" + i), PutOption.DEFAULT);
    }
    // revision 3
    TxnResponse ok = kv.txn().Then(ops128).commit().get(30, TimeUnit.SECONDS);
    assertTrue(ok.isSucceeded());

    Op[] ops129 = new Op[129];
    for (int i = 0; i < ops129.length; i++) {
      ops129[i] = Op.put(bytes("/bad/tx/k" + i), bytes("w" + i), PutOption.DEFAULT);
    }
    Throwable e = failure(() -> kv.txn().Then(ops129).commit().get(30, TimeUnit.SECONDS));
    assertTrue(e.getMessage().contains("etcdserver: too many operations in txn request"), e.toString());
  }

  @Test
  @Order(5)
  void garbageOnTheClientPortOnlyCostsThatConnection() throws Exception {
    byte[] garbage = new byte[64 * 1024];
    new Random(42).nextBytes(garbage);
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", node.clientPort()), 5000);
      s.setSoTimeout(15_000);
      OutputStream out = s.getOutputStream();
      InputStream in = s.getInputStream();
      try {
        out.write(garbage);
        out.flush();
      } catch (SocketException closedWhileWriting) {
        // the server may close before it has read everything: that is the point
      }
      // The server answers with at most an HTTP/2 GOAWAY and closes the connection.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      byte[] buf = new byte[4096];
      boolean closed = false;
      while (!closed && System.nanoTime() < deadline) {
        try {
          closed = in.read(buf) < 0;
        } catch (SocketException reset) {
          closed = true;
        } catch (SocketTimeoutException stillOpen) {
          break;
        }
      }
      assertTrue(closed, "server kept the garbage connection open");
    }
    assertTrue(node.isAlive(), "member died\n" + node.diagnostics());
    Etcdctl.Result get = node.etcdctl().run("get", "/bad/keep", "--print-value-only");
    assertEquals("still-here", get.stdout(), get.toString());
  }

  @Test
  @Order(6)
  void dataIsIntactAfterAllOfIt() throws Exception {
    GetResponse keep = kv.get(bytes("/bad/keep")).get(30, TimeUnit.SECONDS);
    assertEquals("still-here", string(keep.getKvs().get(0).getValue()));
    assertEquals(2, keep.getKvs().get(0).getModRevision());
    // Only the first put and the 128-op txn changed anything.
    assertEquals(3, keep.getHeader().getRevision(), "store revision");
    GetResponse big = kv.get(bytes("/bad/big")).get(30, TimeUnit.SECONDS);
    assertEquals(0, big.getCount());
    Etcdctl.Result count = node.etcdctl().run("get", "/bad/tx/", "--prefix", "--limit=1", "-w", "json");
    assertTrue(count.stdout().contains("\"count\":128"), count.toString());
  }

  private interface Call {
    void run() throws Exception;
  }

  /** The cause of the ExecutionException {@code call} must throw. */
  private static Throwable failure(Call call) {
    ExecutionException e = assertThrows(ExecutionException.class, call::run);
    Throwable cause = e.getCause() != null ? e.getCause() : e;
    if (cause.getMessage() == null) {
      throw new AssertionError("failure without a message", cause);
    }
    return cause;
  }
}
