package io.keel.grpc.internal;

import static io.keel.grpc.internal.FuzzedRequests.b;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.api.AuthDisableRequest;
import io.etcd.jetcd.api.AuthGrpc;
import io.etcd.jetcd.api.AuthRoleAddRequest;
import io.etcd.jetcd.api.AuthUserAddRequest;
import io.etcd.jetcd.api.AuthUserDeleteRequest;
import io.etcd.jetcd.api.AuthUserGetRequest;
import io.etcd.jetcd.api.AuthUserGrantRoleRequest;
import io.etcd.jetcd.api.AuthenticateRequest;
import io.etcd.jetcd.api.ElectionGrpc;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.LeaderKey;
import io.etcd.jetcd.api.LeaderRequest;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.grpc.CallOptions;
import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.AbstractBlockingStub;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.keel.testsupport.fuzz.Fuzzer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The requests {@link GrpcAdminFuzzTest} keeps out because they would end its session: AuthEnable
 * and AuthDisable, with the input's bytes as they are (they have no fields: unknown fields, bad wire
 * types, truncated varints), and Election's Observe stream. Each input's first byte picks: 0
 * AuthEnable, 1 AuthDisable, 2 Observe (the rest as its LeaderRequest), 3 the harness
 * adding the root user with the root role, or deleting it (not fuzzed), so that AuthEnable is
 * sometimes refused (no root user) and sometimes takes effect. When it takes effect, the harness
 * signs in as root and turns auth off again, which must work: whatever the bytes were, the member is
 * left in a state its operator can undo. Same contract as the other gRPC targets: an answer or
 * etcd's refusal, no INTERNAL beyond grpc's unmarshalling refusal, no Java text; Observe may wait out
 * its deadline, as it should while nobody leads the election.
 */
class GrpcAuthToggleFuzzTest {
  private static final Path SAVED = Path.of("src/test/resources/fuzz/grpc-auth-toggle");
  private static final String ROOT_PASSWORD = "fuzz-root";
  private static KeelTestNode node;
  /** How often a fuzzed AuthEnable took effect (and the harness turned auth off again). */
  private static final java.util.concurrent.atomic.AtomicInteger ENABLED = new java.util.concurrent.atomic.AtomicInteger();

