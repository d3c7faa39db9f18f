package io.keel.bootstrap.internal.discovery;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A v3 keyspace in memory with etcd's revision rules (each put takes the next revision; a key keeps
 * its create revision when put again). {@code later} holds registrations other members make while
 * this one watches: each watch applies them in turn and reports them as events; {@code downFor}
 * makes that many requests fail as an unreachable service would; {@code breakWatch} breaks the
 * next watch after one event.
 */
final class FakeRegistryKeys implements RegistryKeys {
  final Map<String, Kv> kvs = new TreeMap<>();
  final Deque<String[]> later = new ArrayDeque<>();
  final List<String> requests = new ArrayList<>();
  long revision;
  int downFor;
  boolean breakWatch;

  void store(String key, String value) {
    revision++;
    Kv old = kvs.get(key);
    kvs.put(key, new Kv(key, value, old == null ? revision : old.createRevision()));
  }

  private void maybeDown(String what) throws IOException {
    requests.add(what);
    if (downFor != 0) {
      downFor--;
      throw new IOException(what + ": connection refused");
    }
  }

  @Override
  public Listing get(String key) throws IOException {
    maybeDown("GET " + key);
    Kv kv = kvs.get(key);
    return new Listing(kv == null ? List.of() : List.of(kv), revision);
  }

  @Override
  public Listing getPrefix(String prefix) throws IOException {
    maybeDown("PREFIX " + prefix);
    List<Kv> out = new ArrayList<>();
    for (Kv kv : kvs.values()) {
      if (kv.key().startsWith(prefix)) {
        out.add(kv);
      }
    }
    return new Listing(out, revision);
  }

  @Override
  public void put(String key, String value) throws IOException {
    maybeDown("PUT " + key);
    store(key, value);
  }

  @Override
  public void watchPrefix(String prefix, long fromRevision, EventSink events) throws IOException {
    maybeDown("WATCH " + prefix + " " + fromRevision);
    // what happened since fromRevision first, then the others' registrations as they come
    for (Kv kv : kvs.values()) {
      if (kv.key().startsWith(prefix) && kv.createRevision() >= fromRevision && events.accept(kv)) {
        return;
      }
    }
    while (!later.isEmpty()) {
      String[] next = later.poll();
      store(next[0], next[1]);
      if (events.accept(kvs.get(next[0]))) {
        return;
      }
      if (breakWatch) {
        breakWatch = false;
        throw new IOException("watch broke");
      }
    }
    throw new IOException("watch ended with nobody else registering");
  }
}
