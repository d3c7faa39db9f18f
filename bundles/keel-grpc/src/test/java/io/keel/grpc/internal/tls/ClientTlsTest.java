package io.keel.grpc.internal.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.keel.api.config.KeelConfig;
import io.keel.api.config.TlsConfig;
import io.keel.grpc.internal.ClientIdentity;
import io.keel.grpc.internal.GrpcServer;
import io.keel.grpc.internal.gateway.Gateway;
import io.keel.raft.RaftNode;
import io.keel.testsupport.Ports;
import io.keel.tls.CertMint;
import io.keel.tls.TlsContext;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client port over TLS: gRPC (ALPN h2) and the JSON gateway (HTTP/1.1) on one https:// port, mTLS, the CN seam. */
class ClientTlsTest {
  @TempDir
  static Path dir;
  static CertMint.Issued ca;
  static RaftNode raft;
  static GrpcServer server;
  static int port;

  @BeforeAll
  static void start() throws Exception {
    ca = CertMint.ca("ca", Duration.ofDays(1));
    CertMint.Issued srv = CertMint.leaf(ca, "server", List.of("127.0.0.1"), CertMint.Usage.SERVER, Duration.ofDays(1));
    CertMint.Issued alice = CertMint.leaf(ca, "alice", List.of(), CertMint.Usage.CLIENT, Duration.ofDays(1));
    write("ca.pem", ca.cert());
    write("server.pem", srv.cert());
    write("server-key.pem", srv.key());
    write("alice.pem", alice.cert());
    write("alice-key.pem", alice.key());
    String peer = "http://127.0.0.1:" + Ports.free();
    port = Ports.free();
    String client = "https://127.0.0.1:" + port;
    KeelConfig config = KeelConfig.from(Map.of("data-dir", dir.resolve("data").toString(), "listen-peer-urls", peer,
        "initial-advertise-peer-urls", peer, "initial-cluster", "default=" + peer, "election-timeout", "300",
        "heartbeat-interval", "30", "listen-client-urls", client, "advertise-client-urls", client),
        Map.of("ETCD_CLIENT_CERT_AUTH", "true", "ETCD_CERT_FILE", f("server.pem"), "ETCD_KEY_FILE", f("server-key.pem"),
            "ETCD_TRUSTED_CA_FILE", f("ca.pem")));
    raft = RaftNode.start(config);
    server = new GrpcServer(io.keel.grpc.internal.Endpoints.of(raft), config.listenClientUrls(),
        config.maxRequestBytes(), GrpcServer.DEFAULT_PROGRESS_NOTIFY_MS,
        TlsContext.open("client", config.clientTls(), config.dataDir(), config.listenClientUrls())).start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
    if (raft != null) {
      raft.close();
    }
  }

  static void write(String name, Object o) throws Exception {
    CertMint.write(dir.resolve(name), CertMint.pem(o), false);
  }

  static String f(String name) {
    return dir.resolve(name).toString();
  }

  static ManagedChannel channel(boolean withCert) throws Exception {
    SslContextBuilder b = GrpcSslContexts.forClient().trustManager(dir.resolve("ca.pem").toFile());
    if (withCert) {
      b.keyManager(dir.resolve("alice.pem").toFile(), dir.resolve("alice-key.pem").toFile());
    }
    return NettyChannelBuilder.forAddress("127.0.0.1", port).sslContext(b.build()).build();
  }

  @Test
  void grpcWithAClientCertificateWorks() throws Exception {
    ManagedChannel ch = channel(true);
    try {
      KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS);
      kv.put(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("k")).setValue(ByteString.copyFromUtf8("v")).build());
      assertEquals("v", kv.range(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("k")).build())
          .getKvs(0).getValue().toStringUtf8());
    } finally {
      ch.shutdownNow();
    }
  }

  @Test
  void grpcWithoutAClientCertificateIsRefused() throws Exception {
    ManagedChannel ch = channel(false);
    try {
      assertThrows(StatusRuntimeException.class, () -> KVGrpc.newBlockingStub(ch)
          .withDeadlineAfter(10, TimeUnit.SECONDS).range(RangeRequest.newBuilder()
              .setKey(ByteString.copyFromUtf8("k")).build()));
    } finally {
      ch.shutdownNow();
    }
  }

  @Test
  void theGatewayAnswersOverTls() throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setCertificateEntry("ca", ca.cert());
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    TlsContext aliceTls = TlsContext.open("peer", new TlsConfig(Optional.of(f("alice.pem")),
        Optional.of(f("alice-key.pem")), Optional.of(f("ca.pem")), Optional.empty(), false, false, List.of(),
        Optional.empty(), Optional.empty()), dir, List.of());
    SSLContext ctx = aliceTls.sslContext();
    // offers h2 and http/1.1, as curl does: the server picks http/1.1 for the gateway
    HttpClient http = HttpClient.newBuilder().sslContext(ctx).connectTimeout(Duration.ofSeconds(5)).build();
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/v3/kv/range"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"key\":\"aw==\"}")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    assertTrue(r.body().contains("\"header\""), r.body());
  }

  @Test
  void plaintextToTheHttpsPortIsClosedWithoutAnAnswerAndTheNodeServesOn() throws Exception {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write("POST /v3/kv/range HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      // etcd 3.4's crypto/tls listener closes it without an HTTP answer (a TLS alert at most)
      String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
      assertFalse(answer.contains("HTTP"), answer);
    }
    try (Socket s = new Socket()) { // garbage that is neither TLS nor HTTP: closed
      s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      s.setSoTimeout(10_000);
      s.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x00, 0x05, 1, 2, 3, 4, 5, 6, 7, 8, 9});
      InputStream in = s.getInputStream();
      byte[] buf = new byte[1024];
      while (in.read(buf) >= 0) {
        // a TLS alert may come first; the server then closes
      }
    }
    grpcWithAClientCertificateWorks();
  }

  @Test
  void callsSeeTheClientCertificatesCn() throws Exception {
    // the seam auth uses: a plain gRPC server on the client port's credentials, an interceptor reading the CN
    TlsContext tls = TlsContext.open("client", new TlsConfig(Optional.of(f("server.pem")), Optional.of(f("server-key.pem")),
        Optional.of(f("ca.pem")), Optional.empty(), true, false, List.of(), Optional.empty(), Optional.empty()),
        dir, List.of());
    AtomicReference<Optional<String>> seen = new AtomicReference<>();
    ServerInterceptor capture = new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
          ServerCallHandler<Q, R> next) {
        seen.set(ClientIdentity.commonName(call));
        return next.startCall(call, headers);
      }
    };
    HealthStatusManager health = new HealthStatusManager();
    Gateway gateway = new Gateway(null, null, null, 1024 * 1024);
    int p = Ports.free();
    io.grpc.Server s = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", p),
        gateway.credentials(tls, java.util.Set.of()))
        .addService(ServerInterceptors.intercept(health.getHealthService(), capture)).build().start();
    SslContextBuilder b = GrpcSslContexts.forClient().trustManager(dir.resolve("ca.pem").toFile())
        .keyManager(dir.resolve("alice.pem").toFile(), dir.resolve("alice-key.pem").toFile());
    ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", p).sslContext(b.build()).build();
    try {
      HealthGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS).check(HealthCheckRequest.getDefaultInstance());
      assertEquals(Optional.of("alice"), seen.get());
    } finally {
      ch.shutdownNow();
      s.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
