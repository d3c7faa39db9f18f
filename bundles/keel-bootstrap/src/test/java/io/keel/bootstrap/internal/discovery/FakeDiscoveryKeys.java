package io.keel.bootstrap.internal.discovery;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A v2 keys directory in memory with etcd's index rules (each change takes the next index), for
 * the discovery protocol's requests. {@code later} holds registrations other members make while
 * this one waits: a wait with nothing new applies the next of them; {@code downFor} makes that many
 * requests fail as an unreachable service would.
 */
final class FakeDiscoveryKeys implements DiscoveryKeys {
  final Map<String, Node> nodes = new LinkedHashMap<>();
  final Deque<String[]> later = new ArrayDeque<>();
  final List<String> requests = new ArrayList<>();
  long index;
  int downFor;

  void put(String key, String value) {
    index++;
    nodes.put(key, new Node(key, value, index, index, List.of()));
  }

  private void maybeDown(String what) throws Unavailable {
    requests.add(what);
    if (downFor != 0) {
      downFor--;
      throw new Unavailable(what + ": connection refused", null);
    }
  }

  @Override
  public Response get(String key) throws IOException, V2Error {
    maybeDown("GET " + key);
    Node n = nodes.get(key);
    if (n != null) {
      return new Response("get", n, index);
    }
    List<Node> children = nodes.values().stream().filter(c -> c.key().startsWith(key + "/")
        && c.key().indexOf('/', key.length() + 1) < 0).toList();
    List<Node> dirs = nodes.keySet().stream().filter(k -> k.startsWith(key + "/_config/")).findAny()
        .map(k -> List.of(new Node(key + "/_config", "", 1, 1, List.of()))).orElse(List.of());
    if (children.isEmpty() && dirs.isEmpty()) {
      throw new V2Error(100, "Key not found");
    }
    List<Node> all = new ArrayList<>(dirs);
    all.addAll(children);
    return new Response("get", new Node(key, "", 0, 0, all), index);
  }

  @Override
  public Response create(String key, String value) throws IOException, V2Error {
    maybeDown("PUT " + key);
    if (nodes.containsKey(key)) {
      throw new V2Error(105, "Key already exists");
    }
    put(key, value);
    return new Response("create", nodes.get(key), index);
  }

  @Override
  public Response waitFor(String key, long waitIndex, boolean recursive) throws IOException, V2Error {
    maybeDown("WAIT " + key + " " + waitIndex);
    while (true) {
      for (Node n : nodes.values()) {
        if (n.modifiedIndex() >= waitIndex && (n.key().equals(key) || recursive && n.key().startsWith(key + "/"))) {
          return new Response("create", n, index);
        }
      }
      String[] next = later.poll();
      if (next == null) {
        throw new AssertionError("the test waits for a member that never registers: " + key + " from " + waitIndex);
      }
      put(next[0], next[1]);
    }
  }
}
