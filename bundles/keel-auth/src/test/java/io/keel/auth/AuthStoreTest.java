package io.keel.auth;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.api.EtcdError;
import io.keel.api.EtcdException;
import io.keel.api.auth.AuthInfo;
import io.keel.api.auth.Permission;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AuthStoreTest {
  private final AtomicLong clock = new AtomicLong();
  private final SimpleTokens tokens = new SimpleTokens(300, clock::get);
  private final AuthStore store = new AuthStore(tokens);
  /** cost 4: the rules, not bcrypt's strength, are under test */
  private final Passwords passwords = new Passwords(4);

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static void assertError(EtcdError expected, Executable e) {
    EtcdException thrown = assertThrows(EtcdException.class, e);
    assertEquals(expected, thrown.error());
  }

  /** root with the root role, alice with a role "reader" over prefix a/ (READ) and key w (WRITE), enabled. */
  private AuthInfo enabledWithAlice() {
    store.applyUserAdd("root", passwords.hash("rootpw"), false);
    store.applyUserGrantRole("root", "root");
    store.applyRoleAdd("reader");
    store.applyRoleGrantPermission("reader", new Permission(Permission.Type.READ, b("a/"), b("a0")));
    store.applyRoleGrantPermission("reader", new Permission(Permission.Type.WRITE, b("w"), null));
    store.applyUserAdd("alice", passwords.hash("alicepw"), false);
    store.applyUserGrantRole("alice", "reader");
    store.applyEnable();
    return new AuthInfo("alice", store.revision());
  }

  @Test
  void newStoreIsDisabledAtRevisionOneAndAllowsEverything() {
    assertFalse(store.enabled());
    assertEquals(1, store.revision());
    assertDoesNotThrow(() -> store.checkPut(AuthInfo.NONE, b("k")));
    assertDoesNotThrow(() -> store.checkAdmin(AuthInfo.NONE));
  }

  @Test
  void enableNeedsRootUserWithRootRole() {
    assertError(EtcdError.ROOT_USER_NOT_EXIST, store::applyEnable);
    store.applyUserAdd("root", passwords.hash("pw"), false);
    assertError(EtcdError.ROOT_ROLE_NOT_EXIST, store::applyEnable);
    store.applyUserGrantRole("root", "root"); // the root role needs no role record
    long before = store.revision();
    store.applyEnable();
    assertTrue(store.enabled());
    assertEquals(before, store.revision(), "etcd does not commit a revision on enable");
    store.applyEnable(); // ignored
    store.applyDisable();
    assertEquals(before + 1, store.revision());
  }

  @Test
  void everyCommittedChangeBumpsTheRevisionOnce() {
    long r = store.revision();
    store.applyUserAdd("u", passwords.hash("p"), false);
    assertEquals(++r, store.revision());
    store.applyRoleAdd("r");
    assertEquals(++r, store.revision());
    store.applyUserGrantRole("u", "r");
    assertEquals(++r, store.revision());
    store.applyUserGrantRole("u", "r"); // already granted: ignored
    assertEquals(r, store.revision());
    store.applyRoleGrantPermission("r", new Permission(Permission.Type.READ, b("k"), null));
    assertEquals(++r, store.revision());
    store.applyRoleRevokePermission("r", b("k"), new byte[0]);
    assertEquals(++r, store.revision());
    store.applyRoleDelete("r");
    assertEquals(++r, store.revision());
    assertEquals(List.of(), store.userGet("u"), "deleting a role revokes it from its users");
  }

  @Test
  void userAndRoleErrorsAreEtcds() {
    assertError(EtcdError.USER_EMPTY, () -> store.applyUserAdd("", "h", false));
    assertError(EtcdError.ROLE_EMPTY, () -> store.applyRoleAdd(""));
    store.applyUserAdd("u", passwords.hash("p"), false);
    assertError(EtcdError.USER_ALREADY_EXIST, () -> store.applyUserAdd("u", "h", false));
    assertError(EtcdError.USER_NOT_FOUND, () -> store.applyUserDelete("nobody"));
    assertError(EtcdError.USER_NOT_FOUND, () -> store.userGet("nobody"));
    assertError(EtcdError.ROLE_NOT_FOUND, () -> store.applyUserGrantRole("u", "nope"));
    assertError(EtcdError.ROLE_NOT_GRANTED, () -> store.applyUserRevokeRole("u", "nope"));
    store.applyRoleAdd("r");
    assertError(EtcdError.ROLE_ALREADY_EXIST, () -> store.applyRoleAdd("r"));
    assertError(EtcdError.PERMISSION_NOT_GRANTED, () -> store.applyRoleRevokePermission("r", b("k"), null));
    assertError(EtcdError.ROLE_NOT_FOUND, () -> store.roleGet("nope"));
  }

  @Test
  void rootCannotBeRemovedWhileEnabled() {
    enabledWithAlice();
    assertError(EtcdError.INVALID_AUTH_MGMT, () -> store.applyUserDelete("root"));
    assertError(EtcdError.INVALID_AUTH_MGMT, () -> store.applyUserRevokeRole("root", "root"));
    assertError(EtcdError.INVALID_AUTH_MGMT, () -> store.applyRoleDelete("root"));
  }

  @ParameterizedTest(name = "{0} [{1},{2}) -> {3}")
  @CsvSource(nullValues = "-", value = {
      "read, a/1, -, ok",        // a key under the prefix
      "read, a/, a0, ok",        // the whole prefix
      "read, a/x, a/z, ok",      // a range inside it
      "read, a/, b, denied",     // past its end
      "read, b, -, denied",
      "read, w, -, denied",      // w is WRITE only
      "write, w, -, ok",
      "write, a/1, -, denied",   // a/ is READ only
      "write, w, w0, denied",    // a range is more than the single key w
  })
  void rangeConventions(String op, String key, String end, String expected) {
    AuthInfo alice = enabledWithAlice();
    Executable check = op.equals("read")
        ? () -> store.checkRange(alice, b(key), end == null ? null : b(end))
        : () -> store.checkDeleteRange(alice, b(key), end == null ? null : b(end));
    if (expected.equals("ok")) {
      assertDoesNotThrow(check);
    } else {
      assertError(EtcdError.PERMISSION_DENIED_ERR, check);
    }
  }

  @Test
  void fromKeyPermissionCoversEveryLaterKeyAndAdjacentRangesJoin() {
    AuthInfo alice = enabledWithAlice();
    store.applyRoleGrantPermission("reader", new Permission(Permission.Type.READ, b("m"), new byte[] {0}));
    store.applyRoleGrantPermission("reader", new Permission(Permission.Type.READ, b("a0"), b("m")));
    AuthInfo now = new AuthInfo("alice", store.revision());
    assertDoesNotThrow(() -> store.checkRange(now, b("zzz"), null));
    assertDoesNotThrow(() -> store.checkRange(now, b("m"), new byte[] {0}));
    // a/..a0 and a0..m and m.. join: everything from a/ on
    assertDoesNotThrow(() -> store.checkRange(now, b("a/"), new byte[] {0}));
    assertError(EtcdError.PERMISSION_DENIED_ERR, () -> store.checkRange(now, b("a"), new byte[] {0}));
    assertError(EtcdError.AUTH_OLD_REVISION, () -> store.checkRange(alice, b("a/1"), null));
  }

  @Test
  void noUserAndUnknownUsersAreRefused() {
    enabledWithAlice();
    assertError(EtcdError.USER_EMPTY, () -> store.checkPut(AuthInfo.NONE, b("w")));
    assertError(EtcdError.PERMISSION_DENIED_ERR, () -> store.checkPut(new AuthInfo("bob", store.revision()), b("w")));
    assertDoesNotThrow(() -> store.checkPut(new AuthInfo("root", store.revision()), b("anything")));
    assertError(EtcdError.USER_EMPTY, () -> store.checkAdmin(AuthInfo.NONE));
    assertError(EtcdError.USER_NOT_FOUND, () -> store.checkAdmin(new AuthInfo("bob", 5)));
    assertError(EtcdError.PERMISSION_DENIED_ERR, () -> store.checkAdmin(new AuthInfo("alice", 5)));
    assertDoesNotThrow(() -> store.checkAdmin(new AuthInfo("root", 5)));
  }

  @Test
  void passwordsAndTokens() {
    enabledWithAlice();
    assertEquals(store.revision(), store.checkPassword("alice", "alicepw"));
    assertError(EtcdError.AUTH_FAILED, () -> store.checkPassword("alice", "wrong"));
    assertError(EtcdError.AUTH_FAILED, () -> store.checkPassword("nobody", "x"));
    store.applyUserAdd("cn", null, true);
    assertError(EtcdError.NO_PASSWORD_USER, () -> store.checkPassword("cn", ""));
    assertError(EtcdError.AUTH_FAILED, () -> store.applyAuthenticate("cn", "t.1"));

    store.applyAuthenticate("alice", "tok.7");
    assertEquals(new AuthInfo("alice", store.revision()), store.authInfo("tok.7", "ignored-cn"));
    assertEquals(new AuthInfo("carol", store.revision()), store.authInfo(null, "carol"));
    assertEquals(AuthInfo.NONE, store.authInfo(null, null));
    assertError(EtcdError.INVALID_AUTH_TOKEN, () -> store.authInfo("made.up", null));

    store.applyUserChangePassword("alice", passwords.hash("new"));
    assertError(EtcdError.INVALID_AUTH_TOKEN, () -> store.authInfo("tok.7", null));
    store.applyAuthenticate("alice", "tok.8");
    store.applyDisable();
    assertError(EtcdError.INVALID_AUTH_TOKEN, () -> store.authInfo("tok.8", null));
    assertError(EtcdError.AUTH_NOT_ENABLED, () -> store.checkPassword("alice", "new"));
  }

  @Test
  void tokensExpireAfterTheirTtlOfDisuse() {
    tokens.assign("t.1", "alice");
    clock.addAndGet(299_000_000_000L);
    assertEquals("alice", tokens.user("t.1")); // used: its TTL starts again
    clock.addAndGet(299_000_000_000L);
    assertEquals("alice", tokens.user("t.1"));
    clock.addAndGet(300_000_000_000L);
    assertNull(tokens.user("t.1"));
    assertEquals(16, tokens.newPrefix().length());
  }

  @Test
  void restoreReplacesTheStateAndDropsTokens() {
    enabledWithAlice();
    AuthState saved = store.state();
    store.applyAuthenticate("alice", "x.1");
    AuthStore other = new AuthStore(new SimpleTokens(300, clock::get));
    other.restore(saved);
    assertEquals(saved, other.state());
    assertTrue(other.enabled());
    store.restore(saved);
    assertError(EtcdError.INVALID_AUTH_TOKEN, () -> store.authInfo("x.1", null));
  }
}
