package io.keel.raft.internal.auth;

import io.keel.api.EtcdError;
import io.keel.api.EtcdException;
import io.keel.api.auth.AuthInfo;
import io.keel.api.auth.Permission;
import io.keel.auth.AuthStore;
import io.keel.auth.Passwords;
import io.keel.auth.SimpleTokens;
import io.keel.raft.internal.Command;
import io.keel.raft.internal.propose.Proposer;
import io.keel.raft.internal.propose.ReadIndex;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * etcd's Auth service on this member (v3_server.go's Auth* methods):
 *
 * <ul>
 *   <li>changes are proposed as log commands carrying who asked, so the auth applier refuses them
 *       unless the asker has the root role (once enabled); a password is bcrypt-hashed here, on a
 *       thread of its own (bcrypt takes tens of ms, the transport threads never block), and only
 *       the hash goes into the log;
 *   <li>Authenticate waits for a ReadIndex, checks the password here, proposes a token prefix;
 *       every member assigns the token when it applies the entry, so any member accepts it. If the
 *       auth store changed while the password was checked, it starts again, as etcd does;
 *   <li>reads (UserGet, UserList, RoleGet, RoleList) are served once this member has applied
 *       everything committed (ReadIndex), with etcd's permission rules.
 * </ul>
 */
public final class AuthRequests implements AutoCloseable {
  /** How many times Authenticate starts again when the store changes under it. */
  private static final int AUTHENTICATE_ATTEMPTS = 5;

  private final AuthStore auth;
  private final Proposer proposer;
  private final ReadIndex reads;
  private final Passwords passwords;
  private final ExecutorService bcrypt = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "keel-auth-bcrypt");
    t.setDaemon(true);
    return t;
  });

  public AuthRequests(AuthStore auth, Proposer proposer, ReadIndex reads, int bcryptCost) {
    this.auth = auth;
    this.proposer = proposer;
    this.reads = reads;
    this.passwords = new Passwords(bcryptCost);
  }

  public AuthStore store() {
    return auth;
  }

  public CompletableFuture<Long> change(AuthInfo who, Command.AuthChange change) {
    return proposer.propose(new Command.AsUser(who.user(), who.revision(), change), Long.class);
  }

  public CompletableFuture<Long> userAdd(AuthInfo who, String name, String password, boolean noPassword) {
    if (name.isEmpty()) {
      return CompletableFuture.failedFuture(EtcdError.USER_EMPTY.exception()); // before hashing anything
    }
    if (noPassword) {
      return change(who, new Command.UserAdd(name, "", true));
    }
    return hashed(password).thenCompose(hash -> change(who, new Command.UserAdd(name, hash, false)));
  }

  public CompletableFuture<Long> userChangePassword(AuthInfo who, String name, String password) {
    return hashed(password).thenCompose(hash -> change(who, new Command.UserChangePassword(name, hash)));
  }

  private CompletableFuture<String> hashed(String password) {
    return CompletableFuture.supplyAsync(() -> passwords.hash(password == null ? "" : password), bcrypt);
  }

  /**
   * Completes with the token. A JWT needs no log entry: once the password is checked against the
   * linearized state, this member signs it with the auth revision it was checked at (a change after
   * that makes the token stale, as etcd's JWT at apply time would be).
   */
  public CompletableFuture<String> authenticate(String name, String password) {
    if (auth.jwt().isPresent()) {
      io.keel.auth.JwtTokens jwt = auth.jwt().get();
      if (jwt.verifyOnly()) {
        return CompletableFuture.failedFuture(EtcdError.VERIFY_ONLY.exception());
      }
      return reads.linearized().thenApplyAsync(ignored -> jwt.sign(name, auth.checkPassword(name, password)), bcrypt);
    }
    return reads.linearized().thenCompose(ignored -> authenticate(name, password, AUTHENTICATE_ATTEMPTS));
  }

  private CompletableFuture<String> authenticate(String name, String password, int attempts) {
    return CompletableFuture.supplyAsync(() -> auth.checkPassword(name, password), bcrypt)
        .thenCompose(checkedRevision -> {
          String prefix = auth.tokens().newPrefix();
          return proposer.propose(new Command.Authenticate(name, prefix), Long.class)
              .thenCompose(index -> {
                if (checkedRevision == auth.revision() || attempts <= 1) {
                  return CompletableFuture.completedFuture(SimpleTokens.token(prefix, index));
                }
                return authenticate(name, password, attempts - 1); // the password may have changed meanwhile
              });
        });
  }

  public CompletableFuture<List<String>> userGet(AuthInfo who, String name) {
    return read(() -> {
      try {
        auth.checkAdmin(who);
      } catch (EtcdException e) {
        if (!name.equals(who.user())) { // a user may look itself up
          throw e;
        }
      }
      return auth.userGet(name);
    });
  }

  public CompletableFuture<List<String>> userList(AuthInfo who) {
    return read(() -> {
      auth.checkAdmin(who);
      return auth.userList();
    });
  }

  public CompletableFuture<List<Permission>> roleGet(AuthInfo who, String role) {
    return read(() -> {
      try {
        auth.checkAdmin(who);
      } catch (EtcdException e) {
        if (!auth.hasRole(who.user(), role)) { // a user may look its own roles up
          throw e;
        }
      }
      return auth.roleGet(role);
    });
  }

  public CompletableFuture<List<String>> roleList(AuthInfo who) {
    return read(() -> {
      auth.checkAdmin(who);
      return auth.roleList();
    });
  }

  private <T> CompletableFuture<T> read(Supplier<T> read) {
    return reads.read(read);
  }

  @Override
  public void close() {
    bcrypt.shutdownNow();
  }
}
