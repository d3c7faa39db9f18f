package io.keel.raft.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.keel.api.EtcdError;
import io.keel.api.EtcdException;
import io.keel.api.Member;
import io.keel.api.MemberChange;
import io.keel.api.kv.CompactionResponse;
import io.keel.api.kv.DeleteRangeResponse;
import io.keel.api.kv.KeyValue;
import io.keel.api.kv.PutResponse;
import io.keel.api.kv.RangeResponse;
import io.keel.api.kv.TxnResponse;
import io.keel.raft.internal.proto.ForwardResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Results travel leader -> follower as Result messages and come back equal; errors come back as etcd's. */
class ResultCodecTest {

  static KeyValue kv(String k, long lease) {
    return new KeyValue(k.getBytes(StandardCharsets.UTF_8), 2, 5, 3, "v".getBytes(StandardCharsets.UTF_8), lease);
  }

  static Member member(long id, boolean learner) {
    return new Member(id, "m" + id, List.of("http://p:" + id), learner ? List.of() : List.of("http://c:" + id), learner);
  }

  static Stream<Object> results() {
    RangeResponse range = new RangeResponse(9, List.of(kv("a", 0), kv("b", 7)), true, 12);
    return Stream.of(
        42L,
        new PutResponse(9, null),
        new PutResponse(9, kv("k", 3)),
        new DeleteRangeResponse(9, 2, List.of(kv("a", 0), kv("b", 0))),
        new CompactionResponse(9),
        range,
        new TxnResponse(9, true, List.of(range, new PutResponse(9, kv("p", 0)), new DeleteRangeResponse(9, 0, List.of()),
            new TxnResponse(9, false, List.of(new PutResponse(9, null))))),
        new MemberChange(member(0xfedcba9876543210L, true), List.of(member(1, false), member(0xfedcba9876543210L, true))),
        new MemberChange(null, List.of(member(1, false))),
        new ClusterView(0x8000000000000001L, List.of(member(1, false), member(2, true))));
  }

  /** Records holding byte arrays compare by identity: compare their text, arrays spelled out. */
  static String text(Object o) {
    if (o instanceof KeyValue kv) {
      return "kv(" + new String(kv.key(), StandardCharsets.UTF_8) + "," + kv.createRevision() + "," + kv.modRevision()
          + "," + kv.version() + "," + new String(kv.value(), StandardCharsets.UTF_8) + "," + kv.lease() + ")";
    } else if (o instanceof PutResponse p) {
      return "put(" + p.revision() + "," + (p.prevKv() == null ? "-" : text(p.prevKv())) + ")";
    } else if (o instanceof DeleteRangeResponse d) {
      return "del(" + d.revision() + "," + d.deleted() + "," + d.prevKvs().stream().map(ResultCodecTest::text).toList() + ")";
    } else if (o instanceof RangeResponse r) {
      return "range(" + r.revision() + "," + r.kvs().stream().map(ResultCodecTest::text).toList() + "," + r.more() + ","
          + r.count() + ")";
    } else if (o instanceof TxnResponse t) {
      return "txn(" + t.revision() + "," + t.succeeded() + "," + t.responses().stream().map(ResultCodecTest::text).toList()
          + ")";
    }
    return String.valueOf(o);
  }

  @ParameterizedTest
  @MethodSource("results")
  void roundTrips(Object result) throws Exception {
    // through the bytes bolt carries, as the follower reads them
    ForwardResponse wire = ForwardResponse.parseFrom(
        ForwardResponse.newBuilder().addResults(ResultCodec.encode(result)).build().toByteArray());
    Object back = ResultCodec.decode(wire.getResults(0));
    assertEquals(result.getClass(), back.getClass());
    assertEquals(text(result), text(back));
  }

  @Test
  void errorsComeBackAsTheSameEtcdError() {
    for (EtcdError e : EtcdError.values()) {
      EtcdException thrown = assertThrows(EtcdException.class, () -> ResultCodec.decode(ResultCodec.error(e)));
      assertEquals(e, thrown.error());
    }
  }
}
