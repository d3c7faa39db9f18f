package io.keel.grpc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.api.LeaseGrantRequest;
import io.etcd.jetcd.api.LeaseGrpc;
import io.etcd.jetcd.api.LeaseRevokeRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.lock.LockGrpc;
import io.etcd.jetcd.api.lock.LockRequest;
import io.etcd.jetcd.api.lock.LockResponse;
import io.etcd.jetcd.api.lock.UnlockRequest;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** etcd's v3lock service over real gRPC: grant, contention, release by unlock, lease expiry and cancel. */
class LockServiceTest {
  static KeelTestNode node;
  static KVGrpc.KVBlockingStub kv;
  static LeaseGrpc.LeaseBlockingStub lease;
  static LockGrpc.LockBlockingStub lock;
  static LockGrpc.LockStub lockAsync;

  @BeforeAll
  static void start() throws Exception {
    node = KeelTestNode.start();
    kv = node.kv();
    lease = LeaseGrpc.newBlockingStub(node.channel());
    lock = LockGrpc.newBlockingStub(node.channel());
    lockAsync = LockGrpc.newStub(node.channel());
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  static ByteString bs(String s) {
    return ByteString.copyFromUtf8(s);
  }

  static long grant(long ttl) {
    return lease.leaseGrant(LeaseGrantRequest.newBuilder().setTTL(ttl).build()).getID();
  }

  static List<KeyValue> under(String prefix) {
    return kv.range(RangeRequest.newBuilder().setKey(bs(prefix)).setRangeEnd(bs(prefix + "\uffff")).build()).getKvsList();
  }

  static CompletableFuture<LockResponse> lockLater(String name, long leaseId) {
    CompletableFuture<LockResponse> f = new CompletableFuture<>();
    lockAsync.lock(LockRequest.newBuilder().setName(bs(name)).setLease(leaseId).build(), observer(f));
    return f;
  }

  static <T> StreamObserver<T> observer(CompletableFuture<T> f) {
    return new StreamObserver<>() {
      @Override
      public void onNext(T value) {
        f.complete(value);
      }

      @Override
      public void onError(Throwable t) {
        f.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {}
    };
  }

  static void assertStillWaiting(CompletableFuture<?> f) throws Exception {
    assertThrows(TimeoutException.class, () -> f.get(700, TimeUnit.MILLISECONDS), "granted while held by another");
  }

  @Test
  void uncontendedLockIsTheSessionKeyAndUnlockDeletesIt() {
    long id = grant(60);
    LockResponse held = lock.lock(LockRequest.newBuilder().setName(bs("l1")).setLease(id).build());
    assertEquals("l1/" + Long.toHexString(id), held.getKey().toStringUtf8());
    List<KeyValue> keys = under("l1/");
    assertEquals(1, keys.size());
    assertEquals(id, keys.get(0).getLease());
    assertEquals(keys.get(0).getCreateRevision(), held.getHeader().getRevision(), "granted at its own put");

    long unlocked = lock.unlock(UnlockRequest.newBuilder().setKey(held.getKey()).build()).getHeader().getRevision();
    assertTrue(unlocked > held.getHeader().getRevision());
    assertTrue(under("l1/").isEmpty());
  }

  @Test
  void aWaiterGetsTheLockOnlyAfterTheHolderUnlocks() throws Exception {
    long a = grant(60);
    long b = grant(60);
    LockResponse first = lock.lock(LockRequest.newBuilder().setName(bs("l2")).setLease(a).build());
    CompletableFuture<LockResponse> second = lockLater("l2", b);
    assertStillWaiting(second);

    long unlocked = lock.unlock(UnlockRequest.newBuilder().setKey(first.getKey()).build()).getHeader().getRevision();
    LockResponse got = second.get(10, TimeUnit.SECONDS);
    assertEquals("l2/" + Long.toHexString(b), got.getKey().toStringUtf8());
    assertTrue(got.getHeader().getRevision() >= unlocked, "granted no earlier than the release");
    // the fencing token: each holder's key was created later than the previous holder's
    assertTrue(under("l2/").get(0).getCreateRevision() > first.getHeader().getRevision());
  }

  @Test
  void theHoldersLeaseRevokedReleasesTheLock() throws Exception {
    long a = grant(60);
    long b = grant(60);
    lock.lock(LockRequest.newBuilder().setName(bs("l3")).setLease(a).build());
    CompletableFuture<LockResponse> second = lockLater("l3", b);
    assertStillWaiting(second);
    lease.leaseRevoke(LeaseRevokeRequest.newBuilder().setID(a).build());
    assertEquals("l3/" + Long.toHexString(b), second.get(10, TimeUnit.SECONDS).getKey().toStringUtf8());
  }

  @Test
  void aWaiterWhoseOwnLeaseEndedWhileWaitingIsRefused() throws Exception {
    long a = grant(60);
    long b = grant(60);
    LockResponse first = lock.lock(LockRequest.newBuilder().setName(bs("l4")).setLease(a).build());
    CompletableFuture<LockResponse> second = lockLater("l4", b);
    assertStillWaiting(second);
    lease.leaseRevoke(LeaseRevokeRequest.newBuilder().setID(b).build()); // the waiter's session ends
    lock.unlock(UnlockRequest.newBuilder().setKey(first.getKey()).build());

    ExecutionException e = assertThrows(ExecutionException.class, () -> second.get(10, TimeUnit.SECONDS));
    Status s = ((StatusRuntimeException) e.getCause()).getStatus();
    assertEquals(Status.Code.UNKNOWN, s.getCode());
    assertEquals("mutex: session is expired", s.getDescription());
    assertTrue(under("l4/").isEmpty(), "nobody holds it");
  }

  @Test
  void aCancelledWaiterGivesUpItsPlace() throws Exception {
    long a = grant(60);
    long b = grant(60);
    lock.lock(LockRequest.newBuilder().setName(bs("l5")).setLease(a).build());
    Context.CancellableContext ctx = Context.current().withCancellation();
    CompletableFuture<LockResponse> second = new CompletableFuture<>();
    ctx.run(() -> lockAsync.lock(LockRequest.newBuilder().setName(bs("l5")).setLease(b).build(), observer(second)));
    assertStillWaiting(second);
    assertEquals(2, under("l5/").size());
    ctx.cancel(null);

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (under("l5/").size() != 1 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    List<KeyValue> left = under("l5/");
    assertEquals(1, left.size(), "the cancelled waiter's key is deleted");
    assertEquals("l5/" + Long.toHexString(a), left.get(0).getKey().toStringUtf8());
    assertFalse(second.isDone() && !second.isCompletedExceptionally());
  }

  @Test
  void anUnknownLeaseIsEtcdsLeaseNotFoundAsAPlainError() {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> lock.lock(LockRequest.newBuilder().setName(bs("l6")).setLease(0x7abcdef).build()));
    assertEquals(Status.Code.UNKNOWN, e.getStatus().getCode(), "etcd's lock server passes its client's errors on as Unknown");
    assertEquals("etcdserver: requested lease not found", e.getStatus().getDescription());
  }

  @Test
  void noLeaseGrantsASixtySecondOne() {
    LockResponse held = lock.lock(LockRequest.newBuilder().setName(bs("l7")).build());
    KeyValue key = under("l7/").get(0);
    assertTrue(key.getLease() != 0);
    assertEquals("l7/" + Long.toHexString(key.getLease()), held.getKey().toStringUtf8());
    long ttl = lease.leaseTimeToLive(io.etcd.jetcd.api.LeaseTimeToLiveRequest.newBuilder().setID(key.getLease())
        .build()).getGrantedTTL();
    assertEquals(60, ttl);
  }
}
