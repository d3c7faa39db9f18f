package io.keel.raft.internal.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.api.EtcdError;
import io.keel.api.EtcdException;
import io.keel.api.kv.CompactionRequest;
import io.keel.api.kv.DeleteRangeRequest;
import io.keel.api.kv.PutRequest;
import io.keel.api.kv.RangeRequest;
import io.keel.api.kv.RequestOp;
import io.keel.api.kv.TxnRequest;
import io.keel.raft.internal.Command;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** etcd's applier chain without jraft: what the capped and quota appliers let through, and how they answer. */
class ApplierChainTest {
  private static final long QUOTA = 10_000;

  private final RecordingApplier backend = new RecordingApplier();
  private final AtomicBoolean noSpace = new AtomicBoolean();
  private final AtomicLong sizeBytes = new AtomicLong();
  private final Quota quota = new Quota(QUOTA, sizeBytes::get);
  private final Applier chain = Applier.chain(backend, noSpace::get, quota,
      new io.keel.auth.AuthStore(new io.keel.auth.SimpleTokens(300, System::nanoTime)), id -> List.of());

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static PutRequest put(String key, String value) {
    return PutRequest.of(b(key), b(value));
  }

  static TxnRequest txn(List<RequestOp> success, List<RequestOp> failure) {
    return new TxnRequest(List.of(), success, failure);
  }

  static Stream<Arguments> takeSpace() {
    return Stream.of(
        Arguments.of("put", new Command.Put(put("k", "v"))),
        Arguments.of("txn putting on success", new Command.Txn(txn(List.of(put("k", "v")), List.of()))),
        Arguments.of("txn putting on failure", new Command.Txn(txn(List.of(), List.of(put("k", "v"))))),
        Arguments.of("txn putting in a nested txn",
            new Command.Txn(txn(List.of(txn(List.of(put("k", "v")), List.of())), List.of()))),
        Arguments.of("lease grant", new Command.LeaseGrant(7, 60)));
  }

  static Stream<Arguments> takeNoSpace() {
    return Stream.of(
        Arguments.of("delete", new Command.DeleteRange(new DeleteRangeRequest(b("k"), new byte[0], false))),
        Arguments.of("txn reading and deleting",
            new Command.Txn(txn(List.of(RangeRequest.of(b("k"), new byte[0])),
                List.of(new DeleteRangeRequest(b("k"), new byte[0], false))))),
        Arguments.of("compaction", new Command.Compact(new CompactionRequest(5, false))),
        Arguments.of("lease revoke", new Command.LeaseRevoke(7)),
        Arguments.of("lease checkpoint", new Command.LeaseCheckpoint(new long[] {7}, new long[] {1000})),
        Arguments.of("alarm disarm", new Command.AlarmChange(false, 0, 1)),
        Arguments.of("member remove", new Command.MemberRemove(3)),
        Arguments.of("publish", new Command.Publish(3, "n3", List.of("http://127.0.0.1:2379"), 9)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("takeSpace")
  void cappedRefusesWhatTakesSpaceWhileNoSpaceIsRaised(String name, Command command) {
    noSpace.set(true);
    EtcdException e = assertThrows(EtcdException.class, () -> Applier.apply(chain, command));
    assertEquals(EtcdError.NO_SPACE, e.error());
    assertEquals(List.of(), backend.applied, "refused before it reached the store");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("takeNoSpace")
  void cappedLetsThroughWhatTakesNoSpaceWhileNoSpaceIsRaised(String name, Command command) {
    noSpace.set(true);
    sizeBytes.set(QUOTA * 2); // over quota as well: still free
    Applier.apply(chain, command);
    assertEquals(1, backend.applied.size(), "applied");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("takeSpace")
  void withoutTheAlarmAndWithRoomEverythingApplies(String name, Command command) {
    Object result = Applier.apply(chain, command);
    assertEquals(1, backend.applied.size());
    assertTrue(result != null);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("takeSpace")
  void quotaAppliesWhatDoesNotFitButAnswersNoSpace(String name, Command command) {
    sizeBytes.set(QUOTA - 10); // no room for even a lease (64 bytes)
    EtcdException e = assertThrows(EtcdException.class, () -> Applier.apply(chain, command));
    assertEquals(EtcdError.NO_SPACE, e.error());
    assertEquals(1, backend.applied.size(), "every member applies the same log: the entry is applied anyway");
  }

  @Test
  void costsAreEtcds() {
    assertEquals(256 + 3 + 5, Quota.cost(new Command.Put(put("key", "value"))));
    assertEquals(64, Quota.cost(new Command.LeaseGrant(1, 10)));
    // a txn costs its costlier branch: only one of them runs
    assertEquals(256 + 1 + 10, Quota.cost(new Command.Txn(
        txn(List.of(put("a", "1"), RangeRequest.of(b("a"), new byte[0])), List.of(put("b", "0123456789"))))));
    assertEquals(2 * (256 + 2), Quota.cost(new Command.Txn(txn(List.of(put("a", "1"), put("b", "2")), List.of()))));
    assertEquals(0, Quota.cost(new Command.DeleteRange(new DeleteRangeRequest(b("k"), new byte[0], false))));
    assertEquals(0, Quota.cost(new Command.Compact(new CompactionRequest(3, false))));
    assertEquals(0, Quota.cost(new Command.LeaseRevoke(1)));
  }

  @Test
  void aRequestFitsOnlyStrictlyBelowTheQuota() {
    long cost = Quota.cost(new Command.Put(put("k", "v"))); // 258
    sizeBytes.set(QUOTA - cost - 1);
    assertTrue(quota.available(cost));
    sizeBytes.set(QUOTA - cost);
    assertTrue(!quota.available(cost), "etcd: size + cost < quota");
    sizeBytes.set(QUOTA * 10);
    assertTrue(quota.available(0), "free requests always fit");
    assertTrue(quota.available(new Command.LeaseRevoke(1)));
  }
}
