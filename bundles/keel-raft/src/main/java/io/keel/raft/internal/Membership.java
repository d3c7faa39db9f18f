package io.keel.raft.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The cluster's member table, replicated through the log so every member lists the same cluster:
 * each member's peer URLs and learner flag (seeded from the bootstrap members, then changed by
 * member add/update/promote/remove entries) and what members published about themselves (name,
 * client URLs), plus the agreed cluster ID and the active alarms. Written by the FSM thread, read
 * by any thread.
 */
public final class Membership {
  /** A member's published attributes. */
  public record Attributes(String name, List<String> clientUrls) {}

  /**
   * A member's place in the cluster: its peer URLs and whether it is a learner. A voter that jraft
   * still lists as a learner (added as a voter, or moved to new peer URLs) is promoted by the
   * leader once it has caught up.
   */
  public record Entry(List<String> peerUrls, boolean learner) {}

  private final Map<Long, Attributes> published = new ConcurrentHashMap<>();
  private final Map<Long, Entry> members = new ConcurrentHashMap<>();
  private final java.util.Set<Long> removed = ConcurrentHashMap.newKeySet();
  /** Peer URLs that members gave up (removed, or moved by an update): jraft should not keep them. */
  private final java.util.Set<String> retired = ConcurrentHashMap.newKeySet();

  /**
   * The members this one was bootstrapped with, as voters, before the log is replayed (a snapshot
   * replaces them with the table it holds).
   */
  public void seed(Identity identity) {
    identity.bootstrap().forEach((id, b) -> {
      members.putIfAbsent(id, new Entry(List.copyOf(b.peerUrls()), false));
      published.putIfAbsent(id, new Attributes(b.name(), List.of()));
    });
  }

  void add(Command.MemberAdd a) {
    removed.remove(a.memberId());
    retired.removeAll(a.peerUrls());
    members.put(a.memberId(), new Entry(List.copyOf(a.peerUrls()), a.learner()));
  }

  void remove(long id) {
    removed.add(id);
    Entry gone = members.remove(id);
    if (gone != null) {
      retired.addAll(gone.peerUrls());
    }
    published.remove(id);
  }

  void promote(long id) {
    members.computeIfPresent(id, (k, v) -> new Entry(v.peerUrls(), false));
  }

  void update(long id, List<String> peerUrls) {
    Entry old = members.get(id);
    if (old == null) {
      return;
    }
    members.put(id, new Entry(List.copyOf(peerUrls), old.learner()));
    retired.addAll(old.peerUrls());
    retired.removeAll(peerUrls);
  }

  /** Peer URLs no member owns any more. */
  public java.util.Set<String> retired() {
    return java.util.Set.copyOf(retired);
  }

  /** A current member's entry, or null. */
  public Entry member(long id) {
    return members.get(id);
  }

  /** Every current member by ID. */
  public Map<Long, Entry> members() {
    return new TreeMap<>(members);
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

  /** etcd's AlarmType.NOSPACE ordinal. */
  public static final int NOSPACE = io.keel.api.Alarm.Type.NOSPACE.ordinal();

  /**
   * Whether NOSPACE is raised (by any member): the one answer to "is the cluster out of space", for
   * the capped applier and the proposers alike.
   */
  public boolean noSpace() {
    return hasAlarm(NOSPACE);
  }

  /** Whether {@code memberId} itself has raised NOSPACE. */
  public boolean noSpaceRaisedBy(long memberId) {
    return alarms.contains(java.util.Map.entry(memberId, NOSPACE));
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

  /**
   * The whole table as a snapshot holds it (see {@link SnapshotFile}), every collection sorted so
   * that equal tables make equal snapshots.
   */
  public record State(Map<Long, Entry> members, Map<Long, Attributes> published, long clusterId,
      List<Map.Entry<Long, Integer>> alarms, List<Long> removed, List<String> retired) {}

  /**
   * The table now; the FSM thread calls it between two entries, so it is one consistent table. A
   * backup reads it from another thread: each part is then consistent on its own, which is enough
   * for the member table a backup carries (a restore replaces it with the new cluster's).
   */
  public State state() {
    return new State(new TreeMap<>(members), new TreeMap<>(published), clusterId, alarms(),
        new ArrayList<>(new java.util.TreeSet<>(removed)), new ArrayList<>(new java.util.TreeSet<>(retired)));
  }

  /** Replaces the whole table with one a snapshot held. */
  void restore(State s) {
    published.clear();
    published.putAll(s.published());
    retired.clear();
    retired.addAll(s.retired());
    members.clear();
    members.putAll(s.members());
    removed.clear();
    removed.addAll(s.removed());
    clusterId = s.clusterId();
    alarms.clear();
    alarms.addAll(s.alarms());
  }
}
