package io.keel.console.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keel.api.EtcdError;
import io.keel.api.auth.AuthInfo;
import io.keel.api.kv.Bytes;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The console's JSON API (under {@code /ui/api/}), transport-free: a route, its query parameters,
 * the token the page holds, and the parsed body go in; a JSON object or an {@link ApiException}
 * comes out. Every call runs as the user of the token (none when auth is disabled), so etcd decides
 * what the user may do and its errors reach the page as they are.
 *
 * <pre>
 * POST   login        {user, password}            -> {token}    (etcd's Authenticate)
 * GET    session                                  -> {user}
 * GET    keys?k=      one level of the key tree under prefix k (base64)
 * GET    key?k=&amp;rev=  one key (at a revision), its value's preview and its lease's TTL
 * PUT    key          {k, value | base64, lease, keepLease, expect}  expect = mod_revision to compare
 * DELETE key?k=&amp;expect=
 * GET    history?k=   the key's versions back to its creation or the compaction point
 * GET    leases       DELETE lease?id=
 * GET    cluster      members, leader, term/index, health, alarms
 * GET    status       this member's counters for the charts
 * POST   move-leader  {target}      POST disarm {member, type}
 * GET    watch?k=     (the servlet streams it: {@link #openWatch})
 * </pre>
 */
public final class ConsoleApi {
  private final ConsoleServices s;
  private final Keys keys;
  private final ClusterView cluster;

  public ConsoleApi(ConsoleServices services, java.net.http.HttpClient http) {
    this.s = services;
    this.keys = new Keys(services.kv(), services.leases());
    this.cluster = new ClusterView(services, new MemberProbe(http));
  }

  public ObjectNode handle(String method, String route, Map<String, String> query, String token, JsonNode body) {
    String call = method + " " + route;
    if (call.equals("POST login")) {
      return login(require(body, call));
    }
    AuthInfo who = who(token);
    return switch (call) {
      case "GET session" -> Json.object().put("user", who.user());
      case "GET keys" -> keys.level(who, query.containsKey("k") ? Json.base64(query.get("k"), "k") : Bytes.EMPTY);
      case "GET key" -> keys.get(who, key(query.get("k")), revision(query.get("rev")));
      case "PUT key" -> put(who, require(body, call));
      case "DELETE key" -> keys.delete(who, key(query.get("k")), expect(query.get("expect")));
      case "GET history" -> keys.history(who, key(query.get("k")));
      case "GET leases" -> cluster.leases(who);
      case "DELETE lease" -> cluster.revoke(who, Json.parseId(query.get("id"), "id"));
      case "GET cluster" -> cluster.cluster();
      case "GET status" -> cluster.status(who);
      case "POST move-leader" -> cluster.moveLeader(who, Json.parseId(Json.text(require(body, call), "target"), "target"));
      case "POST disarm" -> {
        JsonNode b = require(body, call);
        yield cluster.disarm(who, Json.parseId(Json.text(b, "member"), "member"), Json.text(b, "type"));
      }
      default -> throw ApiException.notFound("no such console call: " + call);
    };
  }

  /**
   * Opens a watch on the prefix {@code k} (base64; empty = every key) as the token's user, checked
   * as etcd checks a watch at creation (read permission on the whole range).
   */
  public WatchFeed openWatch(Map<String, String> query, String token) {
    AuthInfo who = who(token);
    byte[] prefix = query.containsKey("k") ? Json.base64(query.get("k"), "k") : Bytes.EMPTY;
    byte[] key = prefix.length == 0 ? new byte[] {0} : prefix;
    byte[] end = prefix.length == 0 ? new byte[] {0} : Bytes.prefixEnd(prefix);
    Calls.call(() -> {
      s.auth().checkRange(who, key, end);
      return null;
    });
    return WatchFeed.open(s.watchable(), key, end, s.watchable().currentRevision());
  }

  private ObjectNode login(JsonNode body) {
    String user = Json.text(body, "user");
    String password = Json.text(body, "password");
    if (user == null || user.isEmpty()) {
      throw ApiException.badRequest(EtcdError.USER_EMPTY.message());
    }
    String token = Calls.await(s.auth().authenticate(user, password == null ? "" : password));
    return Json.object().put("token", token).put("user", user);
  }

  /**
   * Who the token's holder is. A token this member does not know yet may have been assigned by a
   * log entry not applied here yet, so it is looked up once more after catching up (as etcd's simple
   * tokens wait for their index).
   */
  AuthInfo who(String token) {
    if (token == null || token.isEmpty()) {
      return AuthInfo.NONE;
    }
    try {
      return Calls.call(() -> s.auth().authInfo(token, null));
    } catch (ApiException e) {
      if (!e.getMessage().equals(EtcdError.INVALID_AUTH_TOKEN.message())) {
        throw e;
      }
      Calls.await(s.auth().caughtUp());
      return Calls.call(() -> s.auth().authInfo(token, null));
    }
  }

  private ObjectNode put(AuthInfo who, JsonNode body) {
    byte[] key = key(Json.text(body, "k"));
    String text = Json.text(body, "value");
    String b64 = Json.text(body, "base64");
    if ((text == null) == (b64 == null)) {
      throw ApiException.badRequest("give the value as exactly one of \"value\" (text) or \"base64\"");
    }
    byte[] value = text != null ? text.getBytes(StandardCharsets.UTF_8) : Json.base64(b64, "base64");
    String lease = Json.text(body, "lease");
    long leaseId = lease == null || lease.isEmpty() ? 0 : Json.parseId(lease, "lease");
    boolean keepLease = body.path("keepLease").asBoolean(false);
    long expect = Json.number(body, "expect", -1);
    if (expect < -1) {
      throw ApiException.badRequest("expect must be a mod_revision >= 0 (or absent)");
    }
    return keys.put(who, key, value, leaseId, keepLease, expect);
  }

  private static JsonNode require(JsonNode body, String call) {
    if (body == null || !body.isObject()) {
      throw ApiException.badRequest(call + " needs a JSON object body");
    }
    return body;
  }

  private static byte[] key(String b64) {
    return Json.base64(b64, "k");
  }

  private static long revision(String rev) {
    return parseLong(rev, "rev", 0);
  }

  private static long expect(String expect) {
    return parseLong(expect, "expect", -1);
  }

  private static long parseLong(String s, String name, long otherwise) {
    if (s == null || s.isEmpty()) {
      return otherwise;
    }
    try {
      long v = Long.parseLong(s);
      if (v < 0) {
        throw ApiException.badRequest(name + " must not be negative");
      }
      return v;
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(name + " must be a number, not \"" + s + "\"");
    }
  }
}
