package io.keel.raft.internal.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.keel.api.EtcdError;
import io.keel.api.EtcdException;
import io.keel.api.auth.Permission;
import io.keel.api.kv.Compare;
import io.keel.api.kv.DeleteRangeRequest;
import io.keel.api.kv.PutRequest;
import io.keel.api.kv.RangeRequest;
import io.keel.api.kv.RequestOp;
import io.keel.api.kv.SortOrder;
import io.keel.api.kv.SortTarget;
import io.keel.api.kv.TxnRequest;
import io.keel.auth.AuthStore;
import io.keel.auth.SimpleTokens;
import io.keel.raft.internal.Command;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** etcd's authApplierV3 rules: which user may apply which command, checked when the entry is applied. */
class AuthApplierTest {
  private final RecordingApplier backend = new RecordingApplier();
  private final AuthStore auth = new AuthStore(new SimpleTokens(300, System::nanoTime));
  /** lease 5 holds key "secret"; lease 6 holds "r/1" */
  private final Applier chain = new AuthApplier(backend, auth,
      id -> Map.of(5L, List.of(b("secret")), 6L, List.of(b("r/1"))).getOrDefault(id, List.of()));

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @BeforeEach
  void aliceReadsAndWritesUnderR() {
    auth.applyUserAdd("root", "", false);
    auth.applyUserGrantRole("root", "root");
    auth.applyRoleAdd("rw");
    auth.applyRoleGrantPermission("rw", new Permission(Permission.Type.READWRITE, b("r/"), b("r0")));
    auth.applyRoleGrantPermission("rw", new Permission(Permission.Type.READ, b("ro"), null));
    auth.applyUserAdd("alice", "", false);
    auth.applyUserGrantRole("alice", "rw");
    auth.applyEnable();
  }

  private Command alice(Command c) {
    return new Command.AsUser("alice", auth.revision(), c);
  }

  private static RangeRequest range(String key) {
    return new RangeRequest(b(key), new byte[0], 0, 0, SortOrder.NONE, SortTarget.KEY, false, false, false, 0, 0, 0, 0);
  }

  private static Compare compare(String key) {
    return new Compare(Compare.Result.EQUAL, Compare.Target.VERSION, b(key), new byte[0], 1, new byte[0]);
  }

  private static Command txn(List<Compare> compares, List<RequestOp> success) {
    return new Command.Txn(new TxnRequest(compares, success, List.of()));
  }

  static Stream<Arguments> cases() {
    PutRequest inR = PutRequest.of(b("r/1"), b("v"));
    PutRequest outside = PutRequest.of(b("x"), b("v"));
    return Stream.of(
        Arguments.of("put in r/", new Command.Put(inR), null),
        Arguments.of("put outside", new Command.Put(outside), EtcdError.PERMISSION_DENIED_ERR),
        Arguments.of("put onto a lease with a key alice cannot write",
            new Command.Put(new PutRequest(b("r/2"), b("v"), 5, false, false, false)), EtcdError.PERMISSION_DENIED_ERR),
        Arguments.of("put onto a lease with her keys",
            new Command.Put(new PutRequest(b("r/2"), b("v"), 6, false, false, false)), null),
        Arguments.of("delete r/ prefix", new Command.DeleteRange(new DeleteRangeRequest(b("r/"), b("r0"), true)), null),
        Arguments.of("delete read-only key", new Command.DeleteRange(new DeleteRangeRequest(b("ro"), new byte[0], false)),
            EtcdError.PERMISSION_DENIED_ERR),
        Arguments.of("txn compare outside", txn(List.of(compare("x")), List.of(inR)), EtcdError.PERMISSION_DENIED_ERR),
        Arguments.of("txn reading ro and writing r/", txn(List.of(compare("ro")), List.of(range("ro"), inR)), null),
        Arguments.of("txn op outside", txn(List.of(), List.of(inR, outside)), EtcdError.PERMISSION_DENIED_ERR),
        Arguments.of("nested txn op outside",
            txn(List.of(), List.of(new TxnRequest(List.of(), List.of(outside), List.of()))),
            EtcdError.PERMISSION_DENIED_ERR),
        Arguments.of("revoke a lease with a key she cannot write", new Command.LeaseRevoke(5),
            EtcdError.PERMISSION_DENIED_ERR),
        Arguments.of("revoke her lease", new Command.LeaseRevoke(6), null),
        Arguments.of("auth change", new Command.RoleAdd("new"), EtcdError.PERMISSION_DENIED_ERR),
        Arguments.of("authenticate needs no root", new Command.Authenticate("alice", "p"), null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void aliceAsEtcdWouldJudgeHer(String name, Command command, EtcdError expected) {
    if (expected == null) {
      Applier.apply(chain, alice(command));
      assertEquals(1, backend.applied.size(), "applied: " + backend.applied);
    } else {
      EtcdException e = assertThrows(EtcdException.class, () -> Applier.apply(chain, alice(command)));
      assertEquals(expected, e.error());
      assertEquals(List.of(), backend.applied, "a refused command changes nothing");
    }
  }

  @Test
  void anOldRevisionAndNoUserAreRefusedAndTheMembersOwnCommandsPass() {
    Command old = new Command.AsUser("alice", auth.revision(), new Command.Put(PutRequest.of(b("r/1"), b("v"))));
    auth.applyRoleAdd("another"); // the auth store moved on after the request was proposed
    assertEquals(EtcdError.AUTH_OLD_REVISION,
        assertThrows(EtcdException.class, () -> Applier.apply(chain, old)).error());
    Command anonymous = new Command.AsUser("", 0, new Command.Put(PutRequest.of(b("r/1"), b("v"))));
    assertEquals(EtcdError.USER_EMPTY,
        assertThrows(EtcdException.class, () -> Applier.apply(chain, anonymous)).error());
    Applier.apply(chain, new Command.LeaseRevoke(5)); // lease expiry: the member's own, unchecked
    Applier.apply(chain, new Command.AsUser("root", auth.revision(), new Command.RoleAdd("x")));
    assertEquals(List.of("leaseRevoke", "auth"), backend.applied);
  }
}
