package io.keel.grpc.internal.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.grpc.netty.shaded.io.netty.bootstrap.Bootstrap;
import io.grpc.netty.shaded.io.netty.bootstrap.ServerBootstrap;
import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;
import io.grpc.netty.shaded.io.netty.buffer.Unpooled;
import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInboundHandlerAdapter;
import io.grpc.netty.shaded.io.netty.channel.ChannelInitializer;
import io.grpc.netty.shaded.io.netty.channel.DefaultEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.local.LocalAddress;
import io.grpc.netty.shaded.io.netty.channel.local.LocalChannel;
import io.grpc.netty.shaded.io.netty.channel.local.LocalServerChannel;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpContent;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpMessage;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpResponse;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpResponseDecoder;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpUtil;
import io.grpc.netty.shaded.io.netty.handler.codec.http.LastHttpContent;
import io.keel.api.v2.V2Error;
import io.keel.grpc.internal.KeelTestNode;
import io.keel.raft.RaftNode;
import io.keel.testsupport.fuzz.Fuzzer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The seeded fuzzer on the v2 API's HTTP side ({@code /v2/keys}): each input is decoded into one
 * HTTP/1.1 request (method, path under /v2/keys with encoded segments, query string, body, content
 * type) and written as bytes to the client port's own HTTP pipeline ({@link Http1Pipeline}: netty's
 * codec, the aggregator, {@link GatewayHandler}, {@link V2Handler}), over netty's in-process
 * transport, in front of a real member's v2 store.
 *
 * <p>Input layout: byte 0 picks the method, byte 1 the Content-Type; the rest is split at the first
 * two NUL bytes into the path below /v2/keys, the query and the body. The path's bytes other than
 * unreserved ones, '/' and '%' are percent-encoded (a stray '%' is a bad escape); the query's
 * control, space and non-ASCII bytes likewise ('&amp;', '=', ';', '+' and '%' stay); the body is sent
 * as it is.
 *
 * <p>Contract: every request is answered within 5 s with a success (a v2 event, or a watch's
 * headers), etcd's v2 error JSON (errorCode, message, cause, index; never the 5xx codes) or one of
 * Go's plain answers (400 Bad Request, 404 page not found, 405 Method Not Allowed); never a 5xx,
 * never Java exception text. Afterwards a PUT and a GET of a key through the same pipeline work.
 */
class V2HttpFuzzTest {
  private static final Path SAVED = Path.of("src/test/resources/fuzz/v2-http");
  private static final String[] METHODS = {"GET", "PUT", "POST", "DELETE", "HEAD", "PATCH", "OPTIONS", "get"};
  private static final String[] TYPES = {"application/x-www-form-urlencoded",
      "application/x-www-form-urlencoded; charset=utf-8", "Application/X-WWW-Form-Urlencoded", "",
      "application/json", "text/plain", "foo/", "multipart/form-data; boundary=x"};
  private static final String PATH_SAFE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~/%";

  private static KeelTestNode node;
  private static DefaultEventLoopGroup loop;
  private static Channel server;
  private static LocalAddress address;

  @BeforeAll
  static void start() throws Exception {
    node = KeelTestNode.start();
    RaftNode raft = node.raft();
    Gateway gateway = new Gateway(raft, raft, raft, 2 * 1024 * 1024);
    gateway.serveV2(() -> raft, raft);
    loop = new DefaultEventLoopGroup(2);
    address = new LocalAddress("v2-http-fuzz");
    server = new ServerBootstrap().group(loop).channel(LocalServerChannel.class)
        .childHandler(new ChannelInitializer<LocalChannel>() {
          @Override
          protected void initChannel(LocalChannel ch) {
            // where the protocol sniffer stands on a real port: it installs the HTTP/1.1 handlers after itself
            ch.pipeline().addLast("sniffed", new ChannelInboundHandlerAdapter() {
              @Override
              public void handlerAdded(ChannelHandlerContext ctx) {
                Http1Pipeline.install(ctx, gateway);
              }
            });
          }
        }).bind(address).sync().channel();
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close().sync();
    }
    if (loop != null) {
      loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
    node.close();
  }

  /** What came back: the status, the body (empty for a watch's open stream) and whether it is one. */
  record Reply(int status, String contentType, String body, boolean watch) {}

  /** One request, as bytes: the method's name and the whole message. */
  record Request(String method, byte[] bytes) {}

  static Request decode(byte[] input) {
    String method = input.length > 0 ? METHODS[Math.floorMod(input[0], METHODS.length)] : "GET";
    String type = input.length > 1 ? TYPES[Math.floorMod(input[1], TYPES.length)] : "";
    List<byte[]> parts = new ArrayList<>();
    int from = Math.min(2, input.length);
    for (int i = from; i < input.length && parts.size() < 2; i++) {
      if (input[i] == 0) {
        parts.add(java.util.Arrays.copyOfRange(input, from, i));
        from = i + 1;
      }
    }
    parts.add(java.util.Arrays.copyOfRange(input, from, input.length));
    while (parts.size() < 3) {
      parts.add(new byte[0]);
    }
    StringBuilder target = new StringBuilder("/v2/keys");
    byte[] path = parts.get(0);
    if (path.length > 0 && path[0] != '/') {
      target.append('/');
    }
    for (byte b : path) {
      target.append(PATH_SAFE.indexOf(b & 0xff) >= 0 && b > 0 ? String.valueOf((char) b) : String.format("%%%02X", b & 0xff));
    }
    byte[] query = parts.get(1);
    if (query.length > 0) {
      target.append('?');
      for (byte b : query) {
        target.append(b > 0x20 && b < 0x7f ? String.valueOf((char) b) : String.format("%%%02X", b & 0xff));
      }
    }
    byte[] body = parts.get(2);
    String head = method + " " + target + " HTTP/1.1\r\nHost: fuzz\r\n"
        + (type.isEmpty() ? "" : "Content-Type: " + type + "\r\n") + "Content-Length: " + body.length + "\r\n\r\n";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(head.getBytes(StandardCharsets.ISO_8859_1));
    out.writeBytes(body);
    return new Request(method, out.toByteArray());
  }

