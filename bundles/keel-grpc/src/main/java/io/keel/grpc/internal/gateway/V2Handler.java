package io.keel.grpc.internal.gateway;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grpc.netty.shaded.io.netty.buffer.ByteBufUtil;
import io.grpc.netty.shaded.io.netty.buffer.Unpooled;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.handler.codec.http.DefaultHttpContent;
import io.grpc.netty.shaded.io.netty.handler.codec.http.DefaultHttpResponse;
import io.grpc.netty.shaded.io.netty.handler.codec.http.FullHttpRequest;
import io.grpc.netty.shaded.io.netty.handler.codec.http.FullHttpResponse;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpHeaderNames;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpHeaders;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpMethod;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpResponse;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpResponseStatus;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpVersion;
import io.grpc.netty.shaded.io.netty.handler.codec.http.LastHttpContent;
import io.keel.api.Cluster;
import io.keel.api.Kv;
import io.keel.api.Maintenance;
import io.keel.api.Member;
import io.keel.api.v2.V2Error;
import io.keel.api.v2.V2Event;
import io.keel.api.v2.V2Keys;
import io.keel.api.v2.V2Request;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;

/**
 * etcd 3.4's v2 API on the client port (etcdserver/api/v2http, with --enable-v2): {@code /v2/keys}
 * (get, watch, set/create/update/CAS, POST in-order keys, delete/CAD), {@code /v2/members} (and
 * {@code /leader}), {@code /v2/machines}, {@code /v2/stats/self|leader|store}. Form fields and
 * errors are etcd's; writes go through the member's {@link V2Keys}, i.e. the Raft log.
 *
 * <p>One request at a time per connection (as {@link GatewayHandler} serves them): {@link #serve}
 * answers through {@code done} once the response is complete, and returns the watch to close if
 * the client goes away first.
 */
final class V2Handler {
  private static final long MAX_TTL_SECONDS = Long.MAX_VALUE / 1_000_000_000L;
  private final ChannelHandlerContext ctx;
  private final V2Keys keys;
  private final Kv kv;
  private final Cluster cluster;
  private final Maintenance maintenance;
  private final Runnable done;

  V2Handler(ChannelHandlerContext ctx, V2Keys keys, Kv kv, Cluster cluster, Maintenance maintenance, Runnable done) {
    this.ctx = ctx;
    this.keys = keys;
    this.kv = kv;
    this.cluster = cluster;
    this.maintenance = maintenance;
    this.done = done;
  }

  /** Serves one /v2/ request; the watch to close when the connection ends, or null. */
  V2Keys.V2Watch serve(FullHttpRequest request, String path) {
    HttpMethod method = request.method();
    if (path.equals("/v2/keys") || path.startsWith("/v2/keys/")) {
      return keys(request, path.substring("/v2/keys".length()));
    }
    switch (path) {
      case "/v2/machines" -> {
        if (!HttpMethod.GET.equals(method) && !HttpMethod.HEAD.equals(method)) {
          respond(notAllowed("GET, HEAD"));
          return null;
        }
        StringBuilder sb = new StringBuilder();
        for (Member m : cluster.members()) {
          for (String u : m.clientUrls()) {
            sb.append(sb.length() == 0 ? "" : ", ").append(u);
          }
        }
        respond(HttpResponses.of(HttpResponseStatus.OK, HttpResponses.TEXT, sb.toString()));
      }
      case "/v2/members", "/v2/members/" -> members(request, "");
      case "/v2/stats/store" -> {
        ObjectNode o = V2Json.JSON.createObjectNode();
        keys.v2StoreStats().forEach(o::put);
        respond(HttpResponses.json(HttpResponseStatus.OK, o.toString()));
      }
      case "/v2/stats/self" -> respond(HttpResponses.json(HttpResponseStatus.OK, self()));
      case "/v2/stats/leader" -> {
        var status = maintenance.status();
        long self = kv.header(0).memberId();
        if (status.leader() != self) {
          respond(HttpResponses.json(HttpResponseStatus.FORBIDDEN, V2Json.httpError("not current leader")));
          return null;
        }
        respond(HttpResponses.json(HttpResponseStatus.OK, V2StatsJson.leader(self, cluster.members(), keys.v2PeerStats())));
      }
      default -> {
        if (path.startsWith("/v2/members/")) {
          members(request, path.substring("/v2/members/".length()));
        } else {
          respond(HttpResponses.text(HttpResponseStatus.NOT_FOUND, "404 page not found"));
        }
      }
    }
    return null;
  }

  // ---------------------------------------------------------------- /v2/members

