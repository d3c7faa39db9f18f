package io.keel.raft.internal.etcd;

import static io.keel.raft.internal.etcd.EtcdBackendTest.b;
import static io.keel.raft.internal.etcd.EtcdBackendTest.history;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.keel.api.auth.Permission;
import io.keel.auth.AuthState;
import io.keel.bbolt.BoltReader;
import io.keel.mvcc.MvccStore;
import io.keel.raft.internal.SnapshotFile.Restored;
import io.keel.raft.internal.StoreLeases;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A snapshot file saved by real etcd 3.4.23 ({@code etcd-3.4.db}, made by {@code make-etcd-3.4-db.sh}
 * next to it): what Keel reads from it is what that etcd answered.
 */
class EtcdSnapshotFileTest {

  static Restored readEtcd(Path dir) throws IOException {
    Path file = dir.resolve("etcd.db");
    try (InputStream in = EtcdSnapshotFileTest.class.getResourceAsStream("/etcd/etcd-3.4.db")) {
      Files.copy(in, file);
    }
    try (BoltReader reader = BoltReader.open(file, Files.size(file) - 32)) {
      return EtcdBackend.read(reader::bucket);
    }
  }

  @Test
  void everyRevisionEtcdKeptAfterItsCompaction(@TempDir Path dir) throws IOException {
    MvccStore store = readEtcd(dir).store();
    assertEquals(9, store.currentRevision());
    assertEquals(5, store.compactRevision());
    long lease = 0x390da23be73c610aL;
    assertEquals(List.of(
        "5:k1=v1b c2 m5 v2 l0", "5:k2=v2 c3 m3 v1 l0", "5:k3=v3 c4 m4 v1 l0",
        "6:k1=v1b c2 m5 v2 l0", "6:k3=v3 c4 m4 v1 l0",
        "7:k1=v1b c2 m5 v2 l0", "7:k3=v3 c4 m4 v1 l0", "7:leased=x c7 m7 v1 l" + lease,
        "8:k1=v1c c2 m8 v3 l0", "8:k3=v3 c4 m4 v1 l0", "8:leased=x c7 m7 v1 l" + lease,
        "9:k1=v1c c2 m8 v3 l0", "9:k3=v3b c4 m9 v2 l0", "9:leased=x c7 m7 v1 l" + lease), history(store));
    assertEquals(600, StoreLeases.lease(store, lease).orElseThrow().ttlSeconds());
  }

  @Test
  void itsUsersAndRoles(@TempDir Path dir) throws IOException {
    AuthState auth = readEtcd(dir).auth();
    assertEquals(false, auth.enabled());
    assertEquals(List.of("root"), List.copyOf(auth.users().keySet()));
    assertEquals(List.of("r1"), auth.users().get("root").roles());
    assertEquals(true, auth.users().get("root").passwordHash().startsWith("$2a$"));
    assertEquals(List.of(new Permission(Permission.Type.READWRITE, b("a"), b("b"))), auth.roles().get("r1").permissions());
    assertEquals(5, auth.revision()); // user add, role add, grant permission, grant role: 1 + 4
  }
}
