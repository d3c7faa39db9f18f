package io.keel.grpc.internal.gateway;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Message;
import io.etcd.jetcd.api.AlarmRequest;
import io.etcd.jetcd.api.AuthUserAddRequest;
import io.etcd.jetcd.api.CompactionRequest;
import io.etcd.jetcd.api.LeaseGrantRequest;
import io.etcd.jetcd.api.LeaseRevokeRequest;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.WatchRequest;
import io.keel.grpc.internal.gateway.GoJson.GoJsonException;
import io.keel.testsupport.fuzz.Fuzzer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The seeded fuzzer on the JSON gateway's request reading: each input's first byte picks the
 * request type, the rest is the body. A body must decode or be refused with Go's words (never
 * another exception, never a hang), and whatever decodes must survive the gateway's own output: the
 * message printed as the gateway prints and read back is the same message.
 */
class GatewayJsonFuzzTest {
  private static final List<Message> TYPES = List.of(PutRequest.getDefaultInstance(),
      RangeRequest.getDefaultInstance(), TxnRequest.getDefaultInstance(), CompactionRequest.getDefaultInstance(),
      LeaseGrantRequest.getDefaultInstance(), LeaseRevokeRequest.getDefaultInstance(),
      AuthUserAddRequest.getDefaultInstance(), AlarmRequest.getDefaultInstance(), WatchRequest.getDefaultInstance());

  private static void decode(byte[] input) throws Exception {
    if (input.length == 0) {
      return;
    }
    Message type = TYPES.get(Math.floorMod(input[0], TYPES.size()));
    GoJson.Reader body = new GoJson.Reader(Arrays.copyOfRange(input, 1, input.length));
    for (GoJson.Value json = body.next(); json != null; json = body.next()) {
      Message m = GoJsonPb.message(json, type);
      String printed = GatewayJson.print(m);
      Message again = GoJsonPb.message(new GoJson.Reader(printed.getBytes(StandardCharsets.UTF_8)).next(), type);
      if (!again.equals(m)) {
        throw new AssertionError("printed and read back differs: " + printed);
      }
    }
  }

  private static List<byte[]> corpus() throws Exception {
    List<byte[]> inputs = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(
        GatewayJsonFuzzTest.class.getResourceAsStream("/gateway/etcd-json-errors.golden"), StandardCharsets.UTF_8))) {
      int i = 0;
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (line.startsWith("#") || line.isBlank()) {
          continue;
        }
        String body = line.split(" \\| ", 3)[1];
        byte[] b = body.startsWith("b64:") ? Base64.getDecoder().decode(body.substring(4))
            : body.getBytes(StandardCharsets.UTF_8);
        byte[] in = new byte[b.length + 1];
        in[0] = (byte) (i++ % TYPES.size());
        System.arraycopy(b, 0, in, 1, b.length);
        inputs.add(in);
      }
    }
    inputs.add(("\u0002{\"compare\":[{\"key\":\"eA==\",\"result\":\"EQUAL\",\"target\":\"VERSION\",\"version\":\"3\"}],"
        + "\"success\":[{\"request_range\":{\"key\":\"eA==\",\"limit\":\"1\",\"sort_order\":2}},"
        + "{\"request_txn\":{\"failure\":[{\"requestDeleteRange\":{\"key\":\"eQ==\",\"prev_kv\":true}}]}}]}")
        .getBytes(StandardCharsets.UTF_8));
    inputs.add(("\u0008{\"create_request\":{\"key\":\"eA==\",\"filters\":[\"NOPUT\",1],\"prev_kv\":true}}"
        + " {\"cancel_request\":{\"watch_id\":\"3\"}} {\"progress_request\":{}}").getBytes(StandardCharsets.UTF_8));
    return inputs;
  }

  @Test
  void everyBodyDecodesOrGetsGosRefusal() throws Exception {
    Fuzzer.Report report = new Fuzzer("gateway-json", GatewayJsonFuzzTest::decode, e -> e instanceof GoJsonException,
        Duration.ofSeconds(5), Path.of("target/fuzz-findings")).run(corpus(), Fuzzer.budget(Duration.ofSeconds(10)));
    System.out.println(report);
    assertTrue(report.findings().isEmpty(), report.toString());
  }
}
