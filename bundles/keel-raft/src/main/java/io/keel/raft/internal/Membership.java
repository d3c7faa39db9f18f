package io.keel.raft.internal;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What members have published about themselves (name, client URLs), replicated through the log so
 * every member lists the same cluster. Written by the FSM thread, read by any thread.
 */
public final class Membership {
  /** A member's published attributes. */
  public record Attributes(String name, List<String> clientUrls) {}

  /** A member added at runtime: its peer URLs and whether it is (still) a learner. */
  public record Added(List<String> peerUrls, boolean learner) {}

  private final Map<Long, Attributes> published = new ConcurrentHashMap<>();
  private final Map<Long, Added> added = new ConcurrentHashMap<>();
  private final java.util.Set<Long> removed = ConcurrentHashMap.newKeySet();

  void add(Command.MemberAdd a) {
    removed.remove(a.memberId());
    added.put(a.memberId(), new Added(List.copyOf(a.peerUrls()), a.learner()));
  }

  void remove(long id) {
    removed.add(id);
    added.remove(id);
    published.remove(id);
  }

  void promote(long id) {
    added.computeIfPresent(id, (k, v) -> new Added(v.peerUrls(), false));
  }

  public Map<Long, Added> added() {
    return new TreeMap<>(added);
  }

  public boolean isRemoved(long id) {
    return removed.contains(id);
  }

  private volatile long clusterId;
  /** Active alarms as (memberId, alarm type ordinal). */
  private final java.util.Set<java.util.Map.Entry<Long, Integer>> alarms = ConcurrentHashMap.newKeySet();

  void alarm(Command.AlarmChange a) {
    if (a.activate()) {
      alarms.add(java.util.Map.entry(a.memberId(), a.type()));
    } else {
      alarms.removeIf(e -> (a.memberId() == 0 || e.getKey() == a.memberId()) && e.getValue() == a.type());
    }
  }

  /** Active alarms, sorted by member then type. */
  public List<java.util.Map.Entry<Long, Integer>> alarms() {
    List<java.util.Map.Entry<Long, Integer>> out = new ArrayList<>(alarms);
    out.sort(java.util.Map.Entry.<Long, Integer>comparingByKey().thenComparing(java.util.Map.Entry.comparingByValue()));
    return out;
  }

  public boolean hasAlarm(int type) {
    return alarms.stream().anyMatch(e -> e.getValue() == type);
  }

  void publish(Command.Publish p) {
    published.put(p.memberId(), new Attributes(p.name(), List.copyOf(p.clientUrls())));
    if (clusterId == 0 && p.clusterId() != 0) {
      clusterId = p.clusterId(); // the first member to publish fixes the cluster's identity
    }
  }

  /** The cluster ID as the cluster agreed on it, or 0 before any member has published. */
  public long clusterId() {
    return clusterId;
  }

  public Attributes get(long memberId) {
    return published.get(memberId);
  }

  void write(OutputStream out) throws IOException {
    DataOutputStream d = new DataOutputStream(out);
    Map<Long, Attributes> sorted = new TreeMap<>(published);
    d.writeInt(3); // format
    d.writeInt(sorted.size());
    for (Map.Entry<Long, Attributes> e : sorted.entrySet()) {
      d.writeLong(e.getKey());
      d.writeUTF(e.getValue().name());
      d.writeInt(e.getValue().clientUrls().size());
      for (String u : e.getValue().clientUrls()) {
        d.writeUTF(u);
      }
    }
    Map<Long, Added> a = new TreeMap<>(added);
    d.writeInt(a.size());
    for (Map.Entry<Long, Added> e : a.entrySet()) {
      d.writeLong(e.getKey());
      d.writeBoolean(e.getValue().learner());
      d.writeInt(e.getValue().peerUrls().size());
      for (String u : e.getValue().peerUrls()) {
        d.writeUTF(u);
      }
    }
    d.writeLong(clusterId);
    List<java.util.Map.Entry<Long, Integer>> al = alarms();
    d.writeInt(al.size());
    for (java.util.Map.Entry<Long, Integer> e : al) {
      d.writeLong(e.getKey());
      d.writeInt(e.getValue());
    }
    java.util.List<Long> r = new java.util.ArrayList<>(new java.util.TreeSet<>(removed));
    d.writeInt(r.size());
    for (long id : r) {
      d.writeLong(id);
    }
    d.flush();
  }

  void read(InputStream in) throws IOException {
    DataInputStream d = new DataInputStream(in);
    if (d.readInt() != 3) {
      throw new IOException("unknown membership snapshot format");
    }
    Map<Long, Attributes> loaded = new TreeMap<>();
    int n = d.readInt();
    for (int i = 0; i < n; i++) {
      long id = d.readLong();
      String name = d.readUTF();
      int urls = d.readInt();
      List<String> list = new ArrayList<>(urls);
      for (int j = 0; j < urls; j++) {
        list.add(d.readUTF());
      }
      loaded.put(id, new Attributes(name, list));
    }
    Map<Long, Added> loadedAdded = new TreeMap<>();
    int na = d.readInt();
    for (int i = 0; i < na; i++) {
      long id = d.readLong();
      boolean learner = d.readBoolean();
      int urls = d.readInt();
      List<String> list = new ArrayList<>(urls);
      for (int j = 0; j < urls; j++) {
        list.add(d.readUTF());
      }
      loadedAdded.put(id, new Added(list, learner));
    }
    long loadedClusterId = d.readLong();
    java.util.Set<java.util.Map.Entry<Long, Integer>> loadedAlarms = new java.util.HashSet<>();
    int nal = d.readInt();
    for (int i = 0; i < nal; i++) {
      loadedAlarms.add(java.util.Map.entry(d.readLong(), d.readInt()));
    }
    java.util.Set<Long> loadedRemoved = new java.util.HashSet<>();
    int nr = d.readInt();
    for (int i = 0; i < nr; i++) {
      loadedRemoved.add(d.readLong());
    }
    published.clear();
    published.putAll(loaded);
    added.clear();
    added.putAll(loadedAdded);
    removed.clear();
    removed.addAll(loadedRemoved);
    clusterId = loadedClusterId;
    alarms.clear();
    alarms.addAll(loadedAlarms);
  }
}
