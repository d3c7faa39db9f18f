package io.keel.grpc.internal.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
import io.keel.grpc.internal.gateway.GoJson.GoJsonException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Request bodies read as etcd 3.4's gateway reads them, with Go's error texts. */
class GoJsonTest {
  private static final Map<String, Message> PROTOTYPES = Map.of(
      "/v3/kv/put", PutRequest.getDefaultInstance(),
      "/v3/kv/range", RangeRequest.getDefaultInstance(),
      "/v3/kv/txn", TxnRequest.getDefaultInstance(),
      "/v3/kv/compaction", CompactionRequest.getDefaultInstance(),
      "/v3/lease/grant", LeaseGrantRequest.getDefaultInstance(),
      "/v3/lease/revoke", LeaseRevokeRequest.getDefaultInstance(),
      "/v3/auth/user/add", AuthUserAddRequest.getDefaultInstance(),
      "/v3/maintenance/alarm", AlarmRequest.getDefaultInstance());

  /** What the gateway does with a unary body: "ok", or the text of the error it answers with. */
  static String outcome(byte[] body, Message prototype) {
    try {
      GoJson.Value json = new GoJson.Reader(body).next();
      if (json != null) {
        GoJsonPb.message(json, prototype);
      }
      return "ok";
    } catch (GoJsonException e) {
      return e.getMessage();
    }
  }

  static <T extends Message> T decode(String body, T prototype) throws GoJsonException {
    return GoJsonPb.message(new GoJson.Reader(body.getBytes(StandardCharsets.UTF_8)).next(), prototype);
  }