  /** Sends one request on its own connection and reads the answer (a watch: its headers). */
  static Reply send(Request request) throws Exception {
    CompletableFuture<Reply> reply = new CompletableFuture<>();
    Channel ch = new Bootstrap().group(loop).channel(LocalChannel.class).handler(new ChannelInitializer<LocalChannel>() {
      @Override
      protected void initChannel(LocalChannel c) {
        c.pipeline().addLast(new HttpResponseDecoder() {
          @Override
          protected boolean isContentAlwaysEmpty(HttpMessage msg) {
            return request.method().equals("HEAD") || super.isContentAlwaysEmpty(msg);
          }
        });
        c.pipeline().addLast(new ChannelInboundHandlerAdapter() {
          private HttpResponse head;
          private final ByteArrayOutputStream body = new ByteArrayOutputStream();

          @Override
          public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
              if (msg instanceof HttpResponse r) {
                head = r;
                if (r.status().code() == 200 && HttpUtil.isTransferEncodingChunked(r)) {
                  reply.complete(new Reply(200, r.headers().get("Content-Type", ""), "", true));
                }
              }
              if (msg instanceof HttpContent c && head != null) {
                ByteBuf content = c.content();
                byte[] b = new byte[content.readableBytes()];
                content.getBytes(content.readerIndex(), b);
                body.writeBytes(b);
                if (msg instanceof LastHttpContent) {
                  reply.complete(new Reply(head.status().code(), head.headers().get("Content-Type", ""),
                      body.toString(StandardCharsets.UTF_8), false));
                }
              }
            } finally {
              io.grpc.netty.shaded.io.netty.util.ReferenceCountUtil.release(msg);
            }
          }

          @Override
          public void channelInactive(ChannelHandlerContext ctx) {
            reply.completeExceptionally(new AssertionError("connection closed without an answer"));
          }
        });
      }
    }).connect(address).sync().channel();
    try {
      ch.writeAndFlush(Unpooled.wrappedBuffer(request.bytes()));
      return reply.get(5, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("no answer within 5 s");
    } finally {
      ch.close();
    }
  }

  /** Sends one input's request and holds its answer to the contract. */
  static void check(byte[] input) throws Exception {
    Request request = decode(input);
    Reply r = send(request);
    String what = r + " to " + new String(request.bytes(), StandardCharsets.ISO_8859_1);
    if (r.status() >= 500 || r.body().contains("Exception") || r.body().contains("java.")) {
      throw new AssertionError("server error: " + what);
    }
    if (r.watch() || request.method().equals("HEAD")) {
      return;
    }
    if (r.status() == 200 || r.status() == 201) {
      JsonNode event = V2Json.JSON.readTree(r.body());
      if (!event.path("action").isTextual() || !event.path("node").isObject()) {
        throw new AssertionError("not a v2 event: " + what);
      }
      return;
    }
    if (r.contentType().equals("application/json")) {
      JsonNode e = V2Json.JSON.readTree(r.body());
      int code = e.path("errorCode").asInt(-1);
      boolean etcdError = e.path("errorCode").isInt() && e.path("message").asText().equals(V2Error.message(code))
          && e.path("cause").isTextual() && e.path("index").isIntegralNumber() && e.size() == 4;
      if (!etcdError || new V2Error(code, "", 0).httpStatus() != r.status()) {
        throw new AssertionError("not etcd's v2 error: " + what);
      }
      return;
    }
    boolean goAnswer = Map.of(400, "400 Bad Request\n", 404, "404 page not found\n", 405, "Method Not Allowed\n")
        .getOrDefault(r.status(), "").equals(r.body());
    if (!goAnswer) {
      throw new AssertionError("unexpected answer: " + what);
    }
  }

  @Test
  void everyRequestGetsEtcdsAnswerAndTheStoreServesOn() throws Exception {
    Fuzzer.Report report = new Fuzzer("v2-http", V2HttpFuzzTest::check, e -> false, Duration.ofSeconds(10),
        Path.of("target/fuzz-findings")).run(Fuzzer.saved(SAVED), Fuzzer.budget(Duration.ofSeconds(10)));
    System.out.println(report);
    assertTrue(report.findings().isEmpty(), report.toString());

    Reply put = send(decode("\u0001\u0000/after-fuzz\u0000\u0000value=still+here".getBytes(StandardCharsets.ISO_8859_1)));
    assertTrue(put.status() == 200 || put.status() == 201, put.toString());
    Reply get = send(decode("\u0000\u0000/after-fuzz".getBytes(StandardCharsets.ISO_8859_1)));
    assertEquals(200, get.status(), get.toString());
    assertEquals("still here", V2Json.JSON.readTree(get.body()).path("node").path("value").asText(), get.toString());
  }
}