  /**
   * etcd 3.4's membersHandler: GET lists (or names the leader), POST {"peerURLs":[...]} adds a member
   * (201 and the member), PUT /v2/members/ID {"peerURLs":[...]} updates its peer URLs and DELETE
   * /v2/members/ID removes it (204 each); a peer URL in use is 409, an unknown ID 404.
   */
  private void members(FullHttpRequest request, String rest) {
    HttpMethod method = request.method();
    if (!List.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.DELETE, HttpMethod.PUT).contains(method)) {
      respond(notAllowed("GET,POST,DELETE,PUT"));
      return;
    }
    if (HttpMethod.GET.equals(method)) {
      if (rest.isEmpty()) {
        ObjectNode o = V2Json.JSON.createObjectNode();
        ArrayNode a = o.putArray("members");
        cluster.members().forEach(m -> a.add(member(m)));
        respond(withCluster(HttpResponses.json(HttpResponseStatus.OK, o.toString() + "\n")));
      } else if (rest.equals("leader")) {
        long leader = maintenance.status().leader();
        Member m = cluster.members().stream().filter(x -> x.id() == leader).findFirst().orElse(null);
        if (m == null) {
          respond(HttpResponses.json(HttpResponseStatus.SERVICE_UNAVAILABLE, V2Json.httpError("During Leader Election")));
        } else {
          respond(withCluster(HttpResponses.json(HttpResponseStatus.OK, member(m).toString() + "\n")));
        }
      } else {
        respond(withCluster(HttpResponses.json(HttpResponseStatus.NOT_FOUND, V2Json.httpError("Not found"))));
      }
      return;
    }
    long id = 0;
    if (!HttpMethod.POST.equals(method)) {
      if (rest.isEmpty()) {
        respond(withCluster(HttpResponses.text(HttpResponseStatus.METHOD_NOT_ALLOWED, "Method Not Allowed")));
        return;
      }
      try {
        id = Long.parseUnsignedLong(rest, 16);
      } catch (NumberFormatException e) {
        respond(withCluster(HttpResponses.json(HttpResponseStatus.NOT_FOUND, V2Json.httpError("No such member: " + rest))));
        return;
      }
    }
    List<String> peerUrls = List.of();
    if (!HttpMethod.DELETE.equals(method)) {
      String type = request.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
      int semicolon = type.indexOf(';');
      String mediaType = (semicolon < 0 ? type : type.substring(0, semicolon)).trim().toLowerCase(java.util.Locale.ROOT);
      if (!mediaType.equals("application/json")) {
        respond(withCluster(HttpResponses.json(HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE,
            V2Json.httpError("Bad Content-Type " + mediaType + ", accept application/json"))));
        return;
      }
      try {
        peerUrls = V2Json.peerUrls(request.content().toString(StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        respond(withCluster(HttpResponses.json(HttpResponseStatus.BAD_REQUEST, V2Json.httpError(e.getMessage()))));
        return;
      }
    }
    String hexId = Long.toHexString(id);
    var change = HttpMethod.POST.equals(method) ? cluster.memberAdd(peerUrls, false)
        : HttpMethod.PUT.equals(method) ? cluster.memberUpdate(id, peerUrls) : cluster.memberRemove(id);
    change.whenComplete((c, err) -> ctx.executor().execute(() -> {
      if (err == null) {
        respond(withCluster(HttpMethod.POST.equals(method)
            ? HttpResponses.json(HttpResponseStatus.CREATED, member(c.member()).toString() + "\n")
            : HttpResponses.of(HttpResponseStatus.NO_CONTENT, HttpResponses.TEXT, "")));
        return;
      }
      Throwable cause = cause(err);
      io.keel.api.EtcdError e = cause instanceof io.keel.api.EtcdException ee ? ee.error() : null;
      if (e == io.keel.api.EtcdError.PEER_URL_EXIST) {
        respond(withCluster(HttpResponses.json(HttpResponseStatus.CONFLICT, V2Json.httpError("membership: peerURL exists"))));
      } else if (e == io.keel.api.EtcdError.MEMBER_EXIST) {
        respond(withCluster(HttpResponses.json(HttpResponseStatus.CONFLICT, V2Json.httpError("membership: ID exists"))));
      } else if (e == io.keel.api.EtcdError.MEMBER_NOT_FOUND) {
        respond(withCluster(HttpResponses.json(HttpResponseStatus.NOT_FOUND, V2Json.httpError("No such member: " + hexId))));
      } else {
        org.slf4j.LoggerFactory.getLogger(V2Handler.class).warn("v2 members {} failed: {}", method, cause.toString());
        respond(withCluster(HttpResponses.json(HttpResponseStatus.INTERNAL_SERVER_ERROR,
            V2Json.httpError("Internal Server Error"))));
      }
    }));
  }

  /** This member's /v2/stats/self document. */
  private String self() {
    long self = kv.header(0).memberId();
    Member me = cluster.members().stream().filter(m -> m.id() == self).findFirst()
        .orElse(new Member(self, "", List.of(), List.of(), false));
    return V2StatsJson.self(me, maintenance.status().leader(), keys.v2PeerStats(), java.time.Instant.now(),
        java.time.ZoneId.systemDefault());
  }

  private static ObjectNode member(Member m) {
    ObjectNode o = V2Json.JSON.createObjectNode();
    o.put("id", Long.toHexString(m.id()));
    o.put("name", m.name());
    ArrayNode peers = o.putArray("peerURLs");
    m.peerUrls().forEach(peers::add);
    ArrayNode clients = o.putArray("clientURLs");
    m.clientUrls().forEach(clients::add);
    return o;
  }

  // ---------------------------------------------------------------- /v2/keys

  private V2Keys.V2Watch keys(FullHttpRequest request, String key) {
    HttpMethod method = request.method();
    boolean read = HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method);
    // etcd's keysHandler checks the method before it reads the form
    if (!read && !HttpMethod.PUT.equals(method) && !HttpMethod.POST.equals(method) && !HttpMethod.DELETE.equals(method)) {
      respond(notAllowed("GET, HEAD, PUT, POST, DELETE"));
      return null;
    }
    String path = key.isEmpty() ? "/" : key;
    try {
      Map<String, List<String>> form = form(request);
      if (read) {
        boolean recursive = bool(form, "recursive");
        if (bool(form, "wait")) {
          long waitIndex = number(form, "waitIndex", V2Error.INDEX_NAN);
          return watch(path, recursive, bool(form, "stream"), waitIndex);
        }
        keys.v2Get(path, recursive, bool(form, "sorted"), bool(form, "quorum"))
            .whenComplete((e, err) -> ctx.executor().execute(() -> answer(e, err)));
        return null;
      }
      V2Request r = write(method.name(), path, form);
      keys.v2Write(r).whenComplete((e, err) -> ctx.executor().execute(() -> answer(e, err)));
    } catch (V2Error e) {
      respond(error(e));
    }
    return null;
  }