  @BeforeAll
  static void start() throws Exception {
    node = KeelTestNode.start();
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  private static <S extends AbstractBlockingStub<S>> S deadline(S stub) {
    return stub.withDeadlineAfter(5, TimeUnit.SECONDS);
  }

  private static void send(byte[] input) {
    if (input.length == 0) {
      return;
    }
    byte[] body = Arrays.copyOfRange(input, 1, input.length);
    int rpc = Math.floorMod(input[0], 4);
    try {
      switch (rpc) {
        case 0 -> {
          unary(AuthGrpc.getAuthEnableMethod(), body);
          turnAuthOffAsRoot(); // it took effect: the operator's way back must work
          ENABLED.incrementAndGet();
        }
        case 1 -> unary(AuthGrpc.getAuthDisableMethod(), body);
        case 2 -> observe(body);
        default -> toggleRoot();
      }
    } catch (StatusRuntimeException e) {
      boolean waited = rpc == 2 && e.getStatus().getCode() == Status.Code.DEADLINE_EXCEEDED;
      boolean notProtobuf = rpc <= 2 && FuzzedRequests.malformedRefusal(e); // all three are sent as raw bytes
      if (!waited && !notProtobuf) {
        throw e;
      }
    }
  }

  private static <Q, R> void unary(MethodDescriptor<Q, R> method, byte[] body) {
    FuzzedRequests.unary(node.channel(), method, body);
  }

  /** Observe's stream for a moment: its first answer if there is a leader, else its deadline. */
  private static void observe(byte[] body) {
    Context.CancellableContext call = Context.current().withCancellation();
    try {
      call.run(() -> {
        Iterator<?> answers = ClientCalls.blockingServerStreamingCall(node.channel(),
            FuzzedRequests.raw(ElectionGrpc.getObserveMethod()),
            CallOptions.DEFAULT.withDeadlineAfter(300, TimeUnit.MILLISECONDS), body);
        if (answers.hasNext()) {
          answers.next();
        }
      });
    } finally {
      call.cancel(null);
    }
  }

  private static void turnAuthOffAsRoot() {
    String token = deadline(AuthGrpc.newBlockingStub(node.channel())).authenticate(AuthenticateRequest.newBuilder()
        .setName("root").setPassword(ROOT_PASSWORD).build()).getToken();
    Metadata headers = new Metadata();
    headers.put(Metadata.Key.of("token", Metadata.ASCII_STRING_MARSHALLER), token);
    deadline(AuthGrpc.newBlockingStub(node.channel()).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers)))
        .authDisable(AuthDisableRequest.getDefaultInstance());
  }

  /** Adds root (with the root role) if it is missing, deletes it if it is there. */
  private static void toggleRoot() {
    AuthGrpc.AuthBlockingStub auth = deadline(AuthGrpc.newBlockingStub(node.channel()));
    boolean present;
    try {
      auth.userGet(AuthUserGetRequest.newBuilder().setName("root").build());
      present = true;
    } catch (StatusRuntimeException e) {
      present = false;
    }
    if (present) {
      auth.userDelete(AuthUserDeleteRequest.newBuilder().setName("root").build());
      return;
    }
    auth.userAdd(AuthUserAddRequest.newBuilder().setName("root").setPassword(ROOT_PASSWORD).build());
    try {
      auth.roleAdd(AuthRoleAddRequest.newBuilder().setName("root").build());
    } catch (StatusRuntimeException exists) {
      // the root role stays once made
    }
    auth.userGrantRole(AuthUserGrantRoleRequest.newBuilder().setUser("root").setRole("root").build());
  }

  private static List<byte[]> seeds() {
    List<byte[]> c = new ArrayList<>(Fuzzer.saved(SAVED));
    c.add(new byte[] {0}); // refused: no root user yet
    c.add(new byte[] {1});
    c.add(new byte[] {3}); // root added
    c.add(new byte[] {0, 0x08, 0x01}); // enabled, then turned off by the harness
    c.add(new byte[] {1, 0x0f});
    c.add(new byte[] {0, 0x12, 0x05, 'a'});
    c.add(new byte[] {3}); // root deleted
    c.add(FuzzedRequests.input(2, LeaderRequest.newBuilder().setName(b("e")).build()));
    c.add(FuzzedRequests.input(2, LeaderKey.newBuilder().setName(b("e")).setKey(b("e/1")).build()));
    c.add(new byte[] {2, (byte) 0xfa, 0x01, 0x00});
    return c;
  }

  @Test
  void authToggleAndObserveGetAnAnswerOrEtcdsRefusalAndTheMemberServesOn() {
    Fuzzer.Report report = new Fuzzer("grpc-auth-toggle", GrpcAuthToggleFuzzTest::send, FuzzedRequests::clean,
        Duration.ofSeconds(10), Path.of("target/fuzz-findings")).run(seeds(), Fuzzer.budget(Duration.ofSeconds(10)));
    System.out.println(report);
    assertTrue(report.findings().isEmpty(), report.toString());
    assertTrue(ENABLED.get() > 0, "a fuzzed AuthEnable took effect at least once (the seeds see to it)");
    // auth is off whatever the run did, so a request without a token is served
    deadline(KVGrpc.newBlockingStub(node.channel())).put(PutRequest.newBuilder().setKey(b("after-fuzz"))
        .setValue(b("still here")).build());
    assertEquals("still here", deadline(KVGrpc.newBlockingStub(node.channel()))
        .range(RangeRequest.newBuilder().setKey(b("after-fuzz")).build()).getKvs(0).getValue().toStringUtf8());
  }
}