  @Test
  void everyRecordedBodyGetsEtcdsAnswer() throws Exception {
    List<String> mismatches = new ArrayList<>();
    int cases = 0;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(
        getClass().getResourceAsStream("/gateway/etcd-json-errors.golden"), StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (line.startsWith("#") || line.isBlank()) {
          continue;
        }
        String[] f = line.split(" \\| ", 3);
        byte[] body = f[1].startsWith("b64:")
            ? Base64.getDecoder().decode(f[1].substring(4))
            : f[1].getBytes(StandardCharsets.UTF_8);
        String got = outcome(body, PROTOTYPES.get(f[0]));
        cases++;
        if (!got.equals(f[2])) {
          mismatches.add(f[0] + " " + f[1] + "\n   etcd: " + f[2] + "\n   keel: " + got);
        }
      }
    }
    assertTrue(cases > 80, "golden cases read: " + cases);
    assertEquals(List.of(), mismatches);
  }

  @Test
  void acceptedBodiesMakeTheMessagesEtcdMakes() throws Exception {
    assertEquals("fo", decode("{\"key\":[102,111]}", PutRequest.getDefaultInstance()).getKey().toStringUtf8());
    assertEquals("foobar", decode("{\"key\":\"Zm9v\\nYmFy\"}", PutRequest.getDefaultInstance()).getKey().toStringUtf8());
    assertEquals("foo", decode("{\"k\\u0065y\":\"Zm9v\"}", PutRequest.getDefaultInstance()).getKey().toStringUtf8());
    assertEquals(7, decode("{\"key\":\"Zm9v\",\"lease\":\" 7 \"}", PutRequest.getDefaultInstance()).getLease());
    assertEquals(-1, decode("{\"TTL\":\"5\",\"ID\":-1}", LeaseGrantRequest.getDefaultInstance()).getID());
    PutRequest camelWins = decode("{\"prevKv\":false,\"prev_kv\":true,\"key\":\"eA==\"}", PutRequest.getDefaultInstance());
    assertEquals(false, camelWins.getPrevKv());
    RangeRequest sorted = decode("{\"key\":\"eA==\",\"sort_order\":\"DESCEND\",\"sortTarget\":2,\"limit\":\"3\"}",
        RangeRequest.getDefaultInstance());
    assertEquals(RangeRequest.SortOrder.DESCEND, sorted.getSortOrder());
    assertEquals(RangeRequest.SortTarget.CREATE, sorted.getSortTarget());
    assertEquals(3, sorted.getLimit());
    TxnRequest txn = decode("{\"compare\":[{\"key\":\"eA==\",\"result\":\"EQUAL\",\"target\":\"VALUE\",\"value\":\"eQ==\"}],"
        + "\"success\":[{\"request_put\":{\"key\":\"eA==\",\"value\":\"eg==\"}}],\"failure\":null}",
        TxnRequest.getDefaultInstance());
    assertEquals("y", txn.getCompare(0).getValue().toStringUtf8());
    assertEquals("z", txn.getSuccess(0).getRequestPut().getValue().toStringUtf8());
    assertEquals(0, txn.getFailureCount());
    assertEquals(PutRequest.getDefaultInstance(), decode("null", PutRequest.getDefaultInstance()));
  }

  @Test
  void aDecoderReadsValueAfterValueAndStopsAtTheEnd() throws Exception {
    GoJson.Reader r = new GoJson.Reader("{\"ID\":\"1\"} {\"ID\":\"2\"}\n7 ".getBytes(StandardCharsets.UTF_8));
    assertEquals(1, GoJsonPb.message(r.next(), LeaseRevokeRequest.getDefaultInstance()).getID());
    assertEquals(2, GoJsonPb.message(r.next(), LeaseRevokeRequest.getDefaultInstance()).getID());
    assertEquals(new GoJson.Num("7"), r.next());
    assertNull(r.next());
    GoJson.Reader cut = new GoJson.Reader("{\"ID\":\"1\"} {\"ID\":".getBytes(StandardCharsets.UTF_8));
    cut.next();
    assertEquals("unexpected EOF", assertThrows(GoJsonException.class, cut::next).getMessage());
  }

  @Test
  void unmarshalNamesTheEndOfInputAsGoDoes() {
    assertEquals("unexpected end of JSON input", unmarshalError(""));
    assertEquals("unexpected end of JSON input", unmarshalError("[1,"));
    assertEquals("invalid character ' ' in numeric literal", unmarshalError("-"));
    assertEquals("invalid character ' ' after decimal point in numeric literal", unmarshalError("1."));
    assertEquals("invalid character ' ' in literal true (expecting 'u')", unmarshalError("tr"));
    assertEquals("invalid character 'a' after top-level value", unmarshalError("12a"));
  }

  @Test
  void deepNestingStopsAtGosLimitWithoutExhaustingTheStack() {
    byte[] deep = "[".repeat(10_001).getBytes(StandardCharsets.US_ASCII);
    assertEquals("invalid character '[' exceeded max depth",
        assertThrows(GoJsonException.class, () -> new GoJson.Reader(deep).next()).getMessage());
    byte[] ok = ("[".repeat(10_000) + "]".repeat(10_000)).getBytes(StandardCharsets.US_ASCII);
    assertEquals("json: cannot unmarshal array into Go value of type map[string]json.RawMessage",
        outcome(ok, PutRequest.getDefaultInstance()));
  }

  @Test
  void charactersAreNamedAsGosQuoteCharNamesThem() {
    assertEquals("'\\''", GoJson.quoteChar('\''));
    assertEquals("'\"'", GoJson.quoteChar('"'));
    assertEquals("'\\\\'", GoJson.quoteChar('\\'));
    assertEquals("'\\x00'", GoJson.quoteChar(0));
    assertEquals("'\\x7f'", GoJson.quoteChar(0x7f));
    assertEquals("'\\u0085'", GoJson.quoteChar(0x85));
    assertEquals("'\\u00a0'", GoJson.quoteChar(0xa0));
    assertEquals("'Ã'", GoJson.quoteChar(0xc3));
    assertEquals("\"a\\x80\\\"\"", GoJson.quote(new byte[] {'a', (byte) 0x80, '"'}));
  }

  private static String unmarshalError(String s) {
    return assertThrows(GoJsonException.class, () -> GoJson.unmarshal(s.getBytes(StandardCharsets.UTF_8))).getMessage();
  }
}