  /** etcd's parseKeyRequest for a write: the fields of the form (body first, then the query), checked. */
  private static V2Request write(String method, String path, Map<String, List<String>> form) throws V2Error {
    long prevIndex = number(form, "prevIndex", V2Error.INDEX_NAN);
    String prevValue = first(form, "prevValue");
    if (form.containsKey("prevValue") && prevValue.isEmpty()) {
      throw new V2Error(V2Error.PREV_VALUE_REQUIRED, "Field value is required", 0);
    }
    Boolean prevExist = null;
    if (form.containsKey("prevExist")) {
      prevExist = parseBool(first(form, "prevExist"), "prevExist");
    }
    boolean dir = bool(form, "dir");
    boolean recursive = bool(form, "recursive");
    boolean refresh = bool(form, "refresh");
    String value = first(form, "value");
    long expiration = 0;
    String ttl = first(form, "ttl");
    if (!ttl.isEmpty()) {
      long seconds;
      try {
        seconds = Long.parseUnsignedLong(ttl);
      } catch (NumberFormatException e) {
        throw new V2Error(V2Error.TTL_NAN, "", 0);
      }
      if (seconds > MAX_TTL_SECONDS) {
        throw new V2Error(V2Error.INVALID_FIELD, "ttl is too large", 0);
      }
      // the proposer fixes the absolute expiry, as etcd's handler does: applying reads no clock
      expiration = System.currentTimeMillis() + seconds * 1000;
    }
    if (refresh) {
      if (form.containsKey("value")) {
        throw new V2Error(V2Error.REFRESH_VALUE, "A value was provided on a refresh", 0);
      }
      if (ttl.isEmpty()) {
        throw new V2Error(V2Error.REFRESH_TTL_REQUIRED, "No TTL value set", 0);
      }
    }
    return new V2Request(method, path, value, dir, prevValue, prevIndex, prevExist, expiration, refresh, recursive);
  }

