package io.keel.grpc.internal.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keel.api.v2.V2Error;
import io.keel.api.v2.V2Event;
import io.keel.api.v2.V2Node;
import java.time.Instant;
import java.util.List;

/**
 * etcd's v2 JSON (Go's encoding/json over v2store.Event and NodeExtern, omitempty as there): field
 * order action, node, prevNode; a node's key, value, dir, expiration (RFC 3339, UTC), ttl, nodes,
 * modifiedIndex, createdIndex. Each document ends with a newline, as Go's json.Encoder writes it.
 */
final class V2Json {
  static final ObjectMapper JSON = new ObjectMapper();

  private V2Json() {}

  static String event(V2Event e) {
    ObjectNode o = JSON.createObjectNode();
    o.put("action", e.action());
    o.set("node", node(e.node()));
    if (e.prevNode() != null) {
      o.set("prevNode", node(e.prevNode()));
    }
    if (e.refresh()) {
      o.put("refresh", true);
    }
    return o.toString() + "\n";
  }

  static ObjectNode node(V2Node n) {
    ObjectNode o = JSON.createObjectNode();
    if (!n.key().isEmpty()) {
      o.put("key", n.key());
    }
    if (n.value() != null) {
      o.put("value", n.value());
    }
    if (n.dir()) {
      o.put("dir", true);
    }
    if (n.expirationMs() != 0) {
      o.put("expiration", Instant.ofEpochMilli(n.expirationMs()).toString());
    }
    if (n.ttl() != 0) {
      o.put("ttl", n.ttl());
    }
    if (n.nodes() != null && !n.nodes().isEmpty()) {
      ArrayNode a = o.putArray("nodes");
      n.nodes().forEach(c -> a.add(node(c)));
    }
    if (n.modifiedIndex() != 0) {
      o.put("modifiedIndex", n.modifiedIndex());
    }
    if (n.createdIndex() != 0) {
      o.put("createdIndex", n.createdIndex());
    }
    return o;
  }

  static String error(V2Error e) {
    ObjectNode o = JSON.createObjectNode();
    o.put("errorCode", e.errorCode());
    o.put("message", e.getMessage());
    o.put("cause", e.cause() == null ? "" : e.cause());
    o.put("index", e.index());
    return o.toString() + "\n";
  }

  /**
   * The peer URLs of a v2 member create or update request, {@code {"peerURLs":["http://h:2380"]}},
   * checked as etcd's types.NewURLs checks them; a refusal's message is etcd's.
   */
  static List<String> peerUrls(String body) {
    com.fasterxml.jackson.databind.JsonNode n;
    try {
      n = JSON.readTree(body);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException("invalid JSON: " + e.getOriginalMessage());
    }
    List<String> urls = new java.util.ArrayList<>();
    if (n != null && n.isObject() && n.path("peerURLs").isArray()) {
      for (com.fasterxml.jackson.databind.JsonNode u : n.path("peerURLs")) {
        urls.add(u.asText());
      }
    }
    if (urls.isEmpty()) {
      throw new IllegalArgumentException("no valid URLs given");
    }
    for (String s : urls) {
      java.net.URI u;
      try {
        u = new java.net.URI(s.trim());
      } catch (java.net.URISyntaxException e) {
        throw new IllegalArgumentException("parse \"" + s + "\": " + e.getReason());
      }
      if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme())) {
        throw new IllegalArgumentException("URL scheme must be http, https, unix, or unixs: " + s);
      }
      if (u.getHost() == null || u.getPort() < 0) {
        throw new IllegalArgumentException("URL address does not have the form \"host:port\": " + s);
      }
      if (u.getRawPath() != null && !u.getRawPath().isEmpty()) {
        throw new IllegalArgumentException("URL must not contain a path: " + s);
      }
    }
    return urls.stream().map(String::trim).sorted().toList();
  }

  /** etcd's httptypes.HTTPError body: {"message":"..."}. */
  static String httpError(String message) {
    ObjectNode o = JSON.createObjectNode();
    o.put("message", message);
    return o.toString();
  }
}