  private V2Keys.V2Watch watch(String path, boolean recursive, boolean stream, long waitIndex) throws V2Error {
    boolean[] finished = {false};
    Consumer<V2Event> sink = e -> ctx.executor().execute(() -> {
      if (finished[0] || !ctx.channel().isActive()) {
        return;
      }
      ctx.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer(V2Json.event(e), StandardCharsets.UTF_8)));
      if (!stream) {
        finished[0] = true;
        ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        done.run();
      }
    });
    long index = keys.v2Index();
    // registered first (an outdated index fails here, before any header), events queue behind the
    // headers, which go out at once as etcd's handleKeyWatch flushes them before the first event
    V2Keys.V2Watch w = keys.v2Watch(path, recursive, stream, waitIndex, sink);
    HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    head.headers().set(HttpResponses.CONTENT_TYPE, HttpResponses.JSON);
    head.headers().set(HttpResponses.TRANSFER_ENCODING, "chunked");
    headers(head.headers(), keys.v2RaftIndex());
    head.headers().set("X-Etcd-Index", Long.toString(index));
    ctx.writeAndFlush(head);
    return w;
  }


  /** What a completion failed with, CompletionException unwrapped. */
  private static Throwable cause(Throwable err) {
    return err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
  }

  private void answer(V2Event e, Throwable err) {
    if (err != null) {
      Throwable cause = cause(err);
      if (cause instanceof V2Error v) {
        respond(error(v));
      } else {
        V2Error internal = new V2Error(V2Error.RAFT_INTERNAL, String.valueOf(cause.getMessage()), 0);
        respond(error(internal));
      }
      return;
    }
    boolean created = e.action().equals("create") || e.action().equals("set") && e.prevNode() == null;
    FullHttpResponse r = HttpResponses.json(created ? HttpResponseStatus.CREATED : HttpResponseStatus.OK, V2Json.event(e));
    headers(r.headers(), keys.v2RaftIndex());
    r.headers().set("X-Etcd-Index", Long.toString(e.etcdIndex()));
    respond(r);
  }

  private FullHttpResponse error(V2Error e) {
    FullHttpResponse r = HttpResponses.json(HttpResponseStatus.valueOf(e.httpStatus()), V2Json.error(e));
    r.headers().set("X-Etcd-Index", Long.toString(e.index()));
    return withCluster(r);
  }

  private void headers(HttpHeaders h, long raftIndex) {
    h.set("X-Etcd-Cluster-Id", Long.toHexString(kv.header(0).clusterId()));
    h.set("X-Raft-Index", Long.toString(raftIndex));
    h.set("X-Raft-Term", Long.toString(keys.v2RaftTerm()));
  }

  private FullHttpResponse withCluster(FullHttpResponse r) {
    r.headers().set("X-Etcd-Cluster-Id", Long.toHexString(kv.header(0).clusterId()));
    return r;
  }

  private void respond(FullHttpResponse r) {
    ctx.writeAndFlush(r);
    done.run();
  }

  private static FullHttpResponse notAllowed(String allow) {
    FullHttpResponse r = HttpResponses.text(HttpResponseStatus.METHOD_NOT_ALLOWED, "Method Not Allowed");
    r.headers().set("Allow", allow);
    return r;
  }

  // ---------------------------------------------------------------- the form, as Go's ParseForm

  /** The request's form as Go's ParseForm reads it; a bad one is etcd's "Invalid POST form" with Go's text. */
  private static Map<String, List<String>> form(FullHttpRequest request) throws V2Error {
    try {
      return GoForm.parse(request.method().name(), request.headers().get(HttpHeaderNames.CONTENT_TYPE, ""),
          ByteBufUtil.getBytes(request.content()), request.uri());
    } catch (GoForm.GoFormException e) {
      throw new V2Error(V2Error.INVALID_FORM, e.getMessage(), 0);
    }
  }

  private static String first(Map<String, List<String>> form, String key) {
    List<String> v = form.get(key);
    return v == null || v.isEmpty() ? "" : v.get(0);
  }

  private static boolean bool(Map<String, List<String>> form, String key) throws V2Error {
    String v = first(form, key);
    return !v.isEmpty() && parseBool(v, key);
  }

  private static boolean parseBool(String v, String key) throws V2Error {
    return switch (v) {
      case "1", "t", "T", "true", "TRUE", "True" -> true;
      case "0", "f", "F", "false", "FALSE", "False" -> false;
      default -> throw new V2Error(V2Error.INVALID_FIELD, "invalid value for " + key, 0);
    };
  }

  private static long number(Map<String, List<String>> form, String key, int code) throws V2Error {
    String v = first(form, key);
    if (v.isEmpty()) {
      return 0;
    }
    try {
      return Long.parseUnsignedLong(v);
    } catch (NumberFormatException e) {
      throw new V2Error(code, "invalid value for " + key, 0);
    }
  }
}
